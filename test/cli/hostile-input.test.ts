import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { loadProject } from '../../lib/records/load-project.js';
import { applyCustomer, applyPlatform, motoClients } from '../support/apply-desired-state.js';
import { AscEmulator } from '../support/asc-emulator.js';
import { runCli } from '../support/cli.js';
import { buildKeyFixture, type KeyFixture } from '../support/key-fixtures.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { recordText } from '../support/project.js';

/**
 * Every command against records, stored values and remote answers whose text holds line breaks
 * and GitHub workflow commands. The runner obeys "::command::" at the start of a line of a
 * step's output; no such line may come from data, in any output. The only workflow commands
 * asc-keys prints are its own annotations, whose data @actions/core escapes.
 */
const INJECT = (tag: string): string =>
  `\n::error::${tag}-injected\n::add-mask::${tag}-mask\n##[error]${tag}`;

/** A line that the runner would obey. */
const COMMAND_LINE = /^\s*(::|##\[)/;
/** Our own annotations: `::error title=asc-keys CODE,file=…,line=…,col=…::message`. */
const OWN_ANNOTATION = /^::(error|warning) title=asc-keys [A-Za-z_ ,]+(,file=[^\n]*?,line=\d+,col=\d+)?::/;

let moto: MotoServer;
const emulator = new AscEmulator();
let fixture: KeyFixture;
/** Every output of every run: [label, text]. */
const outputs: [string, string][] = [];

async function everyOutput(label: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const dir = fixture.project.dir;
  const junit = join(dir, 'out.xml');
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  writeFileSync(junit, '');
  const r = await runCli([...args, '--junit', 'out.xml'], {
    cwd: dir,
    env: {
      ...moto.env,
      AWS_EC2_METADATA_DISABLED: 'true',
      ASC_API_BASE_URL: emulator.url,
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summary,
      ...env,
    },
  });
  outputs.push(
    [`${label} stdout`, r.stdout],
    [`${label} stderr`, r.stderr],
    [`${label} junit`, readFileSync(junit, 'utf8')],
    [`${label} summary`, readFileSync(summary, 'utf8')],
  );
  return r.code;
}

describe('hostile text in records, values and answers, through every command', () => {
  beforeAll(async () => {
    moto = await startMoto({ accountId: '111122223333' });
    await emulator.start();
    const clients = motoClients(moto);
    fixture = await buildKeyFixture(
      [
        { slug: 'pem-issuer', value: null },
        { slug: 'inject-value', value: null },
        { slug: 'apple-inject', value: null },
      ],
      clients.secretsManager,
      emulator,
    );
    const project = loadProject({
      customersDir: fixture.project.customers,
      configFile: fixture.project.config,
    });
    await applyPlatform(clients, platformDesiredState(project.platform!));
    const pem = (slug: string): string => fixture.keys.get(slug)!.pem;
    const values: Record<string, (keyId: string, issuerId: string) => string> = {
      'pem-issuer': (keyId) =>
        JSON.stringify({ key_id: keyId, issuer_id: pem('pem-issuer'), key: pem('pem-issuer') }),
      'inject-value': () =>
        JSON.stringify({
          key_id: `AAAAAAAAAA${INJECT('keyid')}`,
          issuer_id: INJECT('issuer'),
          key: pem('inject-value'),
        }),
      'apple-inject': (keyId, issuerId) =>
        JSON.stringify({ key_id: keyId, issuer_id: issuerId, key: pem('apple-inject') }),
    };
    for (const r of project.records) {
      await applyCustomer(
        clients,
        customerDesiredState(r, project.platform!, new Date()),
        values[r.customer]!(r.keyId, r.issuerId!),
      );
      if (r.customer === 'apple-inject')
        emulator.faults = {
          perKey: new Map([
            [
              r.keyId,
              {
                status: 400,
                rawBody: JSON.stringify({
                  errors: [{ status: '400', code: `X${INJECT('code')}`, detail: INJECT('detail') }],
                }),
              },
            ],
          ]),
        };
    }
    const customers = fixture.project.customers;
    // A record whose slug, displayName, unknown field and secret path carry commands.
    writeFileSync(
      join(customers, 'hostile.yaml'),
      [
        `customer: ${JSON.stringify(`::error::slug${INJECT('slug')}`)}`,
        `displayName: ${JSON.stringify(INJECT('display'))}`,
        `${JSON.stringify(`::error::field${INJECT('field')}`)}: 1`,
        'app:',
        '  appleId: "5555555555"',
        'apiKey:',
        '  keyId: HOSTILE001',
        '  issuerId: 57246542-96fe-1a63-e053-0824d011072a',
        `  secret: ${JSON.stringify(`file:k${INJECT('path')}`)}`,
        '  fingerprint: DOx8dVGPO3YbdqXUWixkPuZ1Bp-Y0TA-DoIC347i6R4',
        `  createdOn: ${JSON.stringify(INJECT('date'))}`,
        '',
      ].join('\n'),
    );
    // A file whose name carries a command.
    writeFileSync(join(customers, `x${INJECT('filename')}.yaml`), recordText({ customer: 'x' }));
    // affected compares with git: the hostile files are the change.
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
        cwd: fixture.project.dir,
        encoding: 'utf8',
      });
    git('init', '-q', '-b', 'main');
    git('add', 'cdktf.json');
    git('commit', '-qm', 'base');
  });
  afterAll(async () => {
    await emulator.stop();
    await moto.stop();
  });

  test('every command, every format, --debug too', async () => {
    const runs: [string, string[], number][] = [
      ['lint', ['lint'], 1],
      ['lint json', ['lint', '--format', 'json'], 1],
      ['synth', ['synth', '--out', 'out'], 1],
      ['status', ['status'], 1],
      ['status markdown', ['status', '--format', 'markdown'], 1],
      ['check keys', ['check', 'keys', '--retry-budget', '1'], 1],
      ['check keys json debug', ['check', 'keys', '--format', 'json', '--debug', '--retry-budget', '1'], 1],
      ['check drift', ['check', 'drift'], 1],
      ['check drift json debug', ['check', 'drift', '--format', 'json', '--debug'], 1],
      ['affected', ['affected', '--base', 'main'], 0],
    ];
    for (const [label, args, code] of runs) expect(await everyOutput(label, args), label).toBe(code);
  });

  test("check drift with an AWS_REGION other than the platform's warns and says which it uses", async () => {
    expect(await everyOutput('check drift region', ['check', 'drift'], { AWS_REGION: 'us-east-1' })).toBe(1);
    const stderr = outputs.find(([label]) => label === 'check drift region stderr')![1];
    expect(stderr).toMatch(
      /^asc-keys: warning: AWS_REGION is us-east-1 but the platform's region .* is eu-central-1; asc-keys uses us-east-1/m,
    );
  });

  test('the values and answers were read: each injection reached a message, escaped', () => {
    const all = outputs.map(([, text]) => text).join('\n');
    // Text that names something (a file, Apple's answer) is shown, escaped.
    for (const tag of ['detail', 'code', 'filename'])
      expect(all, tag).toContain(`\\n::error::${tag}-injected`);
    // Text from values and unknown names is never shown at all: described by its shape.
    for (const tag of ['keyid', 'issuer', 'slug', 'field', 'display', 'date'])
      expect(all, tag).not.toContain(`${tag}-injected`);
    const keys = JSON.parse(outputs.find(([label]) => label === 'check keys json debug stdout')![1]);
    const by = Object.fromEntries(
      keys.results.map((r: { customer: string; code: string }) => [r.customer, r.code]),
    );
    expect(by['pem-issuer']).toBe('KEY_ID_MISMATCH');
    expect(by['inject-value']).toBe('KEY_ID_MISMATCH');
    expect(keys.results.find((r: { customer: string }) => r.customer === 'inject-value').message).toMatch(
      /key_id is not a Key ID: \d+ characters, with control characters or line breaks/,
    );
    expect(by['apple-inject']).toBe('APPLE_UNEXPECTED');
    const drift = JSON.parse(outputs.find(([label]) => label === 'check drift json debug stdout')![1]);
    const issuer = drift.findings.find(
      (f: { customer: string; field: string }) => f.customer === 'pem-issuer' && f.field === 'issuer_id',
    );
    expect(issuer.actual).toMatch(/^not an Issuer ID: \d+ characters, looks like a PEM key$/);
  });

  test("no line of any output starts a workflow command, except asc-keys' own annotations", () => {
    expect(outputs.length).toBeGreaterThan(30);
    for (const [label, text] of outputs) {
      for (const line of text.split(/\r?\n|\r/)) {
        if (!COMMAND_LINE.test(line)) continue;
        expect(line, `${label}: ${line}`).toMatch(OWN_ANNOTATION);
        expect(line, `${label}: ${line}`).not.toMatch(/^::(add-mask|error::|stop-commands)/);
      }
    }
  });

  test('no key material in any output, --debug included', () => {
    const all = outputs.map(([, text]) => text).join('\n');
    expect(all).not.toContain('PRIVATE KEY');
    for (const [slug, key] of fixture.keys)
      for (const chunk of key.body.match(/.{24}/g)!) expect(all.includes(chunk), slug).toBe(false);
    expect(existsSync(join(fixture.project.dir, 'out'))).toBe(false);
  });
});
