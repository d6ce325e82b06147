import assert from 'node:assert/strict';
import { describe, expect, test } from 'vitest';
import { Testing } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias/index.js';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key/index.js';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { address, TF } from '../../lib/model/desired-resources.js';
import { CustodyStack } from '../../lib/stacks/custody-stack.js';
import { PlatformStack } from '../../lib/stacks/platform-stack.js';
import { PLATFORM } from '../support/records.js';
import '../support/cdktf-matchers.js';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function synthOne(
  Stack: typeof PlatformStack | typeof CustodyStack,
  platform = PLATFORM,
): { json: string; resource: Resources } {
  const stack = new Stack(Testing.app(), { platform, desired: platformDesiredState(platform) });
  const json = Testing.synth(stack);
  return { json, resource: (JSON.parse(json) as { resource: Resources }).resource };
}

/** Both stacks of the platform model together: the custody stack and the platform stack. */
function synth(platform = PLATFORM): { json: string; resource: Resources } {
  const resource: Resources = {};
  for (const Stack of [CustodyStack, PlatformStack])
    for (const [type, byId] of Object.entries(synthOne(Stack, platform).resource))
      resource[type] = { ...resource[type], ...byId };
  return { json: JSON.stringify({ resource }), resource };
}

const policyOf = (
  resource: Resources,
  type: string,
  id: string,
  field = 'policy',
): { Statement: Record<string, unknown>[] } => JSON.parse(resource[type]![id]![field] as string);

describe('the two zones', () => {
  test('the platform stack holds only the reminders topic, its policy and subscriptions, and the schedule group', () => {
    const { resource } = synthOne(PlatformStack);
    expect(Object.keys(resource).sort()).toEqual([
      'aws_scheduler_schedule_group',
      'aws_sns_topic',
      'aws_sns_topic_policy',
      'aws_sns_topic_subscription',
    ]);
    expect(Object.keys(resource.aws_sns_topic!)).toEqual(['reminders']);
  });
  test('the custody stack holds every key, role, alert rule, the alerts topic and the sealing key', () => {
    const { resource } = synthOne(CustodyStack);
    expect(Object.keys(resource.aws_kms_key!).sort()).toEqual(['secrets_key', 'sns_key']);
    expect(Object.keys(resource.aws_sns_topic!)).toEqual(['alerts']);
    expect(resource.aws_iam_role).toBeDefined();
    expect(resource.aws_cloudwatch_event_rule).toBeDefined();
    expect(Object.keys(resource.aws_secretsmanager_secret!)).toEqual(['sealing_key']);
    expect(resource.aws_scheduler_schedule_group).toBeUndefined();
  });
  test("the IAM rule's forwarder lives in us-east-1 through a provider alias; every other rule in the home region", () => {
    const { json, resource } = synthOne(CustodyStack);
    const providers = (JSON.parse(json) as { provider: { aws: { alias?: string; region: string }[] } })
      .provider.aws;
    expect(providers).toContainEqual(expect.objectContaining({ alias: 'us_east_1', region: 'us-east-1' }));
    const rules = resource.aws_cloudwatch_event_rule!;
    expect(rules.alert_iam_forward!.provider).toBe('aws.us_east_1');
    expect(resource.aws_cloudwatch_event_target!.alert_iam_forward_target).toMatchObject({
      provider: 'aws.us_east_1',
      arn: 'arn:aws:events:eu-central-1:111122223333:event-bus/default',
      role_arn: 'arn:aws:iam::111122223333:role/asc-keys-alert-forwarder',
    });
    for (const [id, r] of Object.entries(rules))
      if (id !== 'alert_iam_forward') expect(r.provider).toBeUndefined();
  });
});

