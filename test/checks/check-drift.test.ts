import assert from 'node:assert/strict';
import { afterAll, beforeAll, beforeEach, describe, test } from 'vitest';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { DeleteScheduleCommand, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { checkDrift, type DriftFinding, type DriftResult } from '../../lib/checks/check-drift.js';
import { customerDesiredState, type CustomerDesiredState } from '../../lib/model/customer-desired.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import type { CustomerRecord } from '../../lib/records/customer-record.js';
import { AwsSecretsManagerStore } from '../../lib/secrets/aws-secrets-manager-store.js';
import {
  applyCustomer,
  applyPlatform,
  motoClients,
  type MotoClients,
} from '../support/apply-desired-state.js';
import { fastlaneValue } from '../support/key-fixtures.js';
import { generateTestKey, type TestKey } from '../support/keys.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { PLATFORM, record } from '../support/records.js';

const NOW = new Date('2026-11-27T12:00:00Z');
let moto: MotoServer;
let clients: MotoClients;
const keys = new Map<string, TestKey>();
let records: CustomerRecord[];
let desired: Map<string, CustomerDesiredState>;
const arns = new Map<string, string>();

async function driftResult(): Promise<DriftResult> {
  return checkDrift({
    platform: PLATFORM,
    allRecords: records,
    selected: records,
    invalidSlugs: new Set(),
    inScope: () => true,
    clients,
    store: new AwsSecretsManagerStore({ client: clients.secretsManager }),
    now: NOW,
  });
}

async function drift(): Promise<DriftFinding[]> {
  return (await driftResult()).findings;
}

/** The findings without the fields that only locate them. */
const brief = (fs: DriftFinding[]): unknown[] =>
  fs.map(({ customer, resource, kind, field, expected, actual }) => ({
    customer,
    resource,
    kind,
    field,
    expected,
    actual,
  }));

describe('checkDrift against moto', () => {
  beforeAll(async () => {
    moto = await startMoto({ accountId: '111122223333' });
    clients = motoClients(moto);
    for (const slug of ['acme-corp', 'globex']) keys.set(slug, await generateTestKey());
    records = [
      record({ fingerprint: keys.get('acme-corp')!.fingerprint }),
      record({
        customer: 'globex',
        appleId: '3456789012',
        keyId: 'B8VN3C6Z1Q',
        fingerprint: keys.get('globex')!.fingerprint,
      }),
    ];
    desired = new Map(records.map((r) => [r.customer, customerDesiredState(r, PLATFORM, NOW)]));
  });
  afterAll(() => moto.stop());
  beforeEach(async () => {
    await moto.reset();
    await applyPlatform(clients, platformDesiredState(PLATFORM));
    for (const r of records)
      arns.set(
        r.customer,
        await applyCustomer(
          clients,
          desired.get(r.customer)!,
          fastlaneValue(keys.get(r.customer)!, {
            keyId: r.keyId,
            ...(r.issuerId && { issuerId: r.issuerId }),
          }),
        ),
      );
  });

  const sm = (): MotoClients['secretsManager'] => clients.secretsManager;
  const ACME = 'asc-keys/acme-corp';

  test('in sync: no finding', async () => {
    assert.deepEqual(await drift(), []);
  });

  test('secret deleted: missing', async () => {
    await sm().send(new DeleteSecretCommand({ SecretId: ACME, ForceDeleteWithoutRecovery: true }));
    assert.deepEqual(brief(await drift()), [
      {
        customer: 'acme-corp',
        resource: 'aws_secretsmanager_secret.key',
        kind: 'missing',
        field: null,
        expected: ACME,
        actual: null,
      },
    ]);
  });

  test('secret scheduled for deletion: reported as such', async () => {
    await sm().send(new DeleteSecretCommand({ SecretId: ACME, RecoveryWindowInDays: 7 }));
    const [f, ...rest] = await drift();
    assert.deepEqual(rest, []);
    assert.deepEqual([f!.kind, f!.field, f!.expected], ['changed', 'deletion', null]);
    assert.match(
      f!.message,
      /is scheduled for deletion \(since .*\); restore it with "aws secretsmanager restore-secret --secret-id asc-keys\/acme-corp"/,
    );
  });

  test('tag changed, added, removed', async () => {
    await sm().send(
      new TagResourceCommand({
        SecretId: ACME,
        Tags: [
          { Key: 'app', Value: '999' },
          { Key: 'owner', Value: 'someone' },
        ],
      }),
    );
    await sm().send(new UntagResourceCommand({ SecretId: ACME, TagKeys: ['key-id'] }));
    assert.deepEqual(brief(await drift()), [
      {
        customer: 'acme-corp',
        resource: 'aws_secretsmanager_secret.key',
        kind: 'changed',
        field: 'tags.app',
        expected: '1234567890',
        actual: '999',
      },
      {
        customer: 'acme-corp',
        resource: 'aws_secretsmanager_secret.key',
        kind: 'changed',
        field: 'tags.key-id',
        expected: '2X9R4HXF34',
        actual: null,
      },
      {
        customer: 'acme-corp',
        resource: 'aws_secretsmanager_secret.key',
        kind: 'changed',
        field: 'tags.owner',
        expected: null,
        actual: 'someone',
      },
    ]);
  });

  test('another KMS key', async () => {
    const { KeyMetadata } = await clients.kms.send(new CreateKeyCommand({}));
    await sm().send(new UpdateSecretCommand({ SecretId: ACME, KmsKeyId: KeyMetadata!.Arn }));
    assert.deepEqual(brief(await drift()), [
      {
        customer: 'acme-corp',
        resource: 'aws_secretsmanager_secret.key',
        kind: 'changed',
        field: 'kms_key_id',
        expected: 'arn:aws:kms:eu-central-1:111122223333:alias/asc-keys',
        actual: KeyMetadata!.Arn,
      },
    ]);
  });

  test('the platform key named by its ARN instead of its alias is no drift', async () => {
    const { DescribeKeyCommand } = await import('@aws-sdk/client-kms');
    const { KeyMetadata } = await clients.kms.send(new DescribeKeyCommand({ KeyId: 'alias/asc-keys' }));
    await sm().send(new UpdateSecretCommand({ SecretId: ACME, KmsKeyId: KeyMetadata!.Arn }));
    assert.deepEqual(await drift(), []);
  });

  test('description changed', async () => {
    await sm().send(new UpdateSecretCommand({ SecretId: ACME, Description: 'edited in the console' }));
    assert.deepEqual(brief(await drift()), [
      {
        customer: 'acme-corp',
        resource: 'aws_secretsmanager_secret.key',
        kind: 'changed',
        field: 'description',
        expected: 'App Store Connect API key 2X9R4HXF34 of acme-corp (app 1234567890)',
        actual: 'edited in the console',
      },
    ]);
  });

  test('the same policy with statements, actions and principals in another order is no drift', async () => {
    const policy = structuredClone(desired.get('acme-corp')!.secret!.policy) as unknown as {
      Statement: Record<string, unknown>[];
    };
    const statement = policy.Statement[0]!;
    const readers = (statement.Condition as { ArnNotEquals: { 'aws:PrincipalArn': string[] } }).ArnNotEquals[
      'aws:PrincipalArn'
    ];
    readers.reverse();
    statement.Action = ['secretsmanager:GetSecretValue'];
    await sm().send(new PutResourcePolicyCommand({ SecretId: ACME, ResourcePolicy: JSON.stringify(policy) }));
    assert.deepEqual(await drift(), []);
  });

  const policyCases: [string, (p: { Statement: Record<string, unknown>[] }) => void][] = [
    [
      'policy statement added',
      (p) =>
        p.Statement.push({
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::444455556666:root' },
          Action: 'secretsmanager:GetSecretValue',
          Resource: '*',
        }),
    ],
    [
      'principal widened',
      (p) =>
        ((p.Statement[0]!.Condition as { ArnNotEquals: Record<string, unknown> }).ArnNotEquals[
          'aws:PrincipalArn'
        ] = [
          'arn:aws:iam::111122223333:role/asc-keys-publisher',
          'arn:aws:iam::111122223333:role/asc-keys-validator',
          'arn:aws:iam::111122223333:role/PlatformAdministrator',
          'arn:aws:iam::111122223333:role/Developer',
        ]),
    ],
  ];
  for (const [name, change] of policyCases) {
    test(`${name}: changed policy, compared as documents`, async () => {
      const policy = structuredClone(desired.get('acme-corp')!.secret!.policy) as unknown as {
        Statement: Record<string, unknown>[];
      };
      change(policy);
      await sm().send(
        new PutResourcePolicyCommand({ SecretId: ACME, ResourcePolicy: JSON.stringify(policy) }),
      );
      const [f, ...rest] = await drift();
      assert.deepEqual(rest, []);
      assert.deepEqual(
        [f!.customer, f!.resource, f!.kind, f!.field, f!.expected],
        [
          'acme-corp',
          'aws_secretsmanager_secret_policy.key_policy',
          'changed',
          'policy',
          desired.get('acme-corp')!.secret!.policy,
        ],
      );
      assert.deepEqual(f!.actual, policy);
    });
  }

  test('policy removed', async () => {
    await sm().send(new DeleteResourcePolicyCommand({ SecretId: ACME }));
    const [f, ...rest] = await drift();
    assert.deepEqual(rest, []);
    assert.deepEqual(
      [f!.resource, f!.kind, f!.field, f!.actual],
      ['aws_secretsmanager_secret_policy.key_policy', 'changed', 'policy', null],
    );
  });

  test('value with another key: the thumbprints, never the key', async () => {
    const other = await generateTestKey();
    await sm().send(
      new PutSecretValueCommand({
        SecretId: ACME,
        SecretString: fastlaneValue(other, {
          keyId: '2X9R4HXF34',
          issuerId: '57246542-96fe-1a63-e053-0824d011072a',
        }),
      }),
    );
    const findings = await drift();
    assert.deepEqual(brief(findings), [
      {
        customer: 'acme-corp',
        resource: 'aws_secretsmanager_secret.key',
        kind: 'value',
        field: 'fingerprint',
        expected: keys.get('acme-corp')!.fingerprint,
        actual: other.fingerprint,
      },
    ]);
    assert.ok(!JSON.stringify(findings).includes(other.body.slice(20, 60)));
  });

  test('value with another key_id', async () => {
    await sm().send(
      new PutSecretValueCommand({
        SecretId: ACME,
        SecretString: fastlaneValue(keys.get('acme-corp')!, {
          keyId: 'ZZZZZZZZZZ',
          issuerId: '57246542-96fe-1a63-e053-0824d011072a',
        }),
      }),
    );
    assert.deepEqual(brief(await drift()), [
      {
        customer: 'acme-corp',
        resource: 'aws_secretsmanager_secret.key',
        kind: 'value',
        field: 'key_id',
        expected: '2X9R4HXF34',
        actual: 'ZZZZZZZZZZ',
      },
    ]);
  });

  test('no current value', async () => {
    await sm().send(new DeleteSecretCommand({ SecretId: ACME, ForceDeleteWithoutRecovery: true }));
    const d = desired.get('acme-corp')!;
    await sm().send(
      new CreateSecretCommand({
        Name: ACME,
        Description: d.secret!.description,
        KmsKeyId: d.secret!.kmsKeyId,
        Tags: Object.entries(d.secret!.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    await sm().send(
      new PutResourcePolicyCommand({ SecretId: ACME, ResourcePolicy: JSON.stringify(d.secret!.policy) }),
    );
    assert.deepEqual(brief(await drift()), [
      {
        customer: 'acme-corp',
        resource: 'aws_secretsmanager_secret.key',
        kind: 'value',
        field: 'value',
        expected: '2X9R4HXF34',
        actual: null,
      },
    ]);
  });

  test('reminder deleted: missing', async () => {
    await clients.scheduler.send(
      new DeleteScheduleCommand({ Name: 'globex-remind-30d', GroupName: 'asc-keys' }),
    );
    assert.deepEqual(brief(await drift()), [
      {
        customer: 'globex',
        resource: 'aws_scheduler_schedule.reminder_30d',
        kind: 'missing',
        field: null,
        expected: 'at(2027-05-02T09:00:00)',
        actual: null,
      },
    ]);
  });

  test('reminder at another time: changed', async () => {
    const r = desired.get('globex')!.reminders.find((x) => x.daysBefore === 7)!;
    await clients.scheduler.send(
      new UpdateScheduleCommand({
        Name: r.name,
        GroupName: r.groupName,
        ScheduleExpression: 'at(2027-05-26T09:00:00)',
        ScheduleExpressionTimezone: r.scheduleExpressionTimezone,
        State: r.state,
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: r.target.arn, RoleArn: r.target.roleArn, Input: r.target.input },
      }),
    );
    assert.deepEqual(brief(await drift()), [
      {
        customer: 'globex',
        resource: 'aws_scheduler_schedule.reminder_7d',
        kind: 'changed',
        field: 'schedule_expression',
        expected: 'at(2027-05-25T09:00:00)',
        actual: 'at(2027-05-26T09:00:00)',
      },
    ]);
  });

  test('an unmanaged secret with our tag: unmanaged, customer from its tag', async () => {
    const created = await sm().send(
      new CreateSecretCommand({
        Name: 'asc-keys/initech',
        SecretString: 'x',
        Tags: [
          { Key: 'managed-by', Value: 'asc-keys' },
          { Key: 'customer', Value: 'initech' },
        ],
      }),
    );
    assert.deepEqual(brief(await drift()), [
      {
        customer: 'initech',
        resource: 'aws_secretsmanager_secret.asc-keys/initech',
        kind: 'unmanaged',
        field: null,
        expected: null,
        actual: created.ARN,
      },
    ]);
  });

  test('an unrelated secret without our tag is ignored', async () => {
    await sm().send(
      new CreateSecretCommand({
        Name: 'database/password',
        SecretString: 'x',
        Tags: [{ Key: 'managed-by', Value: 'terraform' }],
      }),
    );
    await sm().send(new CreateSecretCommand({ Name: 'asc-keys/not-tagged', SecretString: 'x' }));
    assert.deepEqual(await drift(), []);
  });
});
