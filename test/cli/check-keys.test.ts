import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { AscEmulator } from '../support/asc-emulator.js';
import { secretsManagerClient } from '../support/aws-clients.js';
import { runCli, type CliResult } from '../support/cli.js';
import { runCliIn } from '../support/run-in-process.js';
import { buildKeyFixture, type KeyFixture, type KeyScenario } from '../support/key-fixtures.js';
import { startMoto, type MotoServer } from '../support/moto.js';

const SCENARIOS: KeyScenario[] = [
  { slug: 'ok-team' },
  { slug: 'ok-individual', type: 'individual' },
  { slug: 'ok-file', store: 'file', value: (k) => k.pem.replaceAll('\n', '\r\n') },
  { slug: 'no-secret', value: null },
  { slug: 'garbage', value: () => 'not a key at all' },
  {
    slug: 'other-key-id',
    value: (k, ids) => JSON.stringify({ key_id: 'ZZZZZZZZZZ', issuer_id: ids.issuerId, key: k.pem }),
  },
  { slug: 'other-fingerprint', wrongFingerprint: true },
  { slug: 'revoked', apple: 'revoked' },
  { slug: 'developer-role', apple: 'role-limited' },
  { slug: 'no-agreement', apple: 'agreement-missing' },
  { slug: 'no-app', noApps: true },
  { slug: 'broken', brokenRecord: 'customer: broken\napp: [\n' },
  { slug: 'apple-busy', appleAnswer: { status: 503 } },
  { slug: 'apple-odd', appleAnswer: { status: 400 } },
  // The PEM where an ID belongs (an easy slip when the value is built by hand): never echoed.
  {
    slug: 'pem-in-issuer',
    value: (k, ids) => JSON.stringify({ key_id: ids.keyId, issuer_id: k.pem, key: k.pem }),
  },
  {
    slug: 'pem-in-key-id',
    value: (k, ids) => JSON.stringify({ key_id: k.pem, issuer_id: ids.issuerId, key: k.pem }),
  },
  // file: keys that must not be read (docs/contract.md, Customer records); the files are put in place below.
  { slug: 'link-outside', store: 'file' },
  { slug: 'link-inside', store: 'file' },
  { slug: 'fifo', store: 'file' },
  { slug: 'dev-zero', store: 'file' },
  { slug: 'huge-file', store: 'file' },
  { slug: 'a-directory', store: 'file' },
  // 200 with something that is not the app: no proof, no OK.
  {
    slug: 'portal-page',
    appleAnswer: { status: 200, rawBody: '<html><body>Sign in to the Wi-Fi</body></html>' },
  },
  {
    slug: 'other-app',
    appleAnswer: { status: 200, rawBody: JSON.stringify({ data: { type: 'apps', id: '42' } }) },
  },
];

const EXPECTED: Record<string, [string, string]> = {
  'ok-team': ['valid', 'OK'],
  'ok-individual': ['valid', 'OK'],
  'ok-file': ['valid', 'OK'],
  'no-secret': ['invalid', 'SECRET_NOT_FOUND'],
  garbage: ['invalid', 'P8_INVALID'],
  'other-key-id': ['invalid', 'KEY_ID_MISMATCH'],
  'other-fingerprint': ['invalid', 'FINGERPRINT_MISMATCH'],
  revoked: ['invalid', 'KEY_REJECTED'],
  'developer-role': ['invalid', 'ROLE_INSUFFICIENT'],
  'no-agreement': ['invalid', 'AGREEMENT_MISSING'],
  'no-app': ['invalid', 'APP_NOT_FOUND'],
  broken: ['invalid', 'RECORD_INVALID'],
  'apple-busy': ['inconclusive', 'APPLE_UNAVAILABLE'],
  'apple-odd': ['inconclusive', 'APPLE_UNEXPECTED'],
  'pem-in-issuer': ['invalid', 'KEY_ID_MISMATCH'],
  'pem-in-key-id': ['invalid', 'KEY_ID_MISMATCH'],
  'link-outside': ['invalid', 'SECRET_ACCESS_DENIED'],
  'link-inside': ['valid', 'OK'],
  fifo: ['invalid', 'SECRET_NOT_FOUND'],
  'dev-zero': ['invalid', 'SECRET_ACCESS_DENIED'],
  'huge-file': ['invalid', 'P8_INVALID'],
  'a-directory': ['invalid', 'SECRET_NOT_FOUND'],
  'portal-page': ['inconclusive', 'APPLE_UNEXPECTED'],
  'other-app': ['inconclusive', 'APPLE_UNEXPECTED'],
};
const TOTAL = { total: 24, valid: 4, invalid: 16, inconclusive: 4 };

