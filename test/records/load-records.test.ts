import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadProject } from '../../lib/records/load-project.js';
import { lintReport } from '../../lib/reports/findings-report.js';
import { EXAMPLE_CONFIG, recordText, tempProject } from '../support/project.js';
import { BAD_INPUTS, type ExpectedFinding } from './bad-records.corpus.js';

async function materialize(
  files: (typeof BAD_INPUTS)[number]['files'],
): Promise<Record<string, string | Buffer>> {
  const out: Record<string, string | Buffer> = {};
  for (const [name, content] of Object.entries(files))
    out[name] = typeof content === 'function' ? await content() : content;
  return out;
}

/**
 * A message names what to do: a next step after the problem ("; rename it ..."), or the rule
 * the value must meet ("must be ...").
 */
const NEXT_STEP =
  /(;|:) (add|write|rename|remove|delete|fix|set|keep|quote|copy|ask|store|convert|check|split|save|lower|use|restore|move|give|have)\b|\bmust (be|end|start|name|not)\b/;

const KNOWN =
  '; check the spelling: the known fields are customer, displayName, app, apiKey, rotation, contacts (see customers/README.md)';

/** A valid record beside every bad input: it must still be read, and stay free of findings. */
const BYSTANDER = 'bystander.yaml';
const bystander = recordText({
  customer: 'bystander',
  appleId: '9999999999',
  keyId: 'BYSTANDER1',
  fingerprint: 'Yn6cDOx8dVGPO3YbdqXUWixkPuZ1Bp-Y0TA-DoIC347',
});

describe('lint on bad inputs', () => {
  for (const input of BAD_INPUTS) {
    test(input.name, async () => {
      const platform = input.platform ? input.platform(EXAMPLE_CONFIG.context.platform) : undefined;
      const project = tempProject({ ...(await materialize(input.files)), [BYSTANDER]: bystander }, platform);
      if (input.configText !== undefined) writeFileSync(project.config, input.configText);
      const loaded = loadProject({ customersDir: project.customers, configFile: project.config });
      const pathOf = (file: string): string =>
        file === 'cdktf.json' ? project.config : join(project.customers, file);
      const lineOf = (e: ExpectedFinding): number =>
        typeof e.line === 'number'
          ? e.line
          : readFileSync(pathOf(e.file), 'utf8')
              .split('\n')
              .findIndex((l) => l.includes(e.line as string)) + 1;
      const expected = [input.expect, ...(input.also ?? [])];
      const shown = loaded.findings
        .map((f) => `${f.code} ${f.file}:${f.line}:${f.column} ${f.message}`)
        .join('\n');
      // The exact set: no finding missing, none extra.
      expect(
        loaded.findings.map((f) => ({ code: f.code, file: f.file, line: f.line })),
        shown,
      ).toEqual(
        expect.arrayContaining(
          expected.map((e) => ({ code: e.code, file: pathOf(e.file), line: lineOf(e) })),
        ),
      );
      expect(loaded.findings, shown).toHaveLength(expected.length);
      for (const e of expected) {
        if (e.column === undefined) continue;
        expect(
          loaded.findings.some(
            (f) =>
              f.code === e.code && f.file === pathOf(e.file) && f.line === lineOf(e) && f.column === e.column,
          ),
          `${e.code} at column ${e.column}:\n${shown}`,
        ).toBe(true);
      }
      for (const f of loaded.findings) {
        expect(f.severity).toBe('error');
        expect(f.message, f.message).toMatch(NEXT_STEP);
      }
      // Every other file is still read: the bystander is a valid record.
      if (input.configText === undefined || loaded.platform)
        expect(loaded.records.map((r) => r.customer)).toContain('bystander');
      expect(lintReport(loaded.findings, loaded.files, loaded.records).exitCode).toBe(1);
    });
  }

  test('createdOn: tomorrow (UTC) is allowed, the day after is an error, by the injected clock', () => {
    const now = new Date('2026-11-28T23:30:00Z');
    const lint = (createdOn: string): string[] => {
      const project = tempProject({ 'acme-corp.yaml': recordText({ createdOn }) });
      return loadProject({ customersDir: project.customers, configFile: project.config, now }).findings.map(
        (f) => f.code,
      );
    };
    expect(lint('2026-11-29')).toEqual([]);
    expect(lint('2026-11-30')).toEqual(['DATE_IN_FUTURE']);
  });

  test('an unknown field is named when it reads like a typo, described by its length when not', () => {
    const project = tempProject({
      'acme-corp.yaml': `${recordText()}${'Q'.repeat(20)}/x+${'9'.repeat(20)}: 1\nownr: x\n`,
    });
    const messages = loadProject({
      customersDir: project.customers,
      configFile: project.config,
    }).findings.map((f) => f.message);
    expect(messages).toEqual([
      `an unknown field of 43 characters at the top level is not a known field${KNOWN}`,
      `ownr is not a known field${KNOWN}`,
    ]);
  });
});

