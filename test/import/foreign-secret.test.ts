import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CreateKeyCommand, DescribeKeyCommand } from '@aws-sdk/client-kms';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  ReplicateSecretToRegionsCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UpdateSecretCommand,
  type Tag,
} from '@aws-sdk/client-secrets-manager';
import { systemClock } from '../../lib/apple/clock.js';
import { foreignSecretProblems, type SecretCustody } from '../../lib/import/foreign-secret.js';
import { importKey } from '../../lib/import/import-key.js';
import { exitCodeOf, type ImportResult } from '../../lib/import/import-result.js';
import { InterruptGuard } from '../../lib/import/interrupt-guard.js';
import { readP8File } from '../../lib/import/read-p8-file.js';
import { SecretWriter } from '../../lib/import/secret-writer.js';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { keyVersionId } from '../../lib/model/key-version.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { loadProject } from '../../lib/records/load-project.js';
import type { PlatformConfig } from '../../lib/records/platform-schema.js';
import { promotePending } from '../../lib/ci/promote-pending.js';
import { applyPlatform, motoClients, type MotoClients } from '../support/apply-desired-state.js';
import { generateTestKey } from '../support/keys.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { tempProject, type TempProject } from '../support/project.js';
import { inbox, versionsOf, writeP8, type Version } from './import-harness.js';

/**
 * import and a secret it did not make: anyone who may create a secret under the prefix can
 * make the next customer's first, under the AWS managed key, with a replica, tags an IAM policy
 * grants on, a value, or a resource policy that lets them read. Against moto: each is refused
 * and nothing is written, and a secret exactly as the model makes it is used.
 */
let moto: MotoServer;
let clients: MotoClients;
let project: TempProject;
let platform: PlatformConfig;
let files: string;
let n = 0;

const ISSUER = '69a6de7e-0000-47e3-e053-5b8c7c11a4d1';

interface Key {
  readonly keyId: string;
  readonly pem: string;
  readonly fingerprint: string;
  readonly p8: string;
  readonly appleId: string;
}

/** A new key; a rotation keeps the app of the record. */
async function newKey(appleId?: string): Promise<Key> {
  const k = await generateTestKey();
  const keyId = `FRN${String(++n).padStart(5, '0')}AB`;
  return {
    keyId,
    pem: k.pem,
    fingerprint: k.fingerprint,
    p8: writeP8(files, `AuthKey_${keyId}.p8`, k.pem),
    appleId: appleId ?? String(4_100_000_000 + n),
  };
}

async function runImport(
  customer: string,
  key: Key,
  writer = new SecretWriter(clients.secretsManager, clients.kms),
): Promise<ImportResult> {
  const guard = new InterruptGuard([]);
  try {
    return await importKey(
      {
        customer,
        appleId: key.appleId,
        keyId: key.keyId,
        issuerId: ISSUER,
        source: { kind: 'p8', path: key.p8 },
        verify: false,
        contacts: [],
      },
      {
        customersDir: project.customers,
        configFile: project.config,
        readKey: (source) => readP8File(source.path),
        secrets: writer,
        ascBaseUrl: 'http://127.0.0.1:9',
        clock: systemClock,
        guard,
      },
    );
  } finally {
    guard.dispose();
  }
}

const secretName = (slug: string): string => `${platform.namePrefix}/${slug}`;
const recordPath = (slug: string): string => join(project.customers, `${slug}.yaml`);

/** The model's name and tags of a new customer's secret for `key`. */
function desiredFor(slug: string, key: Key): { name: string; tags: Record<string, string> } {
  return {
    name: secretName(slug),
    tags: { customer: slug, app: key.appleId, 'key-id': key.keyId, 'managed-by': 'asc-keys' },
  };
}

