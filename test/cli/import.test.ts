import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  DescribeSecretCommand,
  PutResourcePolicyCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';
import { systemClock } from '../../lib/apple/clock.js';
import { DEFAULT_RETRY } from '../../lib/apple/retry-policy.js';
import { importRequest, type ImportCliOptions } from '../../lib/cli/commands/import.js';
import { importKey } from '../../lib/import/import-key.js';
import { importReport } from '../../lib/import/import-report.js';
import type { ImportResult } from '../../lib/import/import-result.js';
import { InterruptGuard } from '../../lib/import/interrupt-guard.js';
import { readP8File } from '../../lib/import/read-p8-file.js';
import { passwordSource } from '../../lib/import/read-password.js';
import { readZipFile } from '../../lib/import/read-zip-file.js';
import { SecretWriter } from '../../lib/import/secret-writer.js';
import { promotePending } from '../../lib/ci/promote-pending.js';
import { keyVersionId } from '../../lib/model/key-version.js';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { loadProject } from '../../lib/records/load-project.js';
import {
  applyPlatform,
  applySchedule,
  motoClients,
  type MotoClients,
} from '../support/apply-desired-state.js';
import { AscEmulator } from '../support/asc-emulator.js';
import { runCli, type CliResult } from '../support/cli.js';
import { exampleProject } from '../support/example-project.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import type { TempProject } from '../support/project.js';
import { runIn } from '../support/run-in-process.js';
import { FaultProxy, type Fault } from '../import/fault-proxy.js';
import {
  aesZip,
  appleKey,
  idArgs,
  idOptions,
  inbox,
  infoZip,
  labelled,
  pipedStdin,
  read,
  runCliInGroup,
  runCliOnTerminal,
  strayFiles,
  valueOf,
  versionsOf,
  withRenameFailing,
  writeP8,
  type AppleKey,
} from '../import/import-harness.js';
import { keyNeedles, PlaintextWatch } from '../import/plaintext-watch.js';

/**
 * import in this process, through the dependencies importKey takes (the key reader, the secret
 * writer on a real SDK client against moto, Apple's URL, the clock, the interrupt guard), as
 * the import command wires them. What only a process shows runs the built CLI instead: the
 * contract's JSON and text on stdout with nothing on stderr, exit codes, the password prompt on
 * a terminal, and Ctrl-C.
 */
let moto: MotoServer;
let clients: MotoClients;
let proxy: FaultProxy;
let proxyUrl: string;
const emulator = new AscEmulator();
let project: TempProject;
/** TMPDIR of every import, watched like the working directory. */
let cliTmp: string;
let files: string;
const keys: AppleKey[] = [];
const outputs: string[] = [];
const TODAY = new Date().toISOString().slice(0, 10);
let cwd: string;

interface RunOptions {
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Through the fault proxy rather than straight to moto. */
  readonly viaProxy?: boolean;
}

/** `asc-keys import …` as a user runs it, with the working directory and TMPDIR watched for key material. */
async function importCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const watch = new PlaintextWatch([project.dir, cliTmp], () => keys.flatMap(keyNeedles));
  watch.start();
  const r = await runCli(['import', '--retry-budget', '2', ...args], {
    cwd: project.dir,
    ...(options.input !== undefined && { input: options.input }),
    env: env(options),
  });
  expect(watch.stop()).toEqual([]);
  outputs.push(r.stdout, r.stderr);
  return r;
}

function env(options: RunOptions): NodeJS.ProcessEnv {
  return {
    ...moto.env,
    ...(options.viaProxy && { AWS_ENDPOINT_URL: proxyUrl }),
    AWS_EC2_METADATA_DISABLED: 'true',
    ASC_API_BASE_URL: emulator.url,
    TMPDIR: cliTmp,
    ...options.env,
  };
}

type ImportOptions = Partial<ImportCliOptions> & Pick<ImportCliOptions, 'customer' | 'appId'>;

interface InProcessOptions {
  /** What a pipe gives stdin (--password-stdin reads it); stdin is never a terminal here. */
  readonly input?: string;
  /** Through the fault proxy rather than straight to moto. */
  readonly viaProxy?: boolean;
  /** App Store Connect's URL. @default the emulator */
  readonly ascBaseUrl?: string;
  /** Renaming onto a path that ends in this fails (EIO). */
  readonly failRename?: string;
}

/** What the import command would print and exit with, and the result it reports. */
interface Imported {
  readonly code: number;
  /** The contract's JSON (--format json). */
  readonly doc: Record<string, unknown> & { message: string };
  /** The text for a person (--format text). */
  readonly text: string;
  readonly result: ImportResult;
}

/**
 * One import in this process, from the command's options (validated by the command's own
 * importRequest), with the working directory, TMPDIR and the customers/ folder watched for key
 * material as in importCli.
 */
async function importIn(options: ImportOptions, run: InProcessOptions = {}): Promise<Imported> {
  const cli: ImportCliOptions = {
    customers: 'customers',
    format: 'json',
    verify: true,
    retryBudget: 2,
    ...options,
  };
  const request = importRequest(cli);
  const password = passwordSource(cli.passwordStdin === true, pipedStdin(run.input));
  const client = new SecretsManagerClient({
    endpoint: run.viaProxy ? proxyUrl : moto.url,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    // As the command's client (defaultClient): six attempts.
    maxAttempts: 6,
  });
  const guard = new InterruptGuard([]);
  const watch = new PlaintextWatch([project.dir, cliTmp], () => keys.flatMap(keyNeedles));
  watch.start();
  vi.stubEnv('TMPDIR', cliTmp);
  let result: ImportResult;
  try {
    const go = (): Promise<ImportResult> =>
      importKey(request, {
        customersDir: cli.customers,
        readKey: (source) =>
          source.kind === 'p8' ? readP8File(source.path) : readZipFile(source.path, { password }),
        secrets: new SecretWriter(client),
        ascBaseUrl: run.ascBaseUrl ?? emulator.url,
        clock: systemClock,
        retry: { ...DEFAULT_RETRY, budgetMs: cli.retryBudget * 1000 },
        guard,
      });
    result = run.failRename ? await withRenameFailing(run.failRename, go) : await go();
  } finally {
    vi.unstubAllEnvs();
    guard.dispose();
    client.destroy();
  }
  expect(watch.stop()).toEqual([]);
  const report = importReport(result);
  outputs.push(report.text, JSON.stringify(report.json));
  return {
    code: report.importExitCode,
    doc: report.json as Imported['doc'],
    text: report.text,
    result,
  };
}