/** Replaces the file: keys of the scenarios above with what each stands for. */
function placeFileKeys(dir: string): void {
  const key = (slug: string): string => join(dir, 'keys', `${slug}.p8`);
  // A working key outside the repository, reached through a link inside it.
  const outside = mkdtempSync(join(tmpdir(), 'asc-keys-outside-'));
  renameSync(key('link-outside'), join(outside, 'key.p8'));
  symlinkSync(join(outside, 'key.p8'), key('link-outside'));
  // A link that stays inside the repository is fine.
  renameSync(key('link-inside'), join(dir, 'keys', 'real-inside.p8'));
  symlinkSync('real-inside.p8', key('link-inside'));
  rmSync(key('fifo'));
  execFileSync('mkfifo', [key('fifo')]);
  rmSync(key('dev-zero'));
  symlinkSync('/dev/zero', key('dev-zero'));
  // 200 MB without using the disk: a sparse file.
  truncateSync(key('huge-file'), 200 * 1024 * 1024);
  rmSync(key('a-directory'));
  mkdirSync(key('a-directory'));
}

let moto: MotoServer;
const emulator = new AscEmulator();
let fixture: KeyFixture;
/** Every byte the CLI wrote anywhere, to search for key material at the end. */
const outputs: string[] = [];

/**
 * `asc-keys check keys` in process (runCliIn); `checkCli` runs the built CLI in a child process,
 * for the tests of how the process ends: its exit code and stdout apart from stderr, the
 * contract's JSON and text, a crash's stack.
 */
async function check(args: string[], env: NodeJS.ProcessEnv = {}, run = runCliIn): Promise<CliResult> {
  const r = await run(['check', 'keys', '--retry-budget', '2', ...args], {
    cwd: fixture.project.dir,
    env: { ...moto.env, AWS_EC2_METADATA_DISABLED: 'true', ASC_API_BASE_URL: emulator.url, ...env },
  });
  outputs.push(r.stdout, r.stderr);
  return r;
}
const checkCli = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  check(args, env, runCli);