describe('PlatformStack', () => {
  test('the KMS key rotates and is reachable through its deterministic alias', () => {
    const { json } = synth();
    assert.ok(
      Testing.toHaveResourceWithProperties(json, KmsKey.tfResourceType, {
        enable_key_rotation: true,
        deletion_window_in_days: 30,
      }),
    );
    assert.ok(
      Testing.toHaveResourceWithProperties(json, KmsAlias.tfResourceType, {
        name: 'alias/asc-keys',
        target_key_id: '${aws_kms_key.secrets_key.key_id}',
      }),
    );
  });

  test('the KMS key policy is the model policy, and the key cannot be destroyed by terraform destroy', () => {
    const { resource } = synth();
    expect(policyOf(resource, 'aws_kms_key', 'secrets_key')).toEqual(
      platformDesiredState(PLATFORM).kmsKey.policy,
    );
    expect(resource.aws_kms_key!.secrets_key!.lifecycle).toEqual({ prevent_destroy: true });
  });

  test('the reminder topic, its subscriptions and the schedule group', () => {
    const { json } = synth();
    assert.ok(
      Testing.toHaveResourceWithProperties(json, SnsTopic.tfResourceType, {
        name: 'asc-keys-rotation-reminders',
      }),
    );
    assert.ok(
      Testing.toHaveResourceWithProperties(json, SnsTopicSubscription.tfResourceType, {
        topic_arn: '${aws_sns_topic.reminders.arn}',
        protocol: 'email',
        endpoint: 'mobile-platform@example.com',
      }),
    );
    assert.ok(
      Testing.toHaveResourceWithProperties(json, SchedulerScheduleGroup.tfResourceType, { name: 'asc-keys' }),
    );
  });

  test('the scheduler role can only publish to the reminder topic, and encrypt for it with the SNS key', () => {
    const { json, resource } = synth();
    assert.ok(
      Testing.toHaveResourceWithProperties(json, IamRole.tfResourceType, { name: 'asc-keys-scheduler' }),
    );
    const trust = policyOf(resource, 'aws_iam_role', 'scheduler_role', 'assume_role_policy');
    assert.deepEqual(trust.Statement, [
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111122223333' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:scheduler:eu-central-1:111122223333:schedule/asc-keys/*' },
        },
      },
    ]);
    assert.deepEqual(policyOf(resource, 'aws_iam_role_policy', 'scheduler_policy').Statement, [
      {
        Sid: 'PublishReminders',
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: 'arn:aws:sns:eu-central-1:111122223333:asc-keys-rotation-reminders',
      },
      {
        Sid: 'EncryptReminders',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: 'arn:aws:kms:eu-central-1:111122223333:key/*',
        Condition: {
          StringEquals: {
            'kms:ViaService': 'sns.eu-central-1.amazonaws.com',
            'kms:EncryptionContext:aws:sns:topicArn':
              'arn:aws:sns:eu-central-1:111122223333:asc-keys-rotation-reminders',
          },
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/asc-keys-sns' },
        },
      },
    ]);
  });

  test('the publisher role reads a key only when its session tag customer equals the secret tag customer', () => {
    const { resource, json } = synth();
    const trust = policyOf(resource, 'aws_iam_role', 'publisher_role', 'assume_role_policy').Statement[0]!;
    assert.deepEqual(trust.Principal, { AWS: ['arn:aws:iam::111122223333:role/publishing-pipeline'] });
    assert.deepEqual(trust.Action, ['sts:AssumeRole', 'sts:TagSession']);
    assert.deepEqual(trust.Condition, {
      StringEquals: { 'aws:RequestTag/customer': '$${aws:PrincipalTag/customer}' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['customer'] },
      Null: { 'aws:PrincipalTag/customer': 'false' },
    });
    const [read, decrypt] = policyOf(resource, 'aws_iam_role_policy', 'publisher_policy').Statement;
    assert.equal(read!.Action, 'secretsmanager:GetSecretValue');
    assert.equal(
      read!.Resource,
      'arn:aws:secretsmanager:eu-central-1:111122223333:secret:asc-keys/$${aws:PrincipalTag/customer}-??????',
    );
    // Escaped for Terraform, which turns "$${" back into the IAM variable "${".
    assert.deepEqual(read!.Condition, {
      StringEquals: {
        'secretsmanager:ResourceTag/customer': '$${aws:PrincipalTag/customer}',
        'secretsmanager:ResourceTag/managed-by': 'asc-keys',
      },
    });
    assert.ok(json.includes('\\"$${aws:PrincipalTag/customer}\\"'));
    assert.equal(decrypt!.Action, 'kms:Decrypt');
    assert.deepEqual(decrypt!.Condition, {
      StringEquals: { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com' },
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/asc-keys' },
    });
  });

  test('the validator role reads and describes, never writes', () => {
    const { resource } = synth();
    const trust = policyOf(resource, 'aws_iam_role', 'validator_role', 'assume_role_policy').Statement[0]!;
    assert.deepEqual(trust.Principal, { AWS: ['arn:aws:iam::111122223333:role/ci-asc-keys'] });
    const actions = policyOf(resource, 'aws_iam_role_policy', 'validator_policy').Statement.flatMap(
      (s) => [s.Action].flat() as string[],
    );
    assert.deepEqual(actions.sort(), [
      'events:DescribeRule',
      'events:ListTagsForResource',
      'events:ListTargetsByRule',
      'iam:GetRole',
      'iam:GetRolePolicy',
      'iam:ListAttachedRolePolicies',
      'iam:ListRolePolicies',
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:GetKeyPolicy',
      'kms:GetKeyRotationStatus',
      'kms:ListResourceTags',
      'scheduler:GetSchedule',
      'scheduler:GetScheduleGroup',
      'scheduler:ListSchedules',
      'secretsmanager:BatchGetSecretValue',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetResourcePolicy',
      'secretsmanager:GetSecretValue',
      'secretsmanager:ListSecretVersionIds',
      'secretsmanager:ListSecrets',
      'sns:GetSubscriptionAttributes',
      'sns:GetTopicAttributes',
      'sns:ListSubscriptionsByTopic',
      'sns:ListTagsForResource',
    ]);
    for (const a of actions) assert.doesNotMatch(a, /:(Put|Create|Update|Delete|Tag|Untag|Restore|Rotate)/);
  });

  test('every resource of the model is in the stack at the address drift reports, and nothing else', () => {
    const { resource } = synth();
    const desired = platformDesiredState(PLATFORM);
    const synthesized = Object.entries(resource).flatMap(([type, byId]) =>
      Object.keys(byId).map((id) => `${type}.${id}`),
    );
    const modelled = [
      ...[desired.kmsKey, desired.snsKey].flatMap((k) => [
        address(TF.kmsKey, k.id),
        address(TF.kmsAlias, k.alias.id),
      ]),
      ...desired.alertRules.flatMap((r) => [
        address(TF.eventRule, r.id),
        address(TF.eventTarget, r.target.id),
      ]),
      ...desired.topics.flatMap((t) => [
        address(TF.topic, t.id),
        ...(t.policy ? [address(TF.topicPolicy, t.policy.id)] : []),
      ]),
      ...desired.subscriptions.map((s) => address(TF.subscription, s.id)),
      address(TF.scheduleGroup, desired.scheduleGroup.id),
      ...desired.roles.flatMap((r) => [
        address(TF.role, r.id),
        ...r.inlinePolicies.map((p) => address(TF.rolePolicy, p.id)),
      ]),
      address(TF.secret, desired.sealingKey.id),
      address(TF.secretPolicy, desired.sealingKey.policyId),
    ];
    assert.deepEqual(synthesized.sort(), modelled.sort());
  });

  test('the SNS key: rotation, the model policy, prevent_destroy, its alias; both topics use it by alias ARN after the alias exists', () => {
    const { json, resource } = synth();
    const desired = platformDesiredState(PLATFORM);
    expect(resource.aws_kms_key!.sns_key).toMatchObject({
      enable_key_rotation: true,
      is_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(policyOf(resource, 'aws_kms_key', 'sns_key')).toEqual(desired.snsKey.policy);
    assert.ok(
      Testing.toHaveResourceWithProperties(json, KmsAlias.tfResourceType, {
        name: 'alias/asc-keys-sns',
        target_key_id: '${aws_kms_key.sns_key.key_id}',
      }),
    );
    for (const id of ['reminders', 'alerts'])
      expect(resource.aws_sns_topic![id]).toMatchObject({
        kms_master_key_id: 'arn:aws:kms:eu-central-1:111122223333:alias/asc-keys-sns',
      });
    // In the same stack, the alerts topic waits for the alias; the reminders topic is in the
    // platform stack, applied after the custody stack.
    expect(resource.aws_sns_topic!.alerts!.depends_on).toEqual(['aws_kms_alias.sns_key_alias']);
  });

  test("each topic's policy is the model's, attached to that topic", () => {
    const { resource } = synth();
    for (const t of platformDesiredState(PLATFORM).topics) {
      expect(resource.aws_sns_topic_policy![t.policy!.id]!.arn).toBe(`\${aws_sns_topic.${t.id}.arn}`);
      expect(policyOf(resource, 'aws_sns_topic_policy', t.policy!.id)).toEqual(t.policy!.document);
    }
  });

  test('each home-region alert rule: its state, its pattern, and the alerts topic as its one target with the whole event', () => {
    const { resource } = synth();
    const rules = platformDesiredState(PLATFORM).alertRules;
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules.filter((x) => x.target.topicId)) {
      const rule = resource.aws_cloudwatch_event_rule![r.id]!;
      expect(rule).toEqual({
        name: r.name,
        description: r.description,
        state: r.state,
        event_pattern: JSON.stringify(r.eventPattern),
        tags: { 'managed-by': 'asc-keys' },
      });
      expect(resource.aws_cloudwatch_event_target![r.target.id]).toEqual({
        rule: `\${aws_cloudwatch_event_rule.${r.id}.name}`,
        target_id: 'alerts-topic',
        arn: '${aws_sns_topic.alerts.arn}',
      });
    }
  });
});
