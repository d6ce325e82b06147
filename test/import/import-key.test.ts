import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { systemClock } from '../../lib/apple/clock.js';
import { importKey, type ImportDeps } from '../../lib/import/import-key.js';
import type { ImportRequest } from '../../lib/import/import-request.js';
import { InterruptGuard } from '../../lib/import/interrupt-guard.js';
import { SecretWriter } from '../../lib/import/secret-writer.js';
import type { KeyInput } from '../../lib/secrets/key-input.js';
import { failingSecretsManager } from '../support/aws-clients.js';
import { fastlaneValue } from '../support/key-fixtures.js';
import { generateTestKey, type TestKey } from '../support/keys.js';
import { recordText, tempProject, type TempProject } from '../support/project.js';

/**
 * The refusals of an import that come before AWS and Apple are asked: the key that does not
 * match the options, the record that cannot take a rotation. Each leaves the record as it was
 * and makes no AWS call; the scenarios that store (moto, the emulator) are in
 * test/cli/import.test.ts.
 */
describe('importKey: refused before anything is asked or stored', () => {
  const ISSUER = '57246542-96fe-1a63-e053-0824d011072a';
  const OTHER_ISSUER = '69a6de7e-0000-47e3-e053-5b8c7c11a4d1';
  let project: TempProject;
  let key: TestKey;
  /** Records every AWS call the import makes, and fails it. */
  let aws: ReturnType<typeof failingSecretsManager>;
  let guard: InterruptGuard;

  beforeEach(async () => {
    project = tempProject({ 'acme-corp.yaml': recordText({ issuerId: ISSUER }) });
    key = await generateTestKey();
    aws = failingSecretsManager();
    guard = new InterruptGuard([]);
  });
  afterEach(() => guard.dispose());

  const request = (overrides: Partial<ImportRequest> = {}): ImportRequest => ({
    customer: 'acme-corp',
    appleId: '1234567890',
    keyId: 'NEWKEY0001',
    issuerId: ISSUER,
    source: { kind: 'p8', path: 'AuthKey_NEWKEY0001.p8' },
    verify: true,
    contacts: [],
    ...overrides,
  });

  function deps(input: Partial<KeyInput> = {}): ImportDeps {
    return {
      customersDir: project.customers,
      configFile: project.config,
      readKey: () => Promise.resolve({ pem: key.pem, origin: 'AuthKey_NEWKEY0001.p8', ...input }),
      secrets: new SecretWriter(aws),
      // Nothing listens here: a refusal that reached Apple would say Apple could not be asked.
      ascBaseUrl: 'http://127.0.0.1:9',
      clock: systemClock,
      retry: { budgetMs: 0, maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 1000 },
      guard,
    };
  }

  /** The customers/ folder, file by file. */
  const files = (): Record<string, string> =>
    Object.fromEntries(
      readdirSync(project.customers).map((f) => [f, readFileSync(join(project.customers, f), 'utf8')]),
    );

  test.each([
    [
      "the key's JSON names another Key ID",
      () => ({ pem: fastlaneValue(key, { keyId: 'OTHERKEY01', issuerId: ISSUER }) }),
      "the key's JSON says key_id OTHERKEY01, but --key-id is NEWKEY0001; nothing was stored and no record was written",
    ],
    [
      "the key's JSON says it is an individual key",
      () => ({ pem: fastlaneValue(key, { keyId: 'NEWKEY0001' }) }),
      `the key's JSON says issuer_id null (individual key), but the options say ${ISSUER}; nothing was stored and no record was written`,
    ],
    [
      'the sealed block names another Issuer ID',
      () => ({ issuerId: OTHER_ISSUER }),
      `the key came with Issuer ID ${OTHER_ISSUER}, but the options say ${ISSUER}; nothing was stored and no record was written`,
    ],
  ])('%s: KEY_ID_MISMATCH, the two values, no AWS call, the record unchanged', async (_, input, message) => {
    const before = files();
    const r = await importKey(request(), deps(input()));
    expect(r).toMatchObject({
      action: 'refused',
      code: 'KEY_ID_MISMATCH',
      secret: null,
      record: null,
      message,
    });
    expect(JSON.stringify(r)).not.toContain(key.body.slice(0, 40));
    expect(aws.commands).toEqual([]);
    expect(files()).toEqual(before);
  });

  test('a record that keeps its key in a file: SECRET_SCHEME, which reference to set first', async () => {
    project = tempProject({
      'acme-corp.yaml': recordText({ issuerId: ISSUER, secret: 'file:keys/acme-corp.json' }),
    });
    const before = files();
    const r = await importKey(request(), deps());
    expect(r).toMatchObject({
      action: 'refused',
      code: 'SECRET_SCHEME',
      message: `${join(project.customers, 'acme-corp.yaml')} keeps its key in file:keys/acme-corp.json; import stores keys in Secrets Manager only: set apiKey.secret to aws-sm:asc-keys/acme-corp first; nothing was stored and no record was written`,
    });
    expect(aws.commands).toEqual([]);
    expect(files()).toEqual(before);
  });

  test('a record that does not parse: RECORD_INVALID, "run asc-keys lint", the file as it was', async () => {
    project = tempProject({ 'acme-corp.yaml': 'customer: acme-corp\napiKey: [\n' });
    const before = files();
    const r = await importKey(request(), deps());
    expect(r).toMatchObject({
      action: 'refused',
      code: 'RECORD_INVALID',
      message: `${join(project.customers, 'acme-corp.yaml')} is not a record whose key can be updated in place; run "asc-keys lint" and fix it first; nothing was stored and no record was written`,
    });
    expect(aws.commands).toEqual([]);
    expect(files()).toEqual(before);
  });

  test('a record with an alias that resolves to nothing: RECORD_INVALID with what lint finds, the file as it was', async () => {
    project = tempProject({
      'acme-corp.yaml': recordText({ issuerId: ISSUER }).replace('"1234567890"', '*app'),
    });
    const before = files();
    const r = await importKey(request(), deps());
    expect(r).toMatchObject({ action: 'refused', code: 'RECORD_INVALID' });
    expect(r.message).toMatch(
      /^the record would not pass lint: .*acme-corp\.yaml:1:1 YAML_UNSUPPORTED cannot be read as data \(.*Unresolved alias.*\); write the record as plain YAML .*; nothing was stored and no record was written$/,
    );
    expect(aws.commands).toEqual([]);
    expect(files()).toEqual(before);
  });

  test('a rotation keeps the app: another --app-id is a usage error (exit 2) that says a new app is a new customer', async () => {
    const before = files();
    await expect(importKey(request({ appleId: '999' }), deps())).rejects.toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message: `${join(project.customers, 'acme-corp.yaml')} is for app 1234567890, but --app-id is 999; a rotation keeps the app (a new app is a new customer slug)`,
    });
    expect(aws.commands).toEqual([]);
    expect(files()).toEqual(before);
  });

  test("a rotation changes the key only: a new customer's options are a usage error naming each", async () => {
    const before = files();
    await expect(
      importKey(request({ displayName: 'ACME', contacts: [{ email: 'jane@acme.example' }] }), deps()),
    ).rejects.toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message: `--display-name, --contact are for a new customer; ${join(project.customers, 'acme-corp.yaml')} exists, so this is a rotation: edit the record by hand for those`,
    });
    await expect(importKey(request({ bundleId: 'com.acme.app' }), deps())).rejects.toMatchObject({
      message: expect.stringMatching(/^--bundle-id is for a new customer; /),
    });
    expect(aws.commands).toEqual([]);
    expect(files()).toEqual(before);
  });

  test('a record that cannot be read (a directory in its place): CUSTOMERS_DIR_UNREADABLE, exit 2, the errno', async () => {
    project = tempProject({});
    mkdirSync(join(project.customers, 'acme-corp.yaml'));
    await expect(importKey(request(), deps())).rejects.toMatchObject({
      code: 'CUSTOMERS_DIR_UNREADABLE',
      exitCode: 2,
      message: `cannot read ${join(project.customers, 'acme-corp.yaml')} (EISDIR); check that the record file can be read`,
    });
    expect(aws.commands).toEqual([]);
  });
});