async function newKey(options: Parameters<typeof appleKey>[1] = {}): Promise<AppleKey> {
  const key = await appleKey(emulator, options);
  keys.push(key);
  return key;
}

const p8Of = (key: AppleKey, name = `AuthKey_${key.keyId}.p8`, content = key.pem): string =>
  writeP8(files, name, content);
const recordPath = (slug: string): string => join(project.customers, `${slug}.yaml`);
const secretName = (slug: string): string => `asc-keys/${slug}`;

/** Nothing stored, no record, no temporary file. */
async function expectNothingLeft(slug: string): Promise<void> {
  expect(await versionsOf(clients.secretsManager, secretName(slug))).toBeUndefined();
  expect(existsSync(recordPath(slug))).toBe(false);
  expect(strayFiles(project.customers)).toEqual([]);
}

/** Onboarded, merged and deployed: the key staged by import, then made current as the deploy does. */
async function onboard(slug: string, key: AppleKey): Promise<Imported> {
  const r = await importIn({ ...idOptions(slug, key), p8: p8Of(key) });
  expect(r.code, r.text).toBe(0);
  expect(r.doc.action).toBe('created');
  await deployKey(slug);
  return r;
}

/** The deploy's promotion of the customer's record, as lib/ci/deploy.ts runs it after the apply. */
async function deployKey(slug: string): Promise<void> {
  const record = loadProject({ customersDir: project.customers, configFile: project.config }).records.find(
    (x) => x.customer === slug,
  )!;
  expect((await promotePending(clients.secretsManager, record)).outcome).toMatch(/^(promoted|current)$/);
}

/** The version a record with this key names. */
const versionOf = (slug: string, key: { keyId: string; fingerprint: string }): string =>
  keyVersionId(secretName(slug), key.keyId, key.fingerprint);

