import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { loadProject } from '../../lib/records/load-project.js';
import { lintReport } from '../../lib/reports/findings-report.js';
import { EXAMPLE_CONFIG, recordText, tempProject } from '../support/project.js';
import { BAD_INPUTS } from './bad-records.corpus.js';

async function materialize(
  files: (typeof BAD_INPUTS)[number]['files'],
): Promise<Record<string, string | Buffer>> {
  const out: Record<string, string | Buffer> = {};
  for (const [name, content] of Object.entries(files))
    out[name] = typeof content === 'function' ? await content() : content;
  return out;
}

describe('lint on bad inputs', () => {
  test('the corpus holds at least 30 bad inputs', () => {
    assert.ok(BAD_INPUTS.length >= 30, `${BAD_INPUTS.length}`);
  });

  for (const input of BAD_INPUTS) {
    test(input.name, async () => {
      const platform = input.platform ? input.platform(EXAMPLE_CONFIG.context.platform) : undefined;
      const project = tempProject(await materialize(input.files), platform);
      const loaded = loadProject({ customersDir: project.customers, configFile: project.config });
      const file =
        input.expect.file === 'cdktf.json' ? project.config : join(project.customers, input.expect.file);
      const line =
        typeof input.expect.line === 'number'
          ? input.expect.line
          : readFileSync(file, 'utf8')
              .split('\n')
              .findIndex((l) => l.includes(input.expect.line as string)) + 1;
      const match = loaded.findings.find((f) => f.code === input.expect.code);
      assert.ok(
        match,
        `expected ${input.expect.code}, got:\n${loaded.findings.map((f) => `${f.code} ${f.file}:${f.line}:${f.column} ${f.message}`).join('\n')}`,
      );
      assert.equal(match.file, file);
      assert.equal(match.line, line);
      if (input.expect.column !== undefined) assert.equal(match.column, input.expect.column);
      assert.equal(match.severity, 'error');
      assert.match(match.message, /\S/);
      assert.equal(lintReport(loaded.findings, loaded.files, loaded.records).exitCode, 1);
    });
  }
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