const tagList = (tags: Record<string, string>): Tag[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

interface Snapshot {
  readonly versions: Version[] | undefined;
  readonly tags: Record<string, string>;
  readonly record: string | undefined;
}

async function snapshot(slug: string): Promise<Snapshot> {
  const d = await clients.secretsManager.send(new DescribeSecretCommand({ SecretId: secretName(slug) }));
  return {
    versions: await versionsOf(clients.secretsManager, secretName(slug)),
    tags: Object.fromEntries((d.Tags ?? []).map((t) => [t.Key!, t.Value!])),
    record: existsSync(recordPath(slug)) ? readFileSync(recordPath(slug), 'utf8') : undefined,
  };
}

/** Refused with the three things to look at, exit 2, and nothing written. */
async function expectRefused(slug: string, key: Key, reason: RegExp, writer?: SecretWriter): Promise<void> {
  const before = await snapshot(slug);
  const r = await runImport(slug, key, writer);
  expect(r.action, r.message).toBe('refused');
  expect(r.code).toBe('SECRET_NOT_OURS');
  expect(exitCodeOf(r.code)).toBe(2);
  expect(r.message).toMatch(reason);
  expect(r.message).toMatch(/its KMS key, its replica regions and its resource policy/);
  expect(r.message).toMatch(/nothing was stored and no record was written$/);
  // No message advises deleting first.
  expect(r.message).not.toMatch(/^(delete|remove)/i);
  expect(r.message).not.toContain(key.pem.split('\n')[1]!);
  expect(await snapshot(slug)).toEqual(before);
}

describe('import refuses a secret it did not make (moto)', () => {
  beforeAll(async () => {
    moto = await startMoto({ accountId: '111122223333' });
    clients = motoClients(moto);
    project = tempProject({});
    files = inbox();
    platform = loadProject({ customersDir: project.customers, configFile: project.config }).platform!;
    await applyPlatform(clients, platformDesiredState(platform));
  });
  afterAll(() => moto.stop());

  /** A secret under the new customer's name, made by someone else with the model's metadata but `over`. */
  async function premade(
    slug: string,
    key: Key,
    over: { kmsKeyId?: string | null; tags?: Record<string, string>; replica?: string } = {},
  ): Promise<string> {
    const d = desiredFor(slug, key);
    const r = await clients.secretsManager.send(
      new CreateSecretCommand({
        Name: d.name,
        ...(over.kmsKeyId !== null && {
          KmsKeyId: over.kmsKeyId ?? platformDesiredState(platform).kmsKey.alias.arn,
        }),
        Tags: tagList(over.tags ?? d.tags),
        ...(over.replica && { AddReplicaRegions: [{ Region: over.replica }] }),
      }),
    );
    return r.ARN!;
  }

  test('a new customer: a secret under the AWS managed key (aws/secretsmanager) is refused', async () => {
    const key = await newKey();
    await premade('fr-managed-key', key, { kmsKeyId: null });
    await expectRefused('fr-managed-key', key, /encrypted with the AWS managed key aws\/secretsmanager/);
  });

  test('a new customer: a secret under another KMS key is refused, even one the alias could be mistaken for', async () => {
    const key = await newKey();
    const other = await clients.kms.send(new CreateKeyCommand({ Description: 'not the platform key' }));
    await premade('fr-other-key', key, { kmsKeyId: other.KeyMetadata!.Arn! });
    await expectRefused('fr-other-key', key, new RegExp(`encrypted with ${other.KeyMetadata!.Arn}`));
  });

  test('a new customer: a secret with a replica region is refused', async () => {
    const key = await newKey();
    await premade('fr-replica', key, { replica: 'eu-west-1' });
    await expectRefused('fr-replica', key, /replicated to eu-west-1/);
  });

  test('a new customer: a secret with a foreign tag, or without one of the model, is refused', async () => {
    const key = await newKey();
    const tags = desiredFor('fr-tags', key).tags;
    await premade('fr-tags', key, { tags: { ...tags, team: 'payments' } });
    await expectRefused('fr-tags', key, /tags differ from the model's in "team"/);
    const key2 = await newKey();
    const less = { ...desiredFor('fr-tags-2', key2).tags };
    delete less.customer;
    await premade('fr-tags-2', key2, { tags: less });
    await expectRefused('fr-tags-2', key2, /tags differ from the model's in "customer"/);
  });

  test('a new customer: a secret that already holds a value is refused', async () => {
    const key = await newKey();
    await premade('fr-value', key);
    await clients.secretsManager.send(
      new PutSecretValueCommand({ SecretId: secretName('fr-value'), SecretString: 'planted' }),
    );
    await expectRefused('fr-value', key, /already holds a value \(one version\) that no record names/);
  });

  test('a new customer: a secret with a foreign resource policy is refused', async () => {
    const key = await newKey();
    const arn = await premade('fr-policy', key);
    await clients.secretsManager.send(
      new PutResourcePolicyCommand({
        SecretId: arn,
        ResourcePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::444455556666:root' },
              Action: 'secretsmanager:GetSecretValue',
              Resource: '*',
            },
          ],
        }),
      }),
    );
    await expectRefused('fr-policy', key, /a resource policy that is not the model's/);
  });

  test('a new customer: every difference is named in one refusal', async () => {
    const key = await newKey();
    await premade('fr-all', key, { kmsKeyId: null, replica: 'us-west-2', tags: { owner: 'mallory' } });
    await expectRefused(
      'fr-all',
      key,
      /aws\/secretsmanager.*; it is replicated to us-west-2; its tags differ from the model's in "app", "customer", "key-id", "managed-by", "owner"/,
    );
  });

  test('a new customer: a secret exactly as the model makes it (no value, no policy) is used', async () => {
    const key = await newKey();
    await premade('fr-exact', key);
    const r = await runImport('fr-exact', key);
    expect(r.code, r.message).toBe('OK');
    expect(r.action).toBe('created');
    expect(await versionsOf(clients.secretsManager, secretName('fr-exact'))).toEqual([
      {
        id: keyVersionId(secretName('fr-exact'), key.keyId, key.fingerprint),
        stages: ['AWSCURRENT', 'AWSPENDING'],
      },
    ]);
  });

  test('a secret made by someone else between the look and the create is refused, not written to', async () => {
    const key = await newKey();
    const client = new SecretsManagerClient({
      endpoint: moto.url,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    // The attacker wins the race: their CreateSecret lands just before the import's.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'CreateSecretCommand')
          await clients.secretsManager.send(
            new CreateSecretCommand({
              Name: secretName('fr-race'),
              AddReplicaRegions: [{ Region: 'eu-west-1' }],
            }),
          );
        return next(args);
      },
      { step: 'initialize' },
    );
    try {
      const r = await runImport('fr-race', key, new SecretWriter(client, clients.kms));
      expect(r.code, r.message).toBe('SECRET_NOT_OURS');
      expect(r.message).toMatch(/replicated to eu-west-1/);
      expect(r.message).toMatch(/nothing was stored and no record was written$/);
    } finally {
      client.destroy();
    }
    // The attacker's secret is left as it was, with no value, and no record.
    expect(await versionsOf(clients.secretsManager, secretName('fr-race'))).toEqual([]);
    expect(existsSync(recordPath('fr-race'))).toBe(false);
  });

  describe('a rotation checks the same before it writes', () => {
    /** Onboarded, merged and deployed: the import's secret, its key current. */
    async function onboarded(slug: string): Promise<string> {
      const key = await newKey();
      const r = await runImport(slug, key);
      expect(r.code, r.message).toBe('OK');
      const record = loadProject({
        customersDir: project.customers,
        configFile: project.config,
      }).records.find((x) => x.customer === slug)!;
      await promotePending(clients.secretsManager, record);
      // What the deploy's first apply adds: the model's policy.
      const desired = customerDesiredState(record, platform, new Date()).secret!;
      await clients.secretsManager.send(
        new PutResourcePolicyCommand({
          SecretId: desired.name,
          ResourcePolicy: JSON.stringify(desired.policy),
        }),
      );
      return key.appleId;
    }

    test('the deployed secret, named by its key ARN rather than its alias: the rotation stores the new key', async () => {
      const appRotOk = await onboarded('rot-ok');
      const alias = await clients.kms.send(
        new DescribeKeyCommand({ KeyId: platformDesiredState(platform).kmsKey.alias.name }),
      );
      await clients.secretsManager.send(
        new UpdateSecretCommand({ SecretId: secretName('rot-ok'), KmsKeyId: alias.KeyMetadata!.Arn! }),
      );
      const key = await newKey(appRotOk);
      const r = await runImport('rot-ok', key);
      expect(r.code, r.message).toBe('OK');
      expect(r.action).toBe('rotated');
    });

    test('a replica added since the onboarding: refused, nothing written', async () => {
      const appRotReplica = await onboarded('rot-replica');
      await clients.secretsManager.send(
        new ReplicateSecretToRegionsCommand({
          SecretId: secretName('rot-replica'),
          AddReplicaRegions: [{ Region: 'ap-southeast-2' }],
        }),
      );
      await expectRefused('rot-replica', await newKey(appRotReplica), /replicated to ap-southeast-2/);
    });

    test('a tag added, the KMS key changed, or the policy widened since: refused, nothing written', async () => {
      const appRotTag = await onboarded('rot-tag');
      await clients.secretsManager.send(
        new TagResourceCommand({ SecretId: secretName('rot-tag'), Tags: [{ Key: 'access', Value: 'all' }] }),
      );
      await expectRefused('rot-tag', await newKey(appRotTag), /tags differ from the model's in "access"/);

      const appRotKey = await onboarded('rot-key');
      await clients.secretsManager.send(
        new UpdateSecretCommand({ SecretId: secretName('rot-key'), KmsKeyId: 'alias/aws/secretsmanager' }),
      );
      await expectRefused(
        'rot-key',
        await newKey(appRotKey),
        /encrypted with the AWS managed key aws\/secretsmanager/,
      );

      const appRotPolicy = await onboarded('rot-policy');
      await clients.secretsManager.send(
        new PutResourcePolicyCommand({
          SecretId: secretName('rot-policy'),
          ResourcePolicy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
            ],
          }),
        }),
      );
      await expectRefused(
        'rot-policy',
        await newKey(appRotPolicy),
        /a resource policy that is not the model's/,
      );
    });
  });
});