describe('asc-keys check keys with moto and the emulator: in process, and the built CLI where the process matters', () => {
  beforeAll(async () => {
    moto = await startMoto();
    await emulator.start();
    fixture = await buildKeyFixture(SCENARIOS, secretsManagerClient(moto), emulator);
    placeFileKeys(fixture.project.dir);
  });
  afterAll(async () => {
    await emulator.stop();
    await moto.stop();
  });

  test('every code of the contract, with its status, in the JSON; exit 1', async () => {
    const junit = join(fixture.project.dir, 'keys.xml');
    const summary = join(fixture.project.dir, 'summary.md');
    writeFileSync(summary, '');
    const r = await checkCli(['--format', 'json', '--junit', junit], {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summary,
    });
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    const got = Object.fromEntries(
      doc.results.map((x: { customer: string; status: string; code: string }) => [
        x.customer,
        [x.status, x.code],
      ]),
    );
    assert.deepEqual(got, EXPECTED);
    assert.deepEqual(doc.summary, TOTAL);
    const ok = doc.results.find((x: { customer: string }) => x.customer === 'ok-team');
    assert.deepEqual(Object.keys(ok), [
      'customer',
      'file',
      'keyId',
      'status',
      'code',
      'message',
      'rotationDue',
      'rotationOverdue',
      'ageDays',
      'dueOn',
      'request',
      'previousKeyRevoked',
    ]);
    assert.deepEqual(
      [ok.file, ok.rotationDue, ok.rotationOverdue, ok.dueOn, ok.request, ok.previousKeyRevoked],
      ['customers/ok-team.yaml', '2027-06-01', false, '2027-06-01', null, null],
    );
    assert.match(
      doc.results.find((x: { customer: string }) => x.customer === 'revoked').message,
      /rejected key K0007REVOK twice \(HTTP 401 NOT_AUTHORIZED/,
    );

    const xml = readFileSync(junit, 'utf8');
    outputs.push(xml);
    assert.equal(xml.match(/<testcase /g)?.length, TOTAL.total);
    assert.equal(xml.match(/<failure /g)?.length, TOTAL.invalid);
    assert.equal(xml.match(/<error /g)?.length, TOTAL.inconclusive);
    assert.match(xml, /<failure message="KEY_REJECTED: App Store Connect rejected key/);
    assert.match(
      r.stderr,
      /^::error title=asc-keys KEY_REJECTED,file=customers\/revoked\.yaml,line=5,col=1::revoked: App Store Connect rejected/m,
    );
    assert.match(
      r.stderr,
      /^::warning title=asc-keys APPLE_UNAVAILABLE,file=customers\/apple-busy\.yaml,line=5,col=1::/m,
    );
    const md = readFileSync(summary, 'utf8');
    outputs.push(md);
    assert.match(md, /24 keys: 4 valid, 16 invalid, 4 inconclusive/);
    assert.match(md, /\| revoked \| K0007REVOK \| invalid \| KEY_REJECTED \|/);
  });

  test('text output: a table, the problems in words, the summary line', async () => {
    const r = await checkCli([]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^customer\s+key ID\s+status\s+code\s+rotation due$/m);
    assert.match(
      r.stdout,
      /^no-agreement: AGREEMENT_MISSING the customer's App Store Connect agreements are missing or expired/m,
    );
    assert.match(r.stdout, /^24 keys: 4 valid, 16 invalid, 4 inconclusive$/m);
    assert.equal(r.stderr, '');
  });

  test('exit 3 when nothing is invalid but something is inconclusive; exit 0 when all are valid', async () => {
    const mixed = await check(['--customer', 'ok-team', '--customer', 'apple-busy', '--format', 'json']);
    assert.equal(mixed.code, 3);
    assert.deepEqual(JSON.parse(mixed.stdout).summary, { total: 2, valid: 1, invalid: 0, inconclusive: 1 });
    const good = await check([
      '--customer',
      'ok-team',
      '--customer',
      'ok-individual',
      '--customer',
      'ok-file',
    ]);
    assert.equal(good.code, 0, good.stdout);
  });

  test('--shard splits the customers between CI jobs without overlap', async () => {
    const seen: string[] = [];
    for (const i of [1, 2, 3]) {
      const r = await check([
        '--shard',
        `${i}/3`,
        '--format',
        'json',
        '--customer',
        'ok-team',
        '--customer',
        'ok-file',
        '--customer',
        'revoked',
        '--customer',
        'garbage',
      ]);
      seen.push(...JSON.parse(r.stdout).results.map((x: { customer: string }) => x.customer));
    }
    assert.deepEqual(seen.sort(), ['garbage', 'ok-file', 'ok-team', 'revoked']);
  });

  test('--asc-base-url wins over ASC_API_BASE_URL', async () => {
    const r = await check(['--customer', 'ok-team', '--asc-base-url', emulator.url, '--format', 'json'], {
      ASC_API_BASE_URL: 'http://127.0.0.1:9',
    });
    assert.equal(JSON.parse(r.stdout).results[0].code, 'OK');
  });

  test('Apple down entirely: exit 3 and APPLE_UNAVAILABLE for every key that reached Apple', async () => {
    const down = new AscEmulator();
    down.faults = { down: true };
    await down.start();
    try {
      const r = await check(
        [
          '--format',
          'json',
          '--customer',
          'ok-team',
          '--customer',
          'ok-individual',
          '--customer',
          'ok-file',
          '--customer',
          'revoked',
        ],
        { ASC_API_BASE_URL: down.url },
      );
      assert.equal(r.code, 3);
      const codes = JSON.parse(r.stdout).results.map((x: { code: string }) => x.code);
      assert.deepEqual(codes, [
        'APPLE_UNAVAILABLE',
        'APPLE_UNAVAILABLE',
        'APPLE_UNAVAILABLE',
        'APPLE_UNAVAILABLE',
      ]);
    } finally {
      await down.stop();
    }
  });

  test('Secrets Manager unavailable (503): AWS_UNAVAILABLE (inconclusive), never invalid; file: keys still checked', async () => {
    const busy = createServer((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'ServiceUnavailable', message: 'busy' }));
    });
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const r = await check(['--format', 'json', '--customer', 'ok-team', '--customer', 'ok-file'], {
      AWS_ENDPOINT_URL: `http://127.0.0.1:${(busy.address() as AddressInfo).port}`,
      AWS_MAX_ATTEMPTS: '2',
    }).finally(() => busy.close());
    assert.equal(r.code, 3, r.stderr);
    const byCustomer = Object.fromEntries(
      JSON.parse(r.stdout).results.map((x: { customer: string; code: string }) => [x.customer, x.code]),
    );
    assert.deepEqual(byCustomer, { 'ok-file': 'OK', 'ok-team': 'AWS_UNAVAILABLE' });
  });

  test('no AWS credentials: a configuration error, exit 2, no stack trace', async () => {
    const r = await checkCli(['--customer', 'ok-team'], {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_CONFIG_FILE: '/nonexistent',
    });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /^asc-keys: no AWS credentials were found \(CredentialsProviderError\); configure them/m,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test('configuration errors exit 2 and name the setting and the cause', async () => {
    const cases: [NodeJS.ProcessEnv, string[], RegExp][] = [
      [
        { AWS_ENDPOINT_URL: 'http://127.0.0.1:1' },
        [],
        /AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/,
      ],
      [{ AWS_ENDPOINT_URL: 'not-a-url' }, [], /AWS_ENDPOINT_URL=not-a-url is not a URL \(Invalid URL\)/],
      [{ AWS_REGION: 'not a region' }, [], /AWS_REGION=not a region is not an AWS region/],
      [{}, ['--asc-base-url', 'not a url'], /--asc-base-url not a url is not a URL \(Invalid URL\)/],
      [{ ASC_API_BASE_URL: 'ftp://x' }, [], /ASC_API_BASE_URL ftp:\/\/x is not an http\(s\) URL/],
    ];
    for (const [env, args, message] of cases) {
      const r = await check(['--customer', 'ok-team', ...args], env);
      assert.equal(r.code, 2, `${JSON.stringify(env)} ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at /);
    }
  });

  test('an endpoint that answers every request with an HTML 404: a configuration error naming AWS_ENDPOINT_URL, exit 2, for check keys and check drift', async () => {
    const html = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body><h1>404 Not Found</h1></body></html>');
    });
    await new Promise<void>((done) => html.listen(0, '127.0.0.1', done));
    const endpoint = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
    try {
      for (const command of [
        ['check', 'keys', '--retry-budget', '2'],
        ['check', 'drift'],
      ]) {
        const r = await runCli([...command, '--customer', 'ok-team'], {
          cwd: fixture.project.dir,
          env: {
            ...moto.env,
            AWS_EC2_METADATA_DISABLED: 'true',
            ASC_API_BASE_URL: emulator.url,
            AWS_ENDPOINT_URL: endpoint,
          },
        });
        outputs.push(r.stdout, r.stderr);
        assert.equal(r.code, 2, `${command.join(' ')}: ${r.stdout}${r.stderr}`);
        assert.match(
          r.stderr,
          new RegExp(
            `^asc-keys: AWS_ENDPOINT_URL=${endpoint.replaceAll('.', '\\.')} answered HTTP 404 with something that is not an AWS answer`,
            'm',
          ),
        );
        assert.doesNotMatch(r.stdout + r.stderr, /inconclusive|run again later/);
      }
    } finally {
      html.close();
    }
  });

  test("an AWS_REGION other than the platform's is a warning that says which region is used", async () => {
    const r = await check(['--customer', 'ok-team', '--format', 'json'], { AWS_REGION: 'us-east-1' });
    assert.match(
      r.stderr,
      /^asc-keys: warning: AWS_REGION is us-east-1 but the platform's region \(cdktf\.json, context\.platform\.region\) is eu-central-1; asc-keys uses us-east-1/m,
    );
    assert.equal(JSON.parse(r.stdout).results[0].code, 'SECRET_NOT_FOUND');
  });

  test("without AWS_REGION (and no profile), the platform's region from cdktf.json is used", async () => {
    const r = await check(['--customer', 'ok-team', '--format', 'json'], {
      AWS_REGION: '',
      AWS_CONFIG_FILE: '/nonexistent',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).results[0].code, 'OK');
    assert.equal(r.stderr, '');
  });

  test('usage errors exit 2: unknown --customer, bad --shard, bad --concurrency', async () => {
    assert.equal((await check(['--customer', 'nobody'])).code, 2);
    assert.equal((await check(['--shard', '4/3'])).code, 2);
    const c = await check(['--concurrency', '0']);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /--concurrency <n>' argument '0' is invalid\. must be a whole number, 1 or more/);
    for (const empty of [
      ['--shard', ''],
      ['--junit', ''],
      ['--customers', ''],
      ['--customer', ''],
    ]) {
      const e = await check(empty);
      assert.equal(e.code, 2, empty.join(' '));
      assert.match(e.stderr, /argument '' is invalid\. must not be empty/);
    }
  });

  test('--debug reads every key and reports every code, in every output, without key material', async () => {
    const junit = join(fixture.project.dir, 'debug.xml');
    const summary = join(fixture.project.dir, 'debug.md');
    writeFileSync(summary, '');
    const r = await checkCli(['--debug', '--format', 'json', '--junit', junit], {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summary,
    });
    outputs.push(readFileSync(junit, 'utf8'), readFileSync(summary, 'utf8'));
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    // Every key was read and parsed: the local checks and Apple decided each one.
    assert.deepEqual(doc.summary, TOTAL);
    const text = await check(['--debug']);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^24 keys: 4 valid, 16 invalid, 4 inconclusive$/m);
  });

  test('--debug on a crash after keys were read: the stack and its cause, never key material', async () => {
    // The file: key is read; Secrets Manager then refuses the missing credentials.
    const r = await checkCli(['--debug', '--customer', 'ok-file', '--customer', 'ok-team'], {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_CONFIG_FILE: '/nonexistent',
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\n\s+at /);
    assert.match(r.stderr, /caused by: CredentialsProviderError/);
  });

  test('a PEM in issuer_id or key_id is described by its shape, never echoed', async () => {
    const r = await check(['--format', 'json', '--customer', 'pem-in-issuer', '--customer', 'pem-in-key-id']);
    const [issuer, keyId] = JSON.parse(r.stdout).results;
    assert.match(
      issuer.message,
      /issuer_id is not an Issuer ID: \d+ characters, looks like a PEM key, the record says/,
    );
    assert.match(
      keyId.message,
      /key_id is not a Key ID: \d+ characters, looks like a PEM key, the record says/,
    );
  });

  test('file: keys are read only from regular files of at most 64 KiB inside the repository', async () => {
    const r = await check([
      '--format',
      'json',
      ...['link-outside', 'link-inside', 'fifo', 'dev-zero', 'huge-file', 'a-directory'].flatMap((c) => [
        '--customer',
        c,
      ]),
    ]);
    const by = Object.fromEntries(
      JSON.parse(r.stdout).results.map((x: { customer: string; message: string }) => [x.customer, x.message]),
    );
    assert.match(
      by['link-outside'],
      /resolves \(through a symbolic link\) to a place outside the repository/,
    );
    assert.match(by['dev-zero'], /outside the repository/);
    assert.match(by.fifo, /is a FIFO \(named pipe\), not a key file/);
    assert.match(by['huge-file'], /is 209715200 bytes; a key file is under 1 KiB/);
    assert.match(by['a-directory'], /is a directory, not a key file/);
  });

  test("OK needs proof: a portal page or another app's JSON is APPLE_UNEXPECTED", async () => {
    const r = await check(['--format', 'json', '--customer', 'portal-page', '--customer', 'other-app']);
    assert.equal(r.code, 3);
    const [other, portal] = JSON.parse(r.stdout).results;
    assert.match(other.message, /HTTP 200 for another app than \d+ \(42\)/);
    assert.match(portal.message, /HTTP 200 with a body that is not JSON/);
  });

  test('access denied by IAM: SECRET_ACCESS_DENIED', async () => {
    const iam = new IAMClient({
      endpoint: moto.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await iam.send(new CreateUserCommand({ UserName: 'nobody' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'nobody' }));
    await moto.enforceIam();
    const r = await check(['--format', 'json', '--customer', 'ok-team'], {
      AWS_ACCESS_KEY_ID: AccessKey!.AccessKeyId!,
      AWS_SECRET_ACCESS_KEY: AccessKey!.SecretAccessKey!,
    });
    assert.equal(r.code, 1, r.stderr);
    const [result] = JSON.parse(r.stdout).results;
    assert.deepEqual([result.status, result.code], ['invalid', 'SECRET_ACCESS_DENIED']);
  });

  test('no key material in any output of any run above', () => {
    const all = outputs.join('\n');
    assert.ok(outputs.length > 20);
    for (const [slug, key] of fixture.keys) {
      for (const chunk of key.body.match(/.{24}/g)!)
        assert.ok(!all.includes(chunk), `key material of ${slug} in the output`);
      assert.ok(!all.includes('PRIVATE KEY'), 'a PEM header in the output');
    }
  });
});