describe('lint on good inputs', () => {
  test('a valid record passes with no finding', () => {
    const project = tempProject({ 'acme-corp.yaml': recordText() });
    const loaded = loadProject({ customersDir: project.customers, configFile: project.config });
    assert.deepEqual(loaded.findings, []);
    assert.equal(loaded.records.length, 1);
    const r = loaded.records[0]!;
    assert.equal(r.customer, 'acme-corp');
    assert.equal(r.keyType, 'team');
    assert.equal(r.role, 'APP_MANAGER');
    assert.deepEqual(r.rotation, { maxAgeDays: 365, remindDaysBefore: [30, 7, 0] });
    assert.deepEqual(r.secret, {
      scheme: 'aws-sm',
      raw: 'aws-sm:asc-keys/acme-corp',
      secretId: 'asc-keys/acme-corp',
      name: 'asc-keys/acme-corp',
    });
  });

  test('an appleId written as a YAML integer denotes the same ID', () => {
    const project = tempProject({ 'acme-corp.yaml': recordText().replace('"1234567890"', '1234567890') });
    const loaded = loadProject({ customersDir: project.customers, configFile: project.config });
    assert.equal(loaded.records[0]?.appleId, '1234567890');
  });

  test('a role other than APP_MANAGER is a warning that does not fail lint', () => {
    const project = tempProject({
      'acme-corp.yaml': recordText().replace('  secret:', '  role: ADMIN\n  secret:'),
    });
    const loaded = loadProject({ customersDir: project.customers, configFile: project.config });
    assert.deepEqual(
      loaded.findings.map((f) => [f.code, f.severity, f.line]),
      [['ROLE_NOT_APP_MANAGER', 'warning', 8]],
    );
    assert.match(loaded.findings[0]!.message, /ADMIN, which grants more than publishing needs/);
    assert.equal(lintReport(loaded.findings, loaded.files, loaded.records).exitCode, 0);
  });

  test('a secret ARN reference keeps the ARN as the ID and the name for the stacks', () => {
    const arn = 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:asc-keys/acme-corp-AbC123';
    const project = tempProject({ 'acme-corp.yaml': recordText({ secret: `aws-sm:${arn}` }) });
    const loaded = loadProject({ customersDir: project.customers, configFile: project.config });
    assert.deepEqual(loaded.findings, []);
    assert.deepEqual(loaded.records[0]!.secret, {
      scheme: 'aws-sm',
      raw: `aws-sm:${arn}`,
      secretId: arn,
      name: 'asc-keys/acme-corp',
    });
  });

  test('README.md is allowed beside the records', () => {
    const project = tempProject({ 'acme-corp.yaml': recordText(), 'README.md': '# Customers\n' });
    assert.deepEqual(
      loadProject({ customersDir: project.customers, configFile: project.config }).findings,
      [],
    );
  });

  test('a folder in customers/, even one named like a record, is FILE_UNEXPECTED: move it elsewhere; the records beside it are read', () => {
    const project = tempProject({ 'acme-corp.yaml': recordText() });
    mkdirSync(join(project.customers, 'globex.yaml'));
    const loaded = loadProject({ customersDir: project.customers, configFile: project.config });
    expect(loaded.findings).toEqual([
      {
        file: join(project.customers, 'globex.yaml'),
        line: 1,
        column: 1,
        severity: 'error',
        code: 'FILE_UNEXPECTED',
        message: 'is not a file; customers/ holds only <slug>.yaml records and README.md: move it elsewhere',
      },
    ]);
    expect(loaded.records.map((r) => r.customer)).toEqual(['acme-corp']);
  });

  test('every finding of every file is reported in one run', () => {
    const project = tempProject({
      'a.yaml': '',
      'b.yml': 'x: 1',
      'acme-corp.yaml': recordText({ keyId: 'bad' }),
    });
    const codes = loadProject({ customersDir: project.customers, configFile: project.config }).findings.map(
      (f) => f.code,
    );
    assert.deepEqual(codes.sort(), ['FIELD_INVALID', 'FILE_EMPTY', 'FILE_YML_EXTENSION']);
  });

  test('a private key is never quoted in a finding', async () => {
    const { generateTestKey } = await import('../support/keys.js');
    const key = await generateTestKey();
    const project = tempProject({
      'acme-corp.yaml': recordText({ extra: `displayNote: |\n  ${key.pem.replaceAll('\n', '\n  ')}` }),
    });
    const findings = loadProject({ customersDir: project.customers, configFile: project.config }).findings;
    assert.ok(findings.some((f) => f.code === 'PRIVATE_KEY_IN_FILE'));
    const all = JSON.stringify(findings);
    for (const chunk of key.body.match(/.{16}/g)!) assert.ok(!all.includes(chunk));
  });
});
