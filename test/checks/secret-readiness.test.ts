import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { importCommandFor, secretFindings, secretReadiness } from '../../lib/checks/secret-readiness.js';
import { keyVersionId } from '../../lib/model/key-version.js';
import { loadProject } from '../../lib/records/load-project.js';
import type { CustomerRecord } from '../../lib/records/customer-record.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { recordText, tempProject } from '../support/project.js';

/**
 * Before Terraform plans a customer's stack (whose data source reads the secret to adopt it),
 * the secret must exist, be outside its recovery window and hold the version its record names.
 */
let moto: MotoServer;
let client: SecretsManagerClient;
const NOW = new Date();
const OPTIONS = { now: NOW, recoveryWindowDays: 30 };

const records = (): Map<string, CustomerRecord> => {
  const p = tempProject({
    'ready.yaml': recordText({ customer: 'ready', appleId: '1', keyId: 'READY00001' }),
    'staged.yaml': recordText({ customer: 'staged', appleId: '2', keyId: 'STAGED0001', issuerId: null }),
    'missing.yaml': recordText({ customer: 'missing', appleId: '3', keyId: 'MISSING001' }),
    'deleted.yaml': recordText({ customer: 'deleted', appleId: '4', keyId: 'DELETED001' }),
    'other.yaml': recordText({ customer: 'other', appleId: '5', keyId: 'OTHER00001' }),
    'local.yaml': recordText({
      customer: 'local',
      appleId: '6',
      keyId: 'LOCAL00001',
      secret: 'file:keys/l.json',
    }),
  });
  const loaded = loadProject({ customersDir: p.customers, configFile: p.config });
  expect(loaded.findings.filter((f) => f.severity === 'error')).toEqual([]);
  return new Map(loaded.records.map((r) => [r.customer, r]));
};

async function store(record: CustomerRecord, keyId = record.keyId, stages = ['AWSPENDING']): Promise<string> {
  const name = `asc-keys/${record.customer}`;
  const version = keyVersionId(name, keyId, record.fingerprint);
  await client.send(new CreateSecretCommand({ Name: name })).catch(() => undefined);
  await client.send(
    new PutSecretValueCommand({
      SecretId: name,
      SecretString: 'stored by import',
      ClientRequestToken: version,
      VersionStages: stages,
    }),
  );
  return version;
}

beforeAll(async () => {
  moto = await startMoto();
  client = new SecretsManagerClient({
    endpoint: moto.url,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
});
afterAll(async () => moto?.stop());

describe('secretReadiness: what a customer stack needs before Terraform runs', () => {
  test('ready: the version the record names, whether it is still pending, and the current one', async () => {
    const r = records();
    const ready = r.get('ready')!;
    const version = await store(ready, ready.keyId, ['AWSCURRENT']);
    expect(await secretReadiness(client, ready, OPTIONS)).toEqual({
      ok: true,
      name: 'asc-keys/ready',
      version,
      current: version,
      pending: false,
    });
    const staged = r.get('staged')!;
    const stagedVersion = await store(staged);
    expect(await secretReadiness(client, staged, OPTIONS)).toMatchObject({
      ok: true,
      version: stagedVersion,
      pending: true,
    });
  });

  test('a missing secret names the customer and the whole import command, in the order import, merge, deploy', async () => {
    const missing = records().get('missing')!;
    const r = await secretReadiness(client, missing, OPTIONS);
    expect(r).toMatchObject({
      ok: false,
      code: 'SECRET_MISSING',
      message: `the secret asc-keys/missing of missing does not exist, so the stack customer-missing has no secret to adopt and Terraform would fail with "couldn't find resource"; run "asc-keys import --customer missing --app-id 3 --key-id MISSING001 --issuer-id 57246542-96fe-1a63-e053-0824d011072a --p8 AuthKey_MISSING001.p8" with the key that ${missing.file} names, then merge and deploy (import, then merge, then deploy)`,
    });
    expect(importCommandFor(records().get('staged')!)).toBe(
      'asc-keys import --customer staged --app-id 2 --key-id STAGED0001 --individual --p8 AuthKey_STAGED0001.p8',
    );
  });

  test('a secret in its recovery window: restore it by the last day of the window; once gone, import a new key', async () => {
    const deleted = records().get('deleted')!;
    await store(deleted);
    await client.send(new DeleteSecretCommand({ SecretId: 'asc-keys/deleted', RecoveryWindowInDays: 7 }));
    const r = await secretReadiness(client, deleted, OPTIONS);
    expect(r.ok).toBe(false);
    // moto reports the day the deletion happens; that day is the last one a restore works.
    const until = new Date(NOW.getTime() + 7 * 86_400_000).toISOString().slice(0, 10);
    expect(r).toMatchObject({
      code: 'SECRET_DELETED',
      message: expect.stringMatching(
        new RegExp(
          `^the secret asc-keys/deleted of deleted is scheduled for deletion, .*; restore it with "aws secretsmanager restore-secret --secret-id asc-keys/deleted" by ${until}, when its recovery window ends, then deploy again; once that day has passed it is gone for good: run "asc-keys import --customer deleted `,
        ),
      ),
    });
  });

  test('a secret without the version the record names: the deploy could not make it current', async () => {
    const other = records().get('other')!;
    await store(other, 'ELSE000001');
    expect(await secretReadiness(client, other, OPTIONS)).toMatchObject({
      ok: false,
      code: 'KEY_VERSION_MISSING',
      message: expect.stringContaining(
        `names key OTHER00001 (fingerprint ${other.fingerprint}), but asc-keys/other has no version ${keyVersionId('asc-keys/other', 'OTHER00001', other.fingerprint)} of it`,
      ),
    });
  });

  test('secretFindings: one error per record not ready, at its secret line; file: records are not asked about', async () => {
    const r = records();
    const found = await secretFindings(client, [...r.values()], {
      ...OPTIONS,
      onError: (err) => err as Error,
    });
    expect(found.map((f) => [f.file, f.line, f.column, f.severity, f.code])).toEqual([
      [r.get('deleted')!.file, 8, 11, 'error', 'SECRET_DELETED'],
      [r.get('missing')!.file, 8, 11, 'error', 'SECRET_MISSING'],
      [r.get('other')!.file, 8, 11, 'error', 'KEY_VERSION_MISSING'],
    ]);
  });

  test("AWS's other errors go to onError, which says what they mean", async () => {
    const broken = new SecretsManagerClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'eu-central-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
    });
    await expect(
      secretFindings(broken, [records().get('ready')!], {
        ...OPTIONS,
        onError: (_err, record) => new Error(`cannot ask about ${record.customer}`),
      }),
    ).rejects.toThrow('cannot ask about ready');
  });
});
