import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { Testing } from 'cdktf';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule/index.js';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy/index.js';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { CustomerStack } from '../../lib/stacks/customer-stack.js';
import type { CustomerRecord } from '../../lib/records/customer-record.js';
import { PLATFORM, record } from '../support/records.js';
import '../support/cdktf-matchers.js';

const NOW = new Date('2026-11-27T12:00:00Z');

function synth(
  r: CustomerRecord,
  now = NOW,
  platform = PLATFORM,
): {
  json: string;
  parsed: {
    resource: Record<string, Record<string, Record<string, unknown>>>;
    terraform: Record<string, unknown>;
  };
} {
  const app = Testing.app();
  const stack = new CustomerStack(app, {
    platform,
    desired: customerDesiredState(r, platform, now),
  });
  const json = Testing.synth(stack);
  return { json, parsed: JSON.parse(json) };
}

describe('CustomerStack', () => {
  test('the key secret: name, KMS key, recovery window, description and tags', () => {
    const { json } = synth(record());
    assert.ok(
      Testing.toHaveResourceWithProperties(json, SecretsmanagerSecret.tfResourceType, {
        name: 'asc-keys/acme-corp',
        kms_key_id: 'arn:aws:kms:eu-central-1:111122223333:alias/asc-keys',
        recovery_window_in_days: 30,
        description: 'App Store Connect API key 2X9R4HXF34 of acme-corp (app 1234567890)',
        tags: { customer: 'acme-corp', app: '1234567890', 'key-id': '2X9R4HXF34', 'managed-by': 'asc-keys' },
      }),
    );
  });

  test('the secret never carries a value: no secret version in the stack', () => {
    const { parsed } = synth(record());
    assert.equal(parsed.resource.aws_secretsmanager_secret_version, undefined);
  });

  test('the resource policy denies reading to all but the publisher, the validator and the administrators', () => {
    const { json, parsed } = synth(record());
    assert.ok(
      Testing.toHaveResourceWithProperties(json, SecretsmanagerSecretPolicy.tfResourceType, {
        block_public_policy: true,
        secret_arn: '${aws_secretsmanager_secret.key.arn}',
      }),
    );
    const policy = JSON.parse(parsed.resource.aws_secretsmanager_secret_policy!.key_policy!.policy as string);
    // The model's policy, verbatim (its statements are read against IAM's logic in security-policies.test.ts).
    assert.deepEqual(policy, customerDesiredState(record(), PLATFORM, NOW).secret!.policy);
    assert.deepEqual(policy.Statement[0], {
      Sid: 'OnlyPublisherValidatorAndAdministratorsRead',
      Effect: 'Deny',
      Principal: '*',
      Action: 'secretsmanager:GetSecretValue',
      Resource: '*',
      Condition: {
        ArnNotEquals: {
          'aws:PrincipalArn': [
            'arn:aws:iam::111122223333:role/asc-keys-publisher',
            'arn:aws:iam::111122223333:role/asc-keys-validator',
            'arn:aws:iam::111122223333:role/PlatformAdministrator',
          ],
        },
      },
    });
  });

  test('one reminder per remindDaysBefore entry, at 09:00 UTC on the due day minus N days, to the topic', () => {
    const { json, parsed } = synth(record());
    assert.deepEqual(Object.keys(parsed.resource.aws_scheduler_schedule!).sort(), [
      'reminder_0d',
      'reminder_30d',
      'reminder_7d',
    ]);
    assert.ok(
      Testing.toHaveResourceWithProperties(json, SchedulerSchedule.tfResourceType, {
        name: 'acme-corp-remind-30d',
        group_name: 'asc-keys',
        schedule_expression: 'at(2027-05-02T09:00:00)',
        schedule_expression_timezone: 'UTC',
        flexible_time_window: { mode: 'OFF' },
        target: {
          arn: 'arn:aws:sns:eu-central-1:111122223333:asc-keys-rotation-reminders',
          role_arn: 'arn:aws:iam::111122223333:role/asc-keys-scheduler',
          input:
            'Rotation reminder: the App Store Connect API key 2X9R4HXF34 of acme-corp (app 1234567890) is due for rotation on 2027-06-01, in 30 days. Ask the customer for a new App Manager key and run "asc-keys import".',
        },
      }),
    );
    assert.ok(
      Testing.toHaveResourceWithProperties(json, SchedulerSchedule.tfResourceType, {
        name: 'acme-corp-remind-0d',
        schedule_expression: 'at(2027-06-01T09:00:00)',
      }),
    );
  });

  test('reminders already past at synth time are left out', () => {
    // Due 2027-06-01: the 30-day reminder (2027-05-02 09:00) has passed on 2027-05-10.
    const { parsed } = synth(record(), new Date('2027-05-10T00:00:00Z'));
    assert.deepEqual(Object.keys(parsed.resource.aws_scheduler_schedule!).sort(), [
      'reminder_0d',
      'reminder_7d',
    ]);
    // Past the last one: the weekly reminder instead, until the record is rotated.
    const later = synth(record(), new Date('2027-06-01T09:00:01Z')).parsed;
    assert.deepEqual(Object.keys(later.resource.aws_scheduler_schedule!), ['reminder_weekly']);
  });

  test('an empty remindDaysBefore means no reminders', () => {
    const { parsed } = synth(record({ rotation: { maxAgeDays: 365, remindDaysBefore: [] } }));
    assert.equal(parsed.resource.aws_scheduler_schedule, undefined);
  });

  test('schedule names stay within 64 characters for the longest slugs, and stay distinct', () => {
    const long = 'a'.repeat(63);
    const { parsed } = synth(
      record({
        customer: long,
        secret: {
          scheme: 'aws-sm',
          raw: `aws-sm:asc-keys/${long}`,
          secretId: `asc-keys/${long}`,
          name: `asc-keys/${long}`,
        },
      }),
    );
    const names = Object.values(parsed.resource.aws_scheduler_schedule!).map((s) => s.name as string);
    assert.equal(new Set(names).size, 3);
    for (const n of names) assert.ok(n.length <= 64, n);
  });

  test('a file: reference has no secret in AWS, only its reminders', () => {
    const { parsed } = synth(
      record({ secret: { scheme: 'file', raw: 'file:keys/acme.p8', path: 'keys/acme.p8' } }),
    );
    assert.equal(parsed.resource.aws_secretsmanager_secret, undefined);
    assert.equal(parsed.resource.aws_secretsmanager_secret_policy, undefined);
    assert.equal(Object.keys(parsed.resource.aws_scheduler_schedule!).length, 3);
  });

  test('state: local by default, S3 with a lock file and one key per stack when the platform names a bucket', () => {
    // With no backend configured, cdktf's Testing.synth leaves Terraform's default (local) in place.
    assert.equal(synth(record()).parsed.terraform?.backend, undefined);
    const platform = { ...PLATFORM, stateBackend: { bucket: 'acme-tf-state', keyPrefix: 'asc-keys' } };
    const { parsed } = synth(record(), NOW, platform);
    assert.deepEqual((parsed.terraform.backend as { s3: unknown }).s3, {
      bucket: 'acme-tf-state',
      key: 'asc-keys/customer-acme-corp.tfstate',
      region: 'eu-central-1',
      encrypt: true,
      use_lockfile: true,
    });
  });

  test('Terraform is required at the version its features need: import blocks 1.5, the S3 lock file 1.10', () => {
    assert.equal(synth(record()).parsed.terraform.required_version, '>= 1.5');
    const platform = { ...PLATFORM, stateBackend: { bucket: 'acme-tf-state', keyPrefix: 'asc-keys' } };
    assert.equal(synth(record(), NOW, platform).parsed.terraform.required_version, '>= 1.10');
  });

  test('the provider is pinned to the platform account and region', () => {
    const { parsed } = synth(record());
    assert.deepEqual((parsed as unknown as { provider: { aws: unknown[] } }).provider.aws, [
      { region: 'eu-central-1', allowed_account_ids: ['111122223333'] },
    ]);
  });
});
