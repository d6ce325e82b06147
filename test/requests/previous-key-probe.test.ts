import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { systemClock } from '../../lib/apple/clock.js';
import { previousKeyProbe } from '../../lib/requests/previous-key-probe.js';
import { AscEmulator } from '../support/asc-emulator.js';
import { generateTestKey, type TestKey } from '../support/keys.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { record } from '../support/records.js';

const ISSUER = '57246542-96fe-1a63-e053-0824d011072a';
const OLD = 'OLDKEY0001';
const NEW = 'NEWKEY0001';
const value = (keyId: string, key: TestKey) =>
  JSON.stringify({ key_id: keyId, issuer_id: ISSUER, key: key.pem, in_house: false });

let moto: MotoServer;
let sm: SecretsManagerClient;
const emulator = new AscEmulator();
let oldKey: TestKey;
let newKey: TestKey;

beforeAll(async () => {
  [moto, oldKey, newKey] = await Promise.all([
    startMoto(),
    generateTestKey(),
    generateTestKey(),
    emulator.start(),
  ]);
  sm = new SecretsManagerClient({
    endpoint: moto.url,
    region: moto.env.AWS_REGION!,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
});
afterAll(async () => {
  await Promise.all([moto.stop(), emulator.stop()]);
});
beforeEach(async () => {
  await moto.reset();
  for (const [keyId, key] of [
    [OLD, oldKey],
    [NEW, newKey],
  ] as const)
    emulator.register({
      keyId,
      issuerId: ISSUER,
      publicKey: key.publicKey,
      state: 'active',
      apps: ['1234567890'],
    });
});

const rotated = record({ keyId: NEW, issuerId: ISSUER });
const probe = () =>
  previousKeyProbe({
    secretsManager: sm,
    ascBaseUrl: emulator.url,
    clock: systemClock,
    retry: { budgetMs: 2000, timeoutMs: 1000, baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 },
  });

async function storeRotation(deployed: boolean): Promise<void> {
  await sm.send(new CreateSecretCommand({ Name: 'asc-keys/acme-corp', SecretString: value(OLD, oldKey) }));
  if (deployed)
    await sm.send(
      new PutSecretValueCommand({ SecretId: 'asc-keys/acme-corp', SecretString: value(NEW, newKey) }),
    );
}

describe('previousKeyProbe', () => {
  test('signs with the AWSPREVIOUS version: Apple rejecting it proves the old key revoked', async () => {
    await storeRotation(true);
    expect(await probe()(rotated, OLD)).toBe('accepted');
    emulator.register({
      keyId: OLD,
      issuerId: ISSUER,
      publicKey: oldKey.publicKey,
      state: 'revoked',
      apps: ['1234567890'],
    });
    expect(await probe()(rotated, OLD)).toBe('revoked');
  });

  test("the old key is asked about with its own Issuer ID, as stored with it, not the record's", async () => {
    await storeRotation(true);
    // The new key (the record's) comes from another team: its Issuer ID would make Apple answer
    // 401 to the old key, which still works.
    const otherTeam = record({ keyId: NEW, issuerId: '11111111-2222-3333-4444-555555555555' });
    expect(await probe()(otherTeam, OLD)).toBe('accepted');
  });

  test('a rotation that is not deployed yet says nothing about the old key', async () => {
    await storeRotation(false);
    expect(await probe()(rotated, OLD)).toBe('not-deployed');
    // A previous version that is another key than the one the request replaced.
    await sm.send(
      new PutSecretValueCommand({ SecretId: 'asc-keys/acme-corp', SecretString: value(NEW, newKey) }),
    );
    expect(await probe()(rotated, 'OTHERKEY01')).toBe('not-deployed');
  });

  test('Apple unavailable is unknown, never revoked', async () => {
    await storeRotation(true);
    emulator.faults = { down: true };
    try {
      expect(await probe()(rotated, OLD)).toBe('unknown');
    } finally {
      emulator.faults = {};
    }
  });
});