describe('foreignSecretProblems', () => {
  const desired = {
    id: 'key',
    policyId: 'key_policy',
    name: 'asc-keys/acme',
    description: 'd',
    kmsKeyId: 'arn:aws:kms:eu-central-1:111122223333:alias/asc-keys',
    recoveryWindowInDays: 30,
    tags: { customer: 'acme', app: '1', 'key-id': 'NEWKEY', 'managed-by': 'asc-keys' },
    policy: { Version: '2012-10-17' as const, Statement: [] },
    blockPublicPolicy: true,
  };
  const ok: SecretCustody = {
    kmsKeyId: desired.kmsKeyId,
    replicaRegions: [],
    tags: desired.tags,
    stages: {},
  };
  const expectation = { desired, kmsKeyIds: [desired.kmsKeyId], newCustomer: true, version: 'v1' };

  test('the model exactly: none; the same policy written in another order: none', () => {
    expect(foreignSecretProblems(ok, expectation)).toEqual([]);
    expect(
      foreignSecretProblems(
        { ...ok, policy: JSON.stringify({ Statement: [], Version: '2012-10-17' }) },
        expectation,
      ),
    ).toEqual([]);
  });

  test('a rotation: the current key, and the key-id tag of the current key, are no problem; a new customer: both are', () => {
    const rotating = {
      ...ok,
      tags: { ...desired.tags, 'key-id': 'OLDKEY' },
      stages: { old: ['AWSCURRENT'] },
    };
    expect(foreignSecretProblems(rotating, { ...expectation, newCustomer: false })).toEqual([]);
    expect(foreignSecretProblems(rotating, expectation)).toEqual([
      `its tags differ from the model's in "key-id"`,
      'it already holds a value (one version) that no record names',
    ]);
  });

  test("a new customer's own version (an import run again) is no foreign value", () => {
    expect(
      foreignSecretProblems({ ...ok, stages: { v1: ['AWSCURRENT', 'AWSPENDING'] } }, expectation),
    ).toEqual([]);
  });
});
