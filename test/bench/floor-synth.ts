// The floor of the synth benchmark: a bare cdktf app that builds the same resources, with the
// same provider classes and values, but none of asc-keys' code. Input: a JSON file of values.
import { readFileSync } from 'node:fs';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias/index.js';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key/index.js';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule/index.js';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group/index.js';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';

export interface FloorInput {
  region: string;
  accountId: string;
  kmsPolicy: string;
  alias: string;
  topic: string;
  group: string;
  subscriptions: { protocol: string; endpoint: string }[];
  roles: { id: string; name: string; description: string; trust: string; policy: string }[];
  customers: {
    stack: string;
    secret: {
      name: string;
      description: string;
      kmsKeyId: string;
      recoveryWindowInDays: number;
      tags: Record<string, string>;
      policy: string;
    };
    reminders: {
      id: string;
      name: string;
      group: string;
      expression: string;
      arn: string;
      roleArn: string;
      input: string;
    }[];
  }[];
}

const [inputFile, outdir] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inputFile!, 'utf8')) as FloorInput;
const app = new App({ outdir: outdir! });
const tags = { 'managed-by': 'asc-keys' };

const platform = new TerraformStack(app, 'platform');
new AwsProvider(platform, 'aws', { region: input.region, allowedAccountIds: [input.accountId] });
const key = new KmsKey(platform, 'secrets_key', {
  description: 'Encrypts the App Store Connect API keys that asc-keys manages',
  enableKeyRotation: true,
  deletionWindowInDays: 30,
  tags,
  policy: input.kmsPolicy,
});
new KmsAlias(platform, 'secrets_key_alias', { name: input.alias, targetKeyId: key.keyId });
const topic = new SnsTopic(platform, 'reminders', { name: input.topic, tags });
input.subscriptions.forEach(
  (s, i) =>
    new SnsTopicSubscription(platform, `reminders_subscription_${i}`, {
      topicArn: topic.arn,
      protocol: s.protocol,
      endpoint: s.endpoint,
    }),
);
new SchedulerScheduleGroup(platform, 'reminder_group', { name: input.group, tags });
for (const r of input.roles) {
  const role = new IamRole(platform, `${r.id}_role`, {
    name: r.name,
    description: r.description,
    assumeRolePolicy: r.trust,
    tags,
  });
  new IamRolePolicy(platform, `${r.id}_policy`, {
    name: `${r.name}-permissions`,
    role: role.name,
    policy: r.policy,
  });
}

for (const c of input.customers) {
  const stack = new TerraformStack(app, c.stack);
  new AwsProvider(stack, 'aws', { region: input.region, allowedAccountIds: [input.accountId] });
  const secret = new SecretsmanagerSecret(stack, 'key', {
    name: c.secret.name,
    description: c.secret.description,
    kmsKeyId: c.secret.kmsKeyId,
    recoveryWindowInDays: c.secret.recoveryWindowInDays,
    tags: c.secret.tags,
  });
  new SecretsmanagerSecretPolicy(stack, 'key_policy', {
    secretArn: secret.arn,
    policy: c.secret.policy,
    blockPublicPolicy: true,
  });
  for (const r of c.reminders) {
    new SchedulerSchedule(stack, r.id, {
      name: r.name,
      groupName: r.group,
      scheduleExpression: r.expression,
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      target: { arn: r.arn, roleArn: r.roleArn, input: r.input },
    });
  }
}
app.synth();
