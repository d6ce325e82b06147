import assert from 'node:assert/strict';
import { afterAll, beforeAll, beforeEach, describe, test } from 'vitest';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
} from '@aws-sdk/client-iam';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyRotationCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import {
  DeleteRuleCommand,
  DisableRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import {
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  ReplicateSecretToRegionsCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  checkDrift,
  type DriftFinding,
  type DriftOptions,
  type DriftResult,
} from '../../lib/checks/check-drift.js';
import { eventsClientIn } from '../../lib/checks/live-aws-state.js';
import { customerDesiredState, type CustomerDesiredState } from '../../lib/model/customer-desired.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { reminderName } from '../../lib/model/reminders.js';
import type { CustomerRecord } from '../../lib/records/customer-record.js';
import type { PlatformConfig } from '../../lib/records/platform-schema.js';
import { AwsSecretsManagerStore } from '../../lib/secrets/aws-secrets-manager-store.js';
import {
  applyCustomer,
  applyPlatform,
  applySchedule,
  heldResources,
  motoClients,
  sweep,
  type HeldResources,
  type MotoClients,
} from '../support/apply-desired-state.js';
import { fastlaneValue } from '../support/key-fixtures.js';
import { generateTestKey, type TestKey } from '../support/keys.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { PLATFORM, record } from '../support/records.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let moto: MotoServer;
let clients: MotoClients;
const keys = new Map<string, TestKey>();
let records: CustomerRecord[];
let desired: Map<string, CustomerDesiredState>;
const arns = new Map<string, string>();
/** Whether the last test may have changed the platform (the platform's own tests do). */
let platformChanged = true;
/** The secrets and schedules of the platform alone, right after its apply. */
let platformHeld: HeldResources;

async function driftResult(
  over: Partial<
    Pick<DriftOptions, 'platform' | 'allRecords' | 'selected' | 'now' | 'clients' | 'store' | 'inScope'>
  > = {},
): Promise<DriftResult> {
  return checkDrift({
    platform: PLATFORM,
    allRecords: records,
    selected: records,
    invalidSlugs: new Set(),
    inScope: () => true,
    clients,
    store: new AwsSecretsManagerStore({ client: clients.secretsManager }),
    now: NOW,
    ...over,
  });
}

async function drift(): Promise<DriftFinding[]> {
  return (await driftResult()).findings;
}

/** Drift of another platform configuration, without customers. */
async function platformOnlyDrift(platform: PlatformConfig): Promise<DriftFinding[]> {
  return (await driftResult({ platform, allRecords: [], selected: [] })).findings;
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
    // Every test starts from the platform and both customers as the model has them. The
    // platform's tests change the platform, so the test after one starts from a reset and a
    // new apply; after a customer's test, deleting the secrets and schedules the platform did
    // not hold and applying the customers again is enough. A platform change left by a
    // customer's test could not hide: drift() compares the platform as well, and every test
    // asserts all of its findings.
    if (platformChanged) {
      await moto.reset();
      await applyPlatform(clients, platformDesiredState(PLATFORM));
      platformHeld = await heldResources(clients);
      platformChanged = false;
    } else await sweep(clients, platformHeld);
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
      /is scheduled for deletion; restore it with "aws secretsmanager restore-secret --secret-id asc-keys\/acme-corp" by \d{4}-\d\d-\d\d, when its recovery window ends; once it has ended, import a new key \(import, then merge, then deploy\)$/,
    );
  });

  test('secret and reminders gone: no finding says to apply the stack, whose plan fails without its secret', async () => {
    await sm().send(new DeleteSecretCommand({ SecretId: ACME, RecoveryWindowInDays: 7 }));
    for (const r of desired.get('acme-corp')!.reminders)
      await clients.scheduler.send(new DeleteScheduleCommand({ Name: r.name, GroupName: r.groupName }));
    const found = await drift();
    assert.ok(found.some((f) => f.kind === 'missing' && f.resource.startsWith('aws_scheduler_schedule.')));
    for (const f of found) {
      assert.doesNotMatch(f.message, /apply the stack customer-acme-corp/);
      assert.match(f.message, /restore/);
    }
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

  test('a value that is no key: a value finding that says what is wrong, never the value', async () => {
    await sm().send(new PutSecretValueCommand({ SecretId: ACME, SecretString: 'not-a-key-but-a-password' }));
    const findings = await drift();
    assert.deepEqual(brief(findings), [
      {
        customer: 'acme-corp',
        resource: 'aws_secretsmanager_secret.key',
        kind: 'value',
        field: 'value',
        expected: '2X9R4HXF34',
        actual: null,
      },
    ]);
    assert.equal(
      findings[0]!.message,
      'aws-sm:asc-keys/acme-corp holds a value that is neither a PEM private key nor base64 of one',
    );
    assert.ok(!JSON.stringify(findings).includes('not-a-key-but-a-password'));
  });

  test('the value cannot be read (access denied): the run fails (exit 2), never a value finding', async () => {
    // moto cannot deny one read while it allows the rest: Secrets Manager's answer is injected.
    const client = new SecretsManagerClient({ endpoint: moto.url, region: 'eu-central-1', credentials });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (/^(Batch)?GetSecretValueCommand$/.test(context.commandName ?? ''))
          throw Object.assign(new Error('denied'), {
            name: 'AccessDeniedException',
            $fault: 'client',
            $metadata: { httpStatusCode: 400 },
          });
        return next(args);
      },
      { step: 'initialize', name: 'denyValues' },
    );
    await assert.rejects(driftResult({ store: new AwsSecretsManagerStore({ client }) }), (err: Error) => {
      assert.equal(err.name, 'AwsReadError');
      // The store's own explanation and fix, not "run again later": waiting does not fix a policy.
      assert.match(
        err.message,
        /^reading the value of aws-sm:asc-keys\/acme-corp failed: SECRET_ACCESS_DENIED: Secrets Manager refused to hand out arn:aws:secretsmanager:eu-central-1:111122223333:secret:asc-keys\/acme-corp-\w{6}; check the secret's resource policy and that this run uses the validator role$/,
      );
      return true;
    });
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
  test('the managed-by tag removed: changed tags.managed-by, not missing (found by its name)', async () => {
    await sm().send(new UntagResourceCommand({ SecretId: ACME, TagKeys: ['managed-by'] }));
    assert.deepEqual(brief(await drift()), [
      {
        customer: 'acme-corp',
        resource: 'aws_secretsmanager_secret.key',
        kind: 'changed',
        field: 'tags.managed-by',
        expected: 'asc-keys',
        actual: null,
      },
    ]);
  });

  test('a customer offboarded (record removed, secret in its recovery window): no finding, a note', async () => {
    // terraform destroy of customer-acme-corp: the secret enters its recovery window, the reminders go.
    await sm().send(new DeleteSecretCommand({ SecretId: ACME, RecoveryWindowInDays: 30 }));
    for (const r of desired.get('acme-corp')!.reminders)
      await clients.scheduler.send(new DeleteScheduleCommand({ Name: r.name, GroupName: r.groupName }));
    const globexOnly = records.filter((r) => r.customer === 'globex');
    const result = await driftResult({ allRecords: globexOnly, selected: globexOnly });
    assert.deepEqual(result.findings, []);
    assert.equal(result.notes.length, 1);
    // The end of the window, whether DeletedDate is the day the deletion was asked for (AWS) or the day it happens (moto).
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    assert.equal(
      result.notes[0],
      `the secret asc-keys/acme-corp of a removed record is scheduled for deletion; it can be restored until ${until}, when its recovery window ends: aws secretsmanager restore-secret --secret-id asc-keys/acme-corp`,
    );
  });

  test('DescribeKey fails after the retries: the run fails (exit 2), never a kms_key_id finding', async () => {
    const { KeyMetadata } = await clients.kms.send(new DescribeKeyCommand({ KeyId: 'alias/asc-keys' }));
    await sm().send(new UpdateSecretCommand({ SecretId: ACME, KmsKeyId: KeyMetadata!.Arn }));
    const kms = new KMSClient({ endpoint: moto.url, region: 'eu-central-1', credentials, maxAttempts: 2 });
    kms.middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error('internal'), {
          name: 'KMSInternalException',
          $fault: 'server',
          $metadata: { httpStatusCode: 500 },
        });
      },
      { step: 'deserialize', name: 'kmsDown' },
    );
    await assert.rejects(driftResult({ clients: { ...clients, kms } }), (err: Error) => {
      assert.equal(err.name, 'AwsReadError');
      assert.match(
        err.message,
        /^DescribeKey failed: KMSInternalException \(HTTP 500\); AWS did not answer; run again later$/,
      );
      return true;
    });
  });

  test('a schedule in the group that no record wants: unmanaged, customer from its name', async () => {
    const r = desired.get('acme-corp')!.reminders[0]!;
    await applySchedule(clients, { ...r, name: 'initech-remind-7d' });
    assert.deepEqual(brief(await drift()), [
      {
        customer: 'initech',
        resource: 'aws_scheduler_schedule.initech-remind-7d',
        kind: 'unmanaged',
        field: null,
        expected: null,
        actual: 'initech-remind-7d',
      },
    ]);
  });

  test('an unmanaged schedule of a long slug (its name shortened): no customer, so the platform shard reports it once', async () => {
    const r = desired.get('acme-corp')!.reminders[0]!;
    const name = reminderName(`${'long-customer-name-'.repeat(3)}abcd`, 30);
    await applySchedule(clients, { ...r, name });
    const finding = {
      customer: null,
      resource: `aws_scheduler_schedule.${name}`,
      kind: 'unmanaged',
      field: null,
      expected: null,
      actual: name,
    };
    assert.deepEqual(brief(await drift()), [finding]);
    // Outside the first shard (customer scopes only), nobody reports it.
    assert.deepEqual(brief((await driftResult({ inScope: (c) => c !== null })).findings), []);
  });

  test('a one-time reminder that has fired is no drift; the next ones are still compared', async () => {
    // 2027-05-10: acme's 30-day reminder (2027-05-02) has fired and is still in the group.
    assert.deepEqual(await drift(), []);
    const later = await driftResult({ now: new Date('2027-05-10T00:00:00Z') });
    assert.deepEqual(later.findings, []);
  });

  test('flexible_time_window and action_after_completion are compared', async () => {
    const r = desired.get('globex')!.reminders.find((x) => x.daysBefore === 7)!;
    // Recreated by hand with other settings (moto's UpdateSchedule keeps the action after completion).
    await clients.scheduler.send(new DeleteScheduleCommand({ Name: r.name, GroupName: r.groupName }));
    await clients.scheduler.send(
      new CreateScheduleCommand({
        Name: r.name,
        GroupName: r.groupName,
        ScheduleExpression: r.scheduleExpression,
        ScheduleExpressionTimezone: r.scheduleExpressionTimezone,
        State: r.state,
        FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 60 },
        ActionAfterCompletion: 'DELETE',
        Target: { Arn: r.target.arn, RoleArn: r.target.roleArn, Input: r.target.input },
      }),
    );
    assert.deepEqual(
      (await drift()).map((f) => [f.resource, f.field, f.expected, f.actual]),
      [
        ['aws_scheduler_schedule.reminder_7d', 'flexible_time_window.mode', 'OFF', 'FLEXIBLE'],
        ['aws_scheduler_schedule.reminder_7d', 'action_after_completion', 'NONE', 'DELETE'],
      ],
    );
  });

  describe('the platform stack', () => {
    beforeEach(() => void (platformChanged = true));
    const platform = platformDesiredState(PLATFORM);
    const platformKeyId = async (): Promise<string> =>
      (await clients.kms.send(new DescribeKeyCommand({ KeyId: 'alias/asc-keys' }))).KeyMetadata!.KeyId!;

    test("the sealing key's policy widened (its reader Deny removed): changed policy, compared as documents", async () => {
      const s = platform.sealingKey;
      const widened = { ...s.policy, Statement: s.policy.Statement.filter((st) => st.Effect !== 'Deny') };
      await sm().send(
        new PutResourcePolicyCommand({ SecretId: s.name, ResourcePolicy: JSON.stringify(widened) }),
      );
      const found = await drift();
      assert.deepEqual(
        found.map((f) => [f.customer, f.resource, f.kind, f.field]),
        [[null, 'aws_secretsmanager_secret_policy.sealing_key_policy', 'changed', 'policy']],
      );
      assert.deepEqual(found[0]!.actual, widened);
    });

    test("the sealing key's secret deleted: missing", async () => {
      await sm().send(
        new DeleteSecretCommand({ SecretId: platform.sealingKey.name, ForceDeleteWithoutRecovery: true }),
      );
      assert.deepEqual(
        brief(await drift()).map((f) => Object.values(f as object)),
        [[null, 'aws_secretsmanager_secret.sealing_key', 'missing', null, 'asc-keys/_sealing-key', null]],
      );
    });

    test('the GitHub OIDC provider the platform creates: in sync, then another thumbprint is changed thumbprint_list', async () => {
      const github = {
        ...PLATFORM,
        github: {
          repository: 'acme/asc-keys',
          oidcProvider: 'create' as const,
          defaultBranch: 'main',
          deployEnvironment: 'production',
          requestsEnvironment: 'asc-keys-requests',
        },
      };
      const desired = platformDesiredState(github);
      const oidc = desired.githubOidcProvider!;
      await moto.reset();
      await applyPlatform(clients, desired);
      const withGithub = (): Promise<DriftFinding[]> => platformOnlyDrift(github);
      assert.deepEqual(await withGithub(), []);
      await clients.iam.send(
        new UpdateOpenIDConnectProviderThumbprintCommand({
          OpenIDConnectProviderArn: oidc.arn,
          ThumbprintList: ['0000000000000000000000000000000000000000'],
        }),
      );
      assert.deepEqual(
        (await withGithub()).map((f) => [f.customer, f.resource, f.field, f.actual]),
        [
          [
            null,
            'aws_iam_openid_connect_provider.github_oidc_provider',
            'thumbprint_list',
            '0000000000000000000000000000000000000000',
          ],
        ],
      );
    });

    test("a role's policy widened: changed policy of its inline policy, compared as documents", async () => {
      const role = platform.roles.find((r) => r.id === 'publisher_role')!;
      const p = role.inlinePolicies[0]!;
      const widened = {
        ...p.document,
        Statement: [...p.document.Statement, { Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' }],
      };
      await clients.iam.send(
        new PutRolePolicyCommand({
          RoleName: role.name,
          PolicyName: p.name,
          PolicyDocument: JSON.stringify(widened),
        }),
      );
      assert.deepEqual(brief(await drift()), [
        {
          customer: null,
          resource: 'aws_iam_role_policy.publisher_policy',
          kind: 'changed',
          field: 'policy',
          expected: p.document,
          actual: widened,
        },
      ]);
    });

    test('a managed policy attached to a role: changed managed_policy_arns', async () => {
      const { Policy } = await clients.iam.send(
        new CreatePolicyCommand({
          PolicyName: 'read-write-everything',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' }],
          }),
        }),
      );
      await clients.iam.send(
        new AttachRolePolicyCommand({ RoleName: 'asc-keys-validator', PolicyArn: Policy!.Arn }),
      );
      assert.deepEqual(brief(await drift()), [
        {
          customer: null,
          resource: 'aws_iam_role.validator_role',
          kind: 'changed',
          field: 'managed_policy_arns',
          expected: null,
          actual: 'arn:aws:iam::111122223333:policy/read-write-everything',
        },
      ]);
    });

    test('KMS key rotation switched off: changed enable_key_rotation', async () => {
      await clients.kms.send(new DisableKeyRotationCommand({ KeyId: await platformKeyId() }));
      assert.deepEqual(brief(await drift()), [
        {
          customer: null,
          resource: 'aws_kms_key.secrets_key',
          kind: 'changed',
          field: 'enable_key_rotation',
          expected: true,
          actual: false,
        },
      ]);
    });

    test("the SNS key's rotation switched off: changed enable_key_rotation of the SNS key", async () => {
      const { KeyMetadata } = await clients.kms.send(
        new DescribeKeyCommand({ KeyId: platform.snsKey.alias.name }),
      );
      await clients.kms.send(new DisableKeyRotationCommand({ KeyId: KeyMetadata!.KeyId }));
      assert.deepEqual(brief(await drift()), [
        {
          customer: null,
          resource: 'aws_kms_key.sns_key',
          kind: 'changed',
          field: 'enable_key_rotation',
          expected: true,
          actual: false,
        },
      ]);
    });

    test("the alerts topic's policy widened (anyone may subscribe): changed policy, compared as documents", async () => {
      const alerts = platform.topics.find((t) => t.id === 'alerts')!;
      const widened = {
        ...alerts.policy!.document,
        Statement: [
          ...alerts.policy!.document.Statement,
          { Effect: 'Allow', Principal: '*', Action: 'sns:Subscribe', Resource: alerts.arn },
        ],
      };
      await clients.sns.send(
        new SetTopicAttributesCommand({
          TopicArn: alerts.arn,
          AttributeName: 'Policy',
          AttributeValue: JSON.stringify(widened),
        }),
      );
      assert.deepEqual(brief(await drift()), [
        {
          customer: null,
          resource: 'aws_sns_topic.alerts',
          kind: 'changed',
          field: 'policy',
          expected: alerts.policy!.document,
          actual: widened,
        },
      ]);
    });

    test('an alert rule disabled: changed state', async () => {
      const rule = platform.alertRules.find((r) => r.id === 'alert_key_reads')!;
      await clients.events.send(new DisableRuleCommand({ Name: rule.name }));
      assert.deepEqual(brief(await drift()), [
        {
          customer: null,
          resource: 'aws_cloudwatch_event_rule.alert_key_reads',
          kind: 'changed',
          field: 'state',
          expected: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
          actual: 'DISABLED',
        },
      ]);
    });

    test('an alert rule narrowed (the publisher filter removed, reads no longer alert) and set to ENABLED: changed event_pattern and state', async () => {
      const rule = platform.alertRules.find((r) => r.id === 'alert_key_reads')!;
      const narrowed = { ...rule.eventPattern, detail: { eventSource: ['nothing.amazonaws.com'] } };
      await clients.events.send(
        new PutRuleCommand({
          Name: rule.name,
          Description: rule.description,
          State: 'ENABLED',
          EventPattern: JSON.stringify(narrowed),
        }),
      );
      assert.deepEqual(
        (await drift()).map((f) => [f.resource, f.field, f.expected, f.actual]),
        [
          ['aws_cloudwatch_event_rule.alert_key_reads', 'state', rule.state, 'ENABLED'],
          ['aws_cloudwatch_event_rule.alert_key_reads', 'event_pattern', rule.eventPattern, narrowed],
        ],
      );
    });

    test('a second target on an alert rule: changed target.<id>, the rule itself untouched', async () => {
      const rule = platform.alertRules.find((r) => r.id === 'alert_value_writes')!;
      const elsewhere = 'arn:aws:sns:eu-central-1:444455556666:collector';
      await clients.events.send(
        new PutTargetsCommand({ Rule: rule.name, Targets: [{ Id: 'exfiltrate', Arn: elsewhere }] }),
      );
      assert.deepEqual(brief(await drift()), [
        {
          customer: null,
          resource: 'aws_cloudwatch_event_rule.alert_value_writes',
          kind: 'changed',
          field: 'target.exfiltrate',
          expected: null,
          actual: elsewhere,
        },
      ]);
    });

    test('a subscription added to the reminder topic: changed subscription', async () => {
      await clients.sns.send(
        new SubscribeCommand({
          TopicArn: platform.topics[0]!.arn,
          Protocol: 'https',
          Endpoint: 'https://collector.example.net/hook',
        }),
      );
      assert.deepEqual(brief(await drift()), [
        {
          customer: null,
          resource: 'aws_sns_topic.reminders',
          kind: 'changed',
          field: 'subscription',
          expected: null,
          actual: 'https:https://collector.example.net/hook',
        },
      ]);
    });

    test('the trust of a role widened: changed assume_role_policy', async () => {
      const role = platform.roles.find((r) => r.id === 'validator_role')!;
      const trust = {
        ...role.trust,
        Statement: [{ ...role.trust.Statement[0]!, Principal: { AWS: 'arn:aws:iam::444455556666:root' } }],
      };
      await clients.iam.send(
        new UpdateAssumeRolePolicyCommand({ RoleName: role.name, PolicyDocument: JSON.stringify(trust) }),
      );
      const [f, ...rest] = await drift();
      assert.deepEqual(rest, []);
      assert.deepEqual(
        [f!.resource, f!.field, f!.actual],
        ['aws_iam_role.validator_role', 'assume_role_policy', trust],
      );
    });

    test('outside the first shard (or with --customer), the platform is not compared', async () => {
      await clients.kms.send(new DisableKeyRotationCommand({ KeyId: await platformKeyId() }));
      const result = await checkDrift({
        platform: PLATFORM,
        allRecords: records,
        selected: records,
        invalidSlugs: new Set(),
        inScope: (c) => c !== null,
        clients,
        store: new AwsSecretsManagerStore({ client: clients.secretsManager }),
        now: NOW,
      });
      assert.deepEqual(result.findings, []);
    });
  });

  describe('replication, subscription attributes and the us-east-1 IAM rule', () => {
    beforeEach(() => void (platformChanged = true));
    const platform = platformDesiredState(PLATFORM);
    const east = (): EventBridgeClient => eventsClientIn(clients.events, 'us-east-1');
    const forward = platform.alertRules.find((r) => r.region === 'us-east-1')!;

    test('in sync: the us-east-1 rule and the subscriptions are read, and none is drift', async () => {
      assert.equal(forward.name, 'asc-keys-alert-iam-forward');
      assert.deepEqual(await drift(), []);
    });

    test("a replica region added to a customer's key secret: changed replica, an administrator's fix", async () => {
      await sm().send(
        new ReplicateSecretToRegionsCommand({ SecretId: ACME, AddReplicaRegions: [{ Region: 'eu-west-1' }] }),
      );
      const found = await drift();
      assert.deepEqual(brief(found), [
        {
          customer: 'acme-corp',
          resource: 'aws_secretsmanager_secret.key',
          kind: 'changed',
          field: 'replica',
          expected: [],
          actual: ['eu-west-1'],
        },
      ]);
      assert.match(
        found[0]!.message,
        /remove-regions-from-replication --secret-id asc-keys\/acme-corp --remove-replica-regions eu-west-1/,
      );
    });

    test("a replica of the sealing key's secret: changed replica", async () => {
      await sm().send(
        new ReplicateSecretToRegionsCommand({
          SecretId: platform.sealingKey.name,
          AddReplicaRegions: [{ Region: 'us-west-2' }],
        }),
      );
      assert.deepEqual(
        (await drift()).map((f) => [f.customer, f.resource, f.field, f.actual]),
        [[null, 'aws_secretsmanager_secret.sealing_key', 'replica', ['us-west-2']]],
      );
    });

    test("the reminder subscription's filter policy, redrive policy and raw delivery changed: one finding each", async () => {
      const topic = platform.topics.find((t) => t.id === 'reminders')!;
      const [sub] = (await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic.arn })))
        .Subscriptions!;
      const set = (AttributeName: string, AttributeValue: string) =>
        clients.sns.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn: sub!.SubscriptionArn,
            AttributeName,
            AttributeValue,
          }),
        );
      await set('FilterPolicy', '{"customer":["nobody"]}');
      await set('RedrivePolicy', '{"deadLetterTargetArn":"arn:aws:sqs:eu-central-1:444455556666:elsewhere"}');
      await set('RawMessageDelivery', 'true');
      const found = await drift();
      assert.deepEqual(
        found.map((f) => [f.customer, f.resource, f.field, f.expected, f.actual]),
        [
          [
            null,
            'aws_sns_topic_subscription.reminders_subscription_0',
            'filter_policy',
            null,
            '{"customer":["nobody"]}',
          ],
          [
            null,
            'aws_sns_topic_subscription.reminders_subscription_0',
            'redrive_policy',
            null,
            '{"deadLetterTargetArn":"arn:aws:sqs:eu-central-1:444455556666:elsewhere"}',
          ],
          [null, 'aws_sns_topic_subscription.reminders_subscription_0', 'raw_message_delivery', false, true],
        ],
      );
      // The reminders topic is the deploy's; its fix is the platform stack.
      assert.match(found[0]!.message, /apply the stack platform$/);
    });

    test("a filter policy on the alerts topic's subscription (alerts silently dropped): the administrators' fix", async () => {
      const withAlerts = {
        ...PLATFORM,
        alerts: { subscriptions: [{ protocol: 'email' as const, endpoint: 'security@example.com' }] },
      };
      const desired = platformDesiredState(withAlerts);
      await moto.reset();
      await applyPlatform(clients, desired);
      const run = (): Promise<DriftFinding[]> => platformOnlyDrift(withAlerts);
      assert.deepEqual(await run(), []);
      const alerts = desired.topics.find((t) => t.id !== 'reminders')!;
      const [sub] = (await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: alerts.arn })))
        .Subscriptions!;
      await clients.sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: sub!.SubscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: '{"detail-type":["nothing"]}',
        }),
      );
      const found = await run();
      assert.deepEqual(
        found.map((f) => [f.resource, f.field, f.actual]),
        [
          [
            `aws_sns_topic_subscription.${alerts.id}_subscription_0`,
            'filter_policy',
            '{"detail-type":["nothing"]}',
          ],
        ],
      );
      assert.match(found[0]!.message, /ask an administrator to apply the stack custody/);
    });

    test('the us-east-1 IAM rule disabled, or its target given another role: changed, read in us-east-1', async () => {
      const client = east();
      try {
        await client.send(new DisableRuleCommand({ Name: forward.name }));
        await client.send(
          new PutTargetsCommand({
            Rule: forward.name,
            Targets: [
              {
                Id: forward.target.targetId,
                Arn: forward.target.arn,
                RoleArn: 'arn:aws:iam::111122223333:role/someone-else',
              },
            ],
          }),
        );
      } finally {
        client.destroy();
      }
      const found = await drift();
      assert.deepEqual(
        found.map((f) => [f.resource, f.field, f.expected, f.actual]),
        [
          [`aws_cloudwatch_event_rule.${forward.id}`, 'state', 'ENABLED', 'DISABLED'],
          [
            `aws_cloudwatch_event_target.${forward.target.id}`,
            'role_arn',
            forward.target.roleArn,
            'arn:aws:iam::111122223333:role/someone-else',
          ],
        ],
      );
      assert.match(found[0]!.message, /in us-east-1.*ask an administrator to apply the stack custody/);
    });

    test('the us-east-1 IAM rule deleted: missing (the same rule in the home region does not hide it)', async () => {
      const client = east();
      try {
        await client.send(new RemoveTargetsCommand({ Rule: forward.name, Ids: [forward.target.targetId] }));
        await client.send(new DeleteRuleCommand({ Name: forward.name }));
      } finally {
        client.destroy();
      }
      // A rule of that name in the home region is not the one IAM's events reach.
      await clients.events.send(
        new PutRuleCommand({ Name: forward.name, EventPattern: JSON.stringify(forward.eventPattern) }),
      );
      assert.deepEqual(
        brief(await drift()).map((f) => Object.values(f as object)),
        [[null, `aws_cloudwatch_event_rule.${forward.id}`, 'missing', null, forward.name, null]],
      );
    });
  });
});