describe('asc-keys import with moto and the emulator: in process, and as a process where only one shows it', () => {
  beforeAll(async () => {
    moto = await startMoto({ accountId: '111122223333' });
    clients = motoClients(moto);
    proxy = new FaultProxy(moto.url);
    proxyUrl = await proxy.start();
    await emulator.start();
    project = exampleProject();
    cliTmp = mkdtempSync(join(tmpdir(), 'asc-keys-cli-tmp-'));
    files = inbox();
    const platform = loadProject({ customersDir: project.customers, configFile: project.config }).platform!;
    await applyPlatform(clients, platformDesiredState(platform));
    // importKey reads customers/ and cdktf.json from the working directory, as the command does.
    cwd = process.cwd();
    process.chdir(project.dir);
  });
  afterAll(async () => {
    process.chdir(cwd);
    await proxy.stop();
    await emulator.stop();
    await moto.stop();
  });
  beforeEach(() => proxy.reset());

  test('onboarding from a .p8: the contract JSON, the record, one version with exactly the model', async () => {
    const key = await newKey();
    const p8 = p8Of(key);
    const before = readFileSync(p8);
    const r = await importCli([
      ...idArgs('initech', key),
      '--p8',
      p8,
      '--display-name',
      'Initech',
      '--bundle-id',
      'com.initech.tps',
      '--contact',
      'Bill Lumbergh <bill@initech.example>',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual([
      'customer',
      'keyId',
      'fingerprint',
      'secret',
      'action',
      'record',
      'code',
      'message',
    ]);
    expect(doc).toMatchObject({
      customer: 'initech',
      keyId: key.keyId,
      fingerprint: key.fingerprint,
      secret: 'aws-sm:asc-keys/initech',
      action: 'created',
      record: 'customers/initech.yaml',
      code: 'OK',
    });
    expect(read(recordPath('initech'))).toBe(
      [
        'customer: initech',
        'displayName: Initech',
        'app:',
        `  appleId: "${key.appleId}"`,
        '  bundleId: com.initech.tps',
        'apiKey:',
        `  keyId: ${key.keyId}`,
        `  issuerId: ${key.issuerId}`,
        '  secret: aws-sm:asc-keys/initech',
        `  fingerprint: ${key.fingerprint}`,
        `  createdOn: ${TODAY}`,
        'contacts:',
        '  - name: Bill Lumbergh',
        '    email: bill@initech.example',
        '',
      ].join('\n'),
    );
    // The input is never changed, moved or deleted.
    expect(readFileSync(p8)).toEqual(before);

    // One version, staged: AWSPENDING until the merged record is deployed. Secrets Manager makes
    // a secret's first version AWSCURRENT too; no record names the secret before the merge.
    expect(await versionsOf(clients.secretsManager, 'asc-keys/initech')).toEqual([
      { id: versionOf('initech', key), stages: ['AWSCURRENT', 'AWSPENDING'] },
    ]);
    const value = await valueOf(clients.secretsManager, 'asc-keys/initech', 'AWSPENDING');
    expect(value).toEqual({ key_id: key.keyId, issuer_id: key.issuerId, key: key.pem, in_house: false });

    const project_ = loadProject({ customersDir: project.customers, configFile: project.config });
    const record = project_.records.find((x) => x.customer === 'initech')!;
    const desired = customerDesiredState(record, project_.platform!, new Date()).secret!;
    const live = await clients.secretsManager.send(
      new DescribeSecretCommand({ SecretId: 'asc-keys/initech' }),
    );
    expect({
      name: live.Name,
      description: live.Description,
      kmsKeyId: live.KmsKeyId,
      tags: Object.fromEntries((live.Tags ?? []).map((t) => [t.Key, t.Value])),
    }).toEqual({
      name: desired.name,
      description: desired.description,
      kmsKeyId: desired.kmsKeyId,
      tags: desired.tags,
    });

    const lint = await runCli(['lint'], { cwd: project.dir });
    expect(lint.code, lint.stdout).toBe(0);
  });

  test('text output: what was done, the record, the next steps', async () => {
    const key = await newKey({ individual: true });
    const junit = join(cliTmp, 'import.xml');
    const r = await importCli([...idArgs('hooli', key), '--p8', p8Of(key), '--junit', junit]);
    expect(r.code, r.stderr).toBe(0);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testcase [^>]*name="hooli"/);
    expect(xml).not.toContain('<failure');
    expect(r.stdout).toContain(
      `Onboarded hooli: staged key ${key.keyId} in aws-sm:asc-keys/hooli as its pending version ${versionOf('hooli', key)} and wrote customers/hooli.yaml; the key takes effect when the record is merged and deployed (the deploy makes the pending version current).`,
    );
    expect(r.stdout).toContain('App Store Connect accepts the key for the app.');
    expect(r.stdout).toMatch(
      /Next steps \(import, then merge, then deploy\):\n {2}1\. git add customers\/hooli\.yaml && git commit/,
    );
    expect(r.stdout).toContain('2. Open the pull request and merge it.');
    expect(r.stdout).toContain('3. The deploy of the merge applies customer-hooli');
    expect(r.stdout).toContain('"asc-keys import --discard --customer hooli" removes the staged key');
    // A .p8 came alone: no zip to delete.
    expect(r.stdout).toContain('delete the .p8 file from this machine');
    expect(r.stdout).not.toMatch(/zip|sealed/);
    expect(read(recordPath('hooli'))).toContain('  type: individual\n');
    expect((await valueOf(clients.secretsManager, 'asc-keys/hooli', 'AWSPENDING')).issuer_id).toBeNull();
  });

  test('an AES-256 zip (7-Zip/WinZip format) with archiver debris, password on stdin', async () => {
    const key = await newKey();
    const zip = await aesZip(
      files,
      {
        [`Keys for Stark/AuthKey_${key.keyId}.p8`]: key.pem,
        [`__MACOSX/Keys for Stark/._AuthKey_${key.keyId}.p8`]: 'resource fork',
        'Keys for Stark/.DS_Store': 'finder',
        'Keys for Stark/README.txt': 'Issuer and Key ID are in the email',
      },
      'correct horse battery staple',
    );
    const zipBytes = readFileSync(zip);
    const r = await importIn(
      { ...idOptions('stark', key), zip, passwordStdin: true },
      { input: 'correct horse battery staple\n' },
    );
    expect(r.code, r.text).toBe(0);
    expect(r.doc).toMatchObject({ action: 'created', fingerprint: key.fingerprint });
    expect((await valueOf(clients.secretsManager, 'asc-keys/stark', 'AWSPENDING')).key).toBe(key.pem);
    expect(readFileSync(zip)).toEqual(zipBytes);
  });

  test('a ZipCrypto zip made by Info-ZIP, the key under a browser duplicate name', async () => {
    const key = await newKey();
    const zip = await infoZip(files, { [`keys/AuthKey_${key.keyId} (1).p8`]: key.pem }, 'pa55word');
    const r = await importIn({ ...idOptions('wayne', key), zip, passwordStdin: true }, { input: 'pa55word' });
    expect(r.code, r.text).toBe(0);
    expect((await valueOf(clients.secretsManager, 'asc-keys/wayne', 'AWSPENDING')).key).toBe(key.pem);
  });

  test('wrong password: AES, ZipCrypto, and a ZipCrypto password that passes its one-byte check', async () => {
    const key = await newKey();
    const aes = await aesZip(files, { [`AuthKey_${key.keyId}.p8`]: key.pem }, 'right');
    const zc = await infoZip(files, { [`AuthKey_${key.keyId}.p8`]: key.pem }, 'right');
    const stored = await infoZip(files, { [`AuthKey_${key.keyId}.p8`]: key.pem }, 'right', true);
    for (const [zip, password] of [
      [aes, 'wrong'],
      [zc, 'wrong'],
      // Past the check byte, a deflated entry fails in inflate and a stored one in the CRC.
      [zc, await passwordPastTheCheckByte(zc)],
      [stored, await passwordPastTheCheckByte(stored)],
    ] as const) {
      const r = await importIn(
        { ...idOptions('wrong-pw', key), zip, passwordStdin: true },
        { input: password },
      );
      expect(r.code, r.text).toBe(2);
      const doc = r.doc;
      expect(doc).toMatchObject({
        action: 'refused',
        code: 'ZIP_PASSWORD_WRONG',
        secret: null,
        record: null,
      });
      expect(doc.message).toContain(`the password does not decrypt AuthKey_${key.keyId}.p8`);
    }
    await expectNothingLeft('wrong-pw');
  });

  test('on a terminal the password is asked for and not echoed', async () => {
    const key = await newKey();
    const password = 'typed-not-shown-7f3a';
    const zip = await aesZip(files, { [`AuthKey_${key.keyId}.p8`]: key.pem }, password);
    const r = await runCliOnTerminal(['import', ...idArgs('prompted', key), '--zip', zip], {
      cwd: project.dir,
      env: env({}),
      password,
    });
    outputs.push(r.output);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('Password of the zip (not shown): ');
    expect(r.output).not.toContain(password);
    expect(r.output).toContain('Onboarded prompted');
  });

  test('an encrypted zip without --password-stdin and no terminal: exit 2, says how', async () => {
    const key = await newKey();
    const zip = await aesZip(files, { [`AuthKey_${key.keyId}.p8`]: key.pem }, 'right');
    const r = await importIn({ ...idOptions('no-pw', key), zip });
    expect(r.code).toBe(2);
    expect(r.text).toContain('PASSWORD_REQUIRED');
    expect(r.text).toContain('--password-stdin');
    await expectNothingLeft('no-pw');
  });

  test('a zip with no key, and one with two keys: refused, naming what the zip holds', async () => {
    const key = await newKey();
    const other = await newKey();
    const none = await infoZip(files, {
      'notes/README.txt': 'see email',
      [`AuthKey_${key.keyId}.txt`]: key.pem,
      '__MACOSX/notes/._README.txt': 'resource fork',
      'notes/.DS_Store': 'finder',
    });
    const r1 = await importIn({ ...idOptions('zip-none', key), zip: none });
    expect(r1.code).toBe(1);
    const d1 = r1.doc;
    expect(d1.code).toBe('ZIP_NO_KEY');
    expect(d1.message).toContain(`(it holds notes/README.txt, AuthKey_${key.keyId}.txt)`);

    const two = await aesZip(
      files,
      { [`AuthKey_${key.keyId}.p8`]: key.pem, [`old/AuthKey_${other.keyId}.p8`]: other.pem },
      'pw',
    );
    const r2 = await importIn(
      { ...idOptions('zip-two', key), zip: two, passwordStdin: true },
      { input: 'pw' },
    );
    expect(r2.code).toBe(1);
    expect(r2.doc).toMatchObject({ code: 'ZIP_MULTIPLE_KEYS' });
    expect(r2.doc.message).toContain(`${key.keyId}, ${other.keyId}`);

    const same = await infoZip(files, {
      [`AuthKey_${key.keyId}.p8`]: key.pem,
      [`AuthKey_${key.keyId} (1).p8`]: other.pem,
    });
    const r3 = await importIn({ ...idOptions('zip-two', key), zip: same });
    expect(r3.doc).toMatchObject({ code: 'ZIP_MULTIPLE_KEYS' });

    const corrupt = writeP8(files, 'key.zip', 'PK\u0003\u0004 this is not really a zip');
    const r4 = await importIn({ ...idOptions('zip-two', key), zip: corrupt });
    expect(r4.code).toBe(1);
    expect(r4.doc).toMatchObject({ code: 'ZIP_INVALID' });
    await expectNothingLeft('zip-none');
    await expectNothingLeft('zip-two');
  });

  test('a file name that disagrees with --key-id: KEY_ID_MISMATCH, exit 1', async () => {
    const key = await newKey();
    const r = await importIn({ ...idOptions('misnamed', key), p8: p8Of(key, 'AuthKey_ZZZZZZZZZZ.p8') });
    expect(r.code).toBe(1);
    expect(r.doc).toMatchObject({ code: 'KEY_ID_MISMATCH', action: 'refused' });
    expect(r.doc.message).toContain(`named for Key ID ZZZZZZZZZZ, but --key-id is ${key.keyId}`);
    await expectNothingLeft('misnamed');
  });

  test('a mangled key (BOM, CRLF, quotes, literal \\n) is repaired and stored canonical; garbage is P8_INVALID', async () => {
    const key = await newKey();
    const mangled = `\uFEFF"${key.pem.trim().replaceAll('\n', '\\n')}"\r\n`;
    const r = await importIn({ ...idOptions('mangled', key), p8: p8Of(key, 'AuthKey_x.p8', mangled) });
    expect(r.code, r.text).toBe(0);
    expect((await valueOf(clients.secretsManager, 'asc-keys/mangled', 'AWSPENDING')).key).toBe(key.pem);

    const bad = await newKey();
    const r2 = await importIn({
      ...idOptions('garbage', bad),
      p8: p8Of(bad, `AuthKey_${bad.keyId}.p8`, bad.pem.slice(0, 120)),
    });
    expect(r2.code).toBe(1);
    expect(r2.doc.code).toBe('P8_INVALID');
    await expectNothingLeft('garbage');
  });

  test.each([
    ['revoked', { state: 'revoked' }, 'KEY_REJECTED', 1, /revoked, or it is paired with the wrong Issuer ID/],
    ['no-app-manager', { state: 'role-limited' }, 'ROLE_INSUFFICIENT', 1, /App Manager role/],
    ['no-agreement', { state: 'agreement-missing' }, 'AGREEMENT_MISSING', 1, /accept the latest agreements/],
    ['app-not-visible', { noApps: true }, 'APP_NOT_FOUND', 1, /sees no app/],
  ] as const)(
    'Apple refuses (%s): %s, exit 1, nothing stored, no record',
    async (slug, state, code, exit, says) => {
      const key = await newKey(state);
      const r = await importIn({ ...idOptions(slug, key), p8: p8Of(key) });
      expect(r.code, r.text).toBe(exit);
      const doc = r.doc;
      expect(doc).toMatchObject({
        code,
        action: 'refused',
        secret: null,
        record: null,
        fingerprint: key.fingerprint,
      });
      expect(doc.message).toMatch(says);
      await expectNothingLeft(slug);
    },
  );

  test('Apple down: APPLE_UNAVAILABLE, exit 3, says to retry; nothing stored', async () => {
    const key = await newKey();
    const down = new AscEmulator();
    down.faults = { down: true };
    await down.start();
    try {
      const r = await importIn({ ...idOptions('apple-down', key), p8: p8Of(key) }, { ascBaseUrl: down.url });
      expect(r.code).toBe(3);
      expect(r.text).toContain('APPLE_UNAVAILABLE');
      // The cause, as check keys shows it, and the next step once.
      expect(r.doc.message).toMatch(
        /^App Store Connect did not answer usefully in \d+ attempts \(last: HTTP 503 SERVICE_UNAVAILABLE: [^)]+\); nothing was stored and no record was written; run the same command again later$/,
      );
      expect(r.text.split('run the same command again later')).toHaveLength(2);
    } finally {
      await down.stop();
    }
    await expectNothingLeft('apple-down');
  });

  test('--no-verify stores a key Apple does not know, and says it was not asked', async () => {
    const key = await newKey({ state: 'unregistered' });
    const requests = emulator.requests;
    const r = await importIn({ ...idOptions('unverified', key), p8: p8Of(key), verify: false });
    expect(r.code, r.text).toBe(0);
    expect(r.text).toContain('App Store Connect was not asked (--no-verify)');
    expect(emulator.requests).toBe(requests);
    expect(labelled(await versionsOf(clients.secretsManager, 'asc-keys/unverified'))).toHaveLength(1);
  });

  test('the same import twice: one version, the record unchanged, action unchanged', async () => {
    const key = await newKey();
    await onboard('twice', key);
    const record = read(recordPath('twice'));
    const versions = await versionsOf(clients.secretsManager, 'asc-keys/twice');
    const r = await importIn({ ...idOptions('twice', key), p8: p8Of(key) });
    expect(r.code, r.text).toBe(0);
    expect(r.doc).toMatchObject({
      action: 'unchanged',
      code: 'OK',
      record: 'customers/twice.yaml',
    });
    expect(read(recordPath('twice'))).toBe(record);
    expect(await versionsOf(clients.secretsManager, 'asc-keys/twice')).toEqual(versions);
  });

  test('cross-record rules: a Key ID or an Apple ID of another customer is refused (RECORD_INVALID)', async () => {
    const key = await newKey();
    await onboard('first-owner', key);
    const r = await importIn({ ...idOptions('second-owner', key), p8: p8Of(key) });
    expect(r.code).toBe(1);
    const doc = r.doc;
    expect(doc.code).toBe('RECORD_INVALID');
    expect(doc.message).toContain('DUPLICATE_KEY_ID');
    expect(doc.message).toContain('DUPLICATE_APPLE_ID');
    await expectNothingLeft('second-owner');
  });

  test('rotation: comments and other fields kept, the new key staged (AWSCURRENT old until the deploy, then new, the old AWSPREVIOUS), revoke advice', async () => {
    const old = await newKey();
    await onboard('rotate-me', old);
    const edited = read(recordPath('rotate-me'))
      .replace(
        'customer: rotate-me\n',
        '# Rotated yearly; ask Jane first.\ncustomer: rotate-me\ndisplayName: Rotate Me # shown in reminders\n',
      )
      .replace(`  keyId: ${old.keyId}`, `  keyId: ${old.keyId} # from the 2026 email`)
      .concat(
        'rotation:\n  maxAgeDays: 180\n  remindDaysBefore: [14, 0]\ncontacts:\n  - email: jane@rotate.example\n',
      );
    writeFileSync(recordPath('rotate-me'), edited);
    const fresh = await newKey();
    emulator.register({
      keyId: fresh.keyId,
      issuerId: fresh.issuerId!,
      publicKey: fresh.publicKey,
      state: 'active',
      apps: [old.appleId],
    });
    const rotated = { ...fresh, appleId: old.appleId };
    const r = await importIn({ ...idOptions('rotate-me', rotated), p8: p8Of(rotated) });
    expect(r.code, r.text).toBe(0);
    expect(r.text).toContain(
      `Rotated rotate-me: staged key ${fresh.keyId} in aws-sm:asc-keys/rotate-me as its pending version ${versionOf('rotate-me', fresh)}`,
    );
    expect(r.text).toContain('the key takes effect when the record is merged and deployed');
    expect(r.text).toContain('Next steps (import, then merge, then deploy):');
    expect(r.text).toContain('makes the pending version current and the old one AWSPREVIOUS');
    expect(r.text).toContain(`ask the customer to revoke the old key ${old.keyId} in App Store Connect`);
    expect(read(recordPath('rotate-me'))).toBe(
      edited
        .replace(`keyId: ${old.keyId} #`, `keyId: ${fresh.keyId} #`)
        .replace(`issuerId: ${old.issuerId}`, `issuerId: ${fresh.issuerId}`)
        .replace(`fingerprint: ${old.fingerprint}`, `fingerprint: ${fresh.fingerprint}`),
    );
    // Until the deploy, publishing and the default branch's checks still get the old key.
    expect((await valueOf(clients.secretsManager, 'asc-keys/rotate-me')).key_id).toBe(old.keyId);
    expect((await valueOf(clients.secretsManager, 'asc-keys/rotate-me', 'AWSPENDING')).key_id).toBe(
      fresh.keyId,
    );
    await deployKey('rotate-me');
    expect(labelled(await versionsOf(clients.secretsManager, 'asc-keys/rotate-me'))).toEqual(
      [
        { id: versionOf('rotate-me', fresh), stages: ['AWSCURRENT'] },
        { id: versionOf('rotate-me', old), stages: ['AWSPREVIOUS'] },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    expect((await valueOf(clients.secretsManager, 'asc-keys/rotate-me')).key_id).toBe(fresh.keyId);
    expect((await valueOf(clients.secretsManager, 'asc-keys/rotate-me', 'AWSPREVIOUS')).key_id).toBe(
      old.keyId,
    );
  });

  test('rotation of a record written by hand (a plain integer appleId) keeps it as written', async () => {
    const old = await newKey();
    await onboard('by-hand', old);
    const handWritten = read(recordPath('by-hand')).replace(
      `appleId: "${old.appleId}"`,
      `appleId: ${old.appleId}`,
    );
    writeFileSync(recordPath('by-hand'), handWritten);
    const fresh = await newKey();
    emulator.register({
      keyId: fresh.keyId,
      issuerId: fresh.issuerId!,
      publicKey: fresh.publicKey,
      state: 'active',
      apps: [old.appleId],
    });
    const r = await importIn({
      ...idOptions('by-hand', { ...fresh, appleId: old.appleId }),
      p8: p8Of(fresh),
    });
    expect(r.code, r.text).toBe(0);
    expect(r.doc).toMatchObject({ action: 'rotated', code: 'OK' });
    expect(read(recordPath('by-hand'))).toContain(`  appleId: ${old.appleId}\n`);
  });

  test('a record that does not pass lint is not rotated: RECORD_INVALID, nothing stored, record unchanged', async () => {
    const old = await newKey();
    await onboard('broken-record', old);
    const broken = read(recordPath('broken-record')).concat('colour: blue\n');
    writeFileSync(recordPath('broken-record'), broken);
    const before = await versionsOf(clients.secretsManager, secretName('broken-record'));
    const fresh = await newKey();
    const r = await importIn({
      ...idOptions('broken-record', { ...fresh, appleId: old.appleId }),
      p8: p8Of(fresh),
    });
    expect(r.code).toBe(1);
    const doc = r.doc;
    expect(doc).toMatchObject({ code: 'RECORD_INVALID', action: 'refused' });
    expect(doc.message).toContain('customers/broken-record.yaml:');
    expect(doc.message).toContain('FIELD_UNKNOWN');
    expect(read(recordPath('broken-record'))).toBe(broken);
    expect(await versionsOf(clients.secretsManager, secretName('broken-record'))).toEqual(before);
    writeFileSync(recordPath('broken-record'), 'customer: [\n');
    const r2 = await importIn({
      ...idOptions('broken-record', { ...fresh, appleId: old.appleId }),
      p8: p8Of(fresh),
    });
    expect(r2.code, r2.text).toBe(1);
    expect(r2.doc.code).toBe('RECORD_INVALID');
    writeFileSync(recordPath('broken-record'), broken.replace('colour: blue\n', ''));
  });

  describe('a failure at each step leaves nothing behind', () => {
    const onboardingFaults: [string, Fault | 'rename', string, number][] = [
      [
        'DescribeSecret unavailable',
        { operation: 'DescribeSecret', kind: 'unavailable' },
        'AWS_UNAVAILABLE',
        3,
      ],
      ['CreateSecret unavailable', { operation: 'CreateSecret', kind: 'unavailable' }, 'AWS_UNAVAILABLE', 3],
      ['CreateSecret refused', { operation: 'CreateSecret', kind: 'refused' }, 'SECRET_ACCESS_DENIED', 2],
      ['the rename', 'rename', 'RECORD_UNWRITABLE', 2],
    ];
    test.each(onboardingFaults)('onboarding, %s', async (name, fault, code, exit) => {
      const slug = `fail-new-${onboardingFaults.findIndex((f) => f[0] === name)}`;
      const key = await newKey();
      if (fault !== 'rename') proxy.reset(fault);
      const r = await importIn(
        { ...idOptions(slug, key), p8: p8Of(key) },
        {
          viaProxy: true,
          ...(fault === 'rename' && { failRename: `customers/${slug}.yaml` }),
        },
      );
      expect(r.code, r.text).toBe(exit);
      expect(r.doc).toMatchObject({ code, action: 'refused', secret: null, record: null });
      if (fault === 'rename') {
        expect(proxy.calls).toContain('DeleteSecret');
        expect(r.doc.message).toContain('the store was undone');
      }
      await expectNothingLeft(slug);
    });

    const rotationFaults: [string, Fault | 'rename', string, number][] = [
      [
        'DescribeSecret refused',
        { operation: 'DescribeSecret', call: 1, kind: 'refused' },
        'SECRET_ACCESS_DENIED',
        2,
      ],
      [
        'PutSecretValue unavailable',
        { operation: 'PutSecretValue', kind: 'unavailable' },
        'AWS_UNAVAILABLE',
        3,
      ],
      [
        'DescribeSecret after the put refused',
        { operation: 'DescribeSecret', call: 2, kind: 'refused' },
        'SECRET_ACCESS_DENIED',
        2,
      ],
      ['the rename', 'rename', 'RECORD_UNWRITABLE', 2],
    ];
    test.each(rotationFaults)('rotation, %s', async (name, fault, code, exit) => {
      const slug = `fail-rot-${rotationFaults.findIndex((f) => f[0] === name)}`;
      const old = await newKey();
      await onboard(slug, old);
      const record = read(recordPath(slug));
      const before = await versionsOf(clients.secretsManager, secretName(slug));
      const fresh = await newKey();
      emulator.register({
        keyId: fresh.keyId,
        issuerId: fresh.issuerId!,
        publicKey: fresh.publicKey,
        state: 'active',
        apps: [old.appleId],
      });
      const rotated = { ...fresh, appleId: old.appleId };
      if (fault !== 'rename') proxy.reset(fault);
      const r = await importIn(
        { ...idOptions(slug, rotated), p8: p8Of(rotated) },
        {
          viaProxy: true,
          ...(fault === 'rename' && { failRename: `customers/${slug}.yaml` }),
        },
      );
      expect(r.code, r.text).toBe(exit);
      expect(r.doc).toMatchObject({ code, action: 'refused' });
      expect(read(recordPath(slug))).toBe(record);
      expect(labelled(await versionsOf(clients.secretsManager, secretName(slug)))).toEqual(before);
      expect((await valueOf(clients.secretsManager, secretName(slug))).key_id).toBe(old.keyId);
      expect(strayFiles(project.customers)).toEqual([]);
    });

    test('the rename fails and AWS refuses the undo: the output says the value is still stored and how to remove it', async () => {
      const key = await newKey();
      proxy.reset({ operation: 'DeleteSecret', kind: 'refused' });
      const r = await importIn(
        { ...idOptions('undo-refused', key), p8: p8Of(key) },
        {
          viaProxy: true,
          failRename: 'customers/undo-refused.yaml',
        },
      );
      expect(r.code, r.text).toBe(2);
      const doc = r.doc;
      expect(doc).toMatchObject({
        code: 'RECORD_UNWRITABLE',
        action: 'refused',
        secret: 'aws-sm:asc-keys/undo-refused',
        record: null,
      });
      expect(doc.message).toContain('the store could NOT be undone');
      // The safe step first: the same import again writes the record; dropping the key is the discard.
      expect(doc.message).toContain(
        'run the same import again (it finds the stored version and writes the record), or drop the stored key with "asc-keys import --discard --customer undo-refused"',
      );
      expect(labelled(await versionsOf(clients.secretsManager, secretName('undo-refused')))).toHaveLength(1);
      expect(existsSync(recordPath('undo-refused'))).toBe(false);
      expect(strayFiles(project.customers)).toEqual([]);
    });

    test('a CreateSecret whose answer was lost: the retry finds the secret it made, one version, done', async () => {
      const key = await newKey();
      proxy.reset({ operation: 'CreateSecret', call: 1, kind: 'lost' });
      const r = await importIn(
        { ...idOptions('lost-answer', key), p8: p8Of(key) },
        {
          viaProxy: true,
        },
      );
      expect(r.code, r.text).toBe(0);
      expect(r.doc).toMatchObject({ action: 'created', code: 'OK' });
      expect(proxy.calls.filter((c) => c === 'CreateSecret')).toHaveLength(2);
      expect(labelled(await versionsOf(clients.secretsManager, secretName('lost-answer')))).toHaveLength(1);
      expect((await valueOf(clients.secretsManager, secretName('lost-answer'), 'AWSPENDING')).key).toBe(
        key.pem,
      );
    });

    test('Ctrl-C while Apple is asked, before anything is written: exit 130 at once, nothing stored', async () => {
      const key = await newKey();
      let run: ReturnType<typeof runCliInGroup> | undefined;
      // An App Store Connect that never answers; the request is the moment to press Ctrl-C.
      const apple = createServer(() => run!.interrupt());
      await new Promise<void>((resolve) => apple.listen(0, '127.0.0.1', resolve));
      try {
        run = runCliInGroup(['import', ...idArgs('ctrl-c-apple', key), '--p8', p8Of(key)], {
          cwd: project.dir,
          env: env({
            env: { ASC_API_BASE_URL: `http://127.0.0.1:${(apple.address() as AddressInfo).port}` },
          }),
        });
        const r = await run.result;
        outputs.push(r.stdout, r.stderr);
        expect(r.code, r.stdout + r.stderr).toBe(130);
        expect(r.stderr).toContain('interrupted; nothing was stored and no record was written');
      } finally {
        apple.closeAllConnections();
        apple.close();
      }
      await expectNothingLeft('ctrl-c-apple');
    });

    test('Ctrl-C while the secret is being created: the secret is deleted, exit 130', async () => {
      const key = await newKey();
      const run = runCliInGroup(['import', ...idArgs('ctrl-c-new', key), '--p8', p8Of(key)], {
        cwd: project.dir,
        env: env({ viaProxy: true }),
      });
      proxy.reset({
        operation: 'CreateSecret',
        kind: 'hold',
        onHold: async () => {
          run.interrupt();
          await new Promise((resolve) => setTimeout(resolve, 500));
        },
      });
      const r = await run.result;
      outputs.push(r.stdout, r.stderr);
      expect(r.code, r.stdout + r.stderr).toBe(130);
      expect(r.stdout).toMatch(/^ctrl-c-new: import interrupted \(Ctrl-C\), INTERRUPTED: /m);
      expect(r.stdout).not.toContain('import refused');
      expect(proxy.calls).toContain('DeleteSecret');
      await expectNothingLeft('ctrl-c-new');
    });

    test('Ctrl-C while a rotation stores: AWSCURRENT moves back, the record is unchanged', async () => {
      const old = await newKey();
      await onboard('ctrl-c-rot', old);
      const record = read(recordPath('ctrl-c-rot'));
      const before = await versionsOf(clients.secretsManager, secretName('ctrl-c-rot'));
      const fresh = await newKey();
      emulator.register({
        keyId: fresh.keyId,
        issuerId: fresh.issuerId!,
        publicKey: fresh.publicKey,
        state: 'active',
        apps: [old.appleId],
      });
      const rotated = { ...fresh, appleId: old.appleId };
      const run = runCliInGroup(['import', ...idArgs('ctrl-c-rot', rotated), '--p8', p8Of(rotated)], {
        cwd: project.dir,
        env: env({ viaProxy: true }),
      });
      proxy.reset({
        operation: 'PutSecretValue',
        kind: 'hold',
        onHold: async () => {
          run.interrupt();
          await new Promise((resolve) => setTimeout(resolve, 500));
        },
      });
      const r = await run.result;
      outputs.push(r.stdout, r.stderr);
      expect(r.code, r.stdout + r.stderr).toBe(130);
      expect(read(recordPath('ctrl-c-rot'))).toBe(record);
      expect(labelled(await versionsOf(clients.secretsManager, secretName('ctrl-c-rot')))).toEqual(before);
      expect(strayFiles(project.customers)).toEqual([]);
    });
  });

  test('after onboarding and the stack applied as Terraform would: check keys OK, check drift clean', async () => {
    const key = await newKey();
    await onboard('applied', key);
    const p = loadProject({ customersDir: project.customers, configFile: project.config });
    const record = p.records.find((x) => x.customer === 'applied')!;
    const desired = customerDesiredState(record, p.platform!, new Date());
    // What the first apply adds; the secret itself is adopted by the import block, not created.
    await clients.secretsManager.send(
      new PutResourcePolicyCommand({
        SecretId: desired.secret!.name,
        ResourcePolicy: JSON.stringify(desired.secret!.policy),
        BlockPublicPolicy: true,
      }),
    );
    for (const rem of desired.reminders) await applySchedule(clients, rem);
    const cliEnv = env({});
    const keysRun = await runCli(['check', 'keys', '--customer', 'applied', '--format', 'json'], {
      cwd: project.dir,
      env: cliEnv,
    });
    outputs.push(keysRun.stdout, keysRun.stderr);
    expect(keysRun.code, keysRun.stdout + keysRun.stderr).toBe(0);
    expect(JSON.parse(keysRun.stdout).results[0].code).toBe('OK');
    const drift = await runCli(['check', 'drift', '--customer', 'applied', '--format', 'json'], {
      cwd: project.dir,
      env: cliEnv,
    });
    outputs.push(drift.stdout, drift.stderr);
    expect(JSON.parse(drift.stdout).findings).toEqual([]);
    expect(drift.code, drift.stdout + drift.stderr).toBe(0);
  });

  test('badly formed options exit 2 before anything is read', async () => {
    const key = await newKey();
    const p8 = p8Of(key);
    const cases: string[][] = [
      ['--customer', 'Bad_Slug', '--app-id', key.appleId, '--key-id', key.keyId, '--individual', '--p8', p8],
      ['--customer', 'ok', '--app-id', 'app', '--key-id', key.keyId, '--individual', '--p8', p8],
      ['--customer', 'ok', '--app-id', key.appleId, '--key-id', 'short', '--individual', '--p8', p8],
      [
        '--customer',
        'ok',
        '--app-id',
        key.appleId,
        '--key-id',
        key.keyId,
        '--issuer-id',
        'not-a-uuid',
        '--p8',
        p8,
      ],
      ['--customer', 'ok', '--app-id', key.appleId, '--key-id', key.keyId, '--p8', p8],
      [
        '--customer',
        'ok',
        '--app-id',
        key.appleId,
        '--key-id',
        key.keyId,
        '--individual',
        '--issuer-id',
        key.issuerId!,
        '--p8',
        p8,
      ],
      ['--customer', 'ok', '--app-id', key.appleId, '--key-id', key.keyId, '--individual'],
      [
        '--customer',
        'ok',
        '--app-id',
        key.appleId,
        '--key-id',
        key.keyId,
        '--individual',
        '--p8',
        p8,
        '--password',
        'x',
      ],
    ];
    // The first through the built CLI, the exit code a shell sees; every one through the command
    // line in this process, with AWS and Apple pointed at the test's servers should one get far.
    const [first] = cases;
    const cli = await importCli(first!);
    expect(cli.code).toBe(2);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toMatch(/^asc-keys: --customer must be a slug/);
    for (const [k, v] of Object.entries(env({}))) vi.stubEnv(k, v ?? '');
    try {
      for (const args of cases) {
        const r = await runIn(project.dir, ['import', '--retry-budget', '2', ...args]);
        outputs.push(r.stdout, r.stderr);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr, args.join(' ')).toMatch(/^(asc-keys: |error: )/);
      }
    } finally {
      vi.unstubAllEnvs();
    }
    expect(existsSync(recordPath('ok'))).toBe(false);
  });

  test('--password in any spelling: exit 2, pointing at --password-stdin and the prompt, the value never echoed', async () => {
    const key = await newKey();
    const base = ['--customer', 'ok', '--app-id', key.appleId, '--key-id', key.keyId, '--individual'];
    const zip = ['--zip', p8Of(key)];
    for (const spelling of [['--password', 'hunter2-Zip'], ['--password=hunter2-Zip'], ['--password']]) {
      const r = await runIn(project.dir, ['import', ...base, ...zip, ...spelling]);
      outputs.push(r.stdout, r.stderr);
      expect(r.code, spelling.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^asc-keys: --password is not an option: .*shell history/);
      expect(r.stderr).toContain('--password-stdin');
      expect(r.stderr).toContain('asked for it on the terminal, without echo');
      expect(r.stderr).not.toContain('hunter2');
    }
    expect(existsSync(recordPath('ok'))).toBe(false);
  });

  test('no key material in any output of this file', () => {
    const needles = keys.flatMap(keyNeedles);
    expect(keys.length).toBeGreaterThan(20);
    for (const out of outputs) {
      expect(out).not.toMatch(/PRIVATE KEY/);
      for (const n of needles) expect(out.includes(n)).toBe(false);
    }
  });
});

describe("import's options, in process: each mistake named with what to give, before anything is read", () => {
  const id = ['--customer', 'ok', '--app-id', '1234567890', '--key-id', '2X9R4HXF34'];
  const p8 = ['--p8', 'AuthKey_2X9R4HXF34.p8'];
  const help = '; see "asc-keys import --help"';
  test.each([
    [
      ['--customer', 'ok', '--key-id', '2X9R4HXF34', '--individual', ...p8],
      `give --app-id <appleId>, the app's Apple ID (App Information in App Store Connect)${help}`,
    ],
    [
      ['--customer', 'ok', '--app-id', '1234567890', '--individual', ...p8],
      `give --key-id <keyId>, the Key ID the customer sent${help}`,
    ],
    [
      [...id, '--issuer-id', '57246542-96fe-1a63-e053-0824d011072a', '--individual', '--sealed', 'block.txt'],
      `give at most one of --issuer-id <uuid> and --individual${help}`,
    ],
    [[...id, '--individual', ...p8, '--password-stdin'], `--password-stdin is for --zip${help}`],
    [[...id, '--individual', ...p8, '--display-name', '  '], `--display-name must not be empty${help}`],
    [
      [...id, '--individual', ...p8, '--bundle-id', 'com acme app'],
      `--bundle-id must be a bundle ID such as com.acme.employees${help}`,
    ],
    [
      [...id, '--individual', ...p8, '--contact', 'Jane <jane.acme.example>'],
      '--contact must be "Name <email>" or an email address; for example --contact "Jane Doe <jane@example.com>"',
    ],
    [
      ['--discard', '--customer', 'Bad_Slug'],
      '--customer must be a slug: 1 to 63 characters of a-z, 0-9 and "-"; give the name of the customer\'s record file in customers/, without .yaml',
    ],
    [
      ['--discard', '--customer', 'ok', '--key-id', '2X9R4HXF34', ...p8, '--no-verify'],
      '--discard takes only --customer (and --customers, --format, --junit); drop --key-id, --p8',
    ],
  ])('%j: exit 2, the option and the next step, nothing written', async (args, message) => {
    const { dir, customers } = exampleProject();
    const before = readdirSync(customers);
    const r = await runIn(dir, ['import', ...args]);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `asc-keys: ${message}\n` });
    expect(readdirSync(customers)).toEqual(before);
  });
});

/**
 * A wrong password that gets past ZipCrypto's one-byte password check: about one in 256 does,
 * and then only the inflate or the CRC shows that it is wrong.
 */
async function passwordPastTheCheckByte(zip: string): Promise<string> {
  const bytes = new Uint8Array(readFileSync(zip));
  for (let i = 0; ; i++) {
    const candidate = `wrong-${i}`;
    const reader = new ZipReader(new Uint8ArrayReader(bytes));
    const [entry] = await reader.getEntries();
    try {
      await (entry as { getData: (w: Uint8ArrayWriter, o: object) => Promise<unknown> }).getData(
        new Uint8ArrayWriter(),
        {
          password: candidate,
          checkPasswordOnly: true,
        },
      );
      return candidate;
    } catch {
      // the check byte caught it; try the next
    } finally {
      await reader.close();
    }
  }
}
