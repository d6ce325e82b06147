// The floor of the synth benchmark: a bare cdktf app that builds the same resources, with the
// same provider classes and values, but none of asc-keys' code. Input: the model's desired
// state as JSON (plain data), translated here without lib/stacks.
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
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy/index.js';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';
import type { CustomerDesiredState } from '../../lib/model/customer-desired.js';
import type { PlatformDesiredState } from '../../lib/model/platform-desired.js';

export interface FloorInput {
  region: string;
  accountId: string;
  platform: PlatformDesiredState;
  customers: CustomerDesiredState[];
}

const json = (doc: unknown): string => JSON.stringify(doc).replaceAll('${', () => '$${');
const [inputFile, outdir] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inputFile!, 'utf8')) as FloorInput;
const app = new App({ outdir: outdir! });
const provider = (stack: TerraformStack): AwsProvider =>
  new AwsProvider(stack, 'aws', { region: input.region, allowedAccountIds: [input.accountId] });

const p = input.platform;
const platform = new TerraformStack(app, p.stackName);
provider(platform);
const key = new KmsKey(platform, p.kmsKey.id, {
  description: p.kmsKey.description,
  enableKeyRotation: p.kmsKey.enableKeyRotation,
  isEnabled: p.kmsKey.isEnabled,
  deletionWindowInDays: p.kmsKey.deletionWindowInDays,
  tags: p.kmsKey.tags,
  policy: json(p.kmsKey.policy),
  lifecycle: { preventDestroy: p.kmsKey.preventDestroy },
});
new KmsAlias(platform, p.kmsKey.alias.id, { name: p.kmsKey.alias.name, targetKeyId: key.keyId });
const topics = new Map<string, SnsTopic>();
for (const t of p.topics) {
  const topic = new SnsTopic(platform, t.id, {
    name: t.name,
    tags: t.tags,
    ...(t.kmsMasterKeyId && { kmsMasterKeyId: t.kmsMasterKeyId }),
  });
  topics.set(t.id, topic);
  if (t.policy)
    new SnsTopicPolicy(platform, t.policy.id, { arn: topic.arn, policy: json(t.policy.document) });
}
for (const s of p.subscriptions)
  new SnsTopicSubscription(platform, s.id, {
    topicArn: topics.get(s.topicId)!.arn,
    protocol: s.protocol,
    endpoint: s.endpoint,
  });
new SchedulerScheduleGroup(platform, p.scheduleGroup.id, {
  name: p.scheduleGroup.name,
  tags: p.scheduleGroup.tags,
});
for (const r of p.roles) {
  const role = new IamRole(platform, r.id, {
    name: r.name,
    description: r.description,
    assumeRolePolicy: json(r.trust),
    maxSessionDuration: r.maxSessionDuration,
    tags: r.tags,
  });
  for (const i of r.inlinePolicies)
    new IamRolePolicy(platform, i.id, { name: i.name, role: role.name, policy: json(i.document) });
}

for (const c of input.customers) {
  const stack = new TerraformStack(app, c.stackName);
  provider(stack);
  const s = c.secret!;
  const secret = new SecretsmanagerSecret(stack, s.id, {
    name: s.name,
    description: s.description,
    kmsKeyId: s.kmsKeyId,
    recoveryWindowInDays: s.recoveryWindowInDays,
    tags: s.tags,
  });
  new SecretsmanagerSecretPolicy(stack, s.policyId, {
    secretArn: secret.arn,
    policy: json(s.policy),
    blockPublicPolicy: s.blockPublicPolicy,
  });
  for (const r of c.reminders) {
    new SchedulerSchedule(stack, r.id, {
      name: r.name,
      groupName: r.groupName,
      scheduleExpression: r.scheduleExpression,
      scheduleExpressionTimezone: r.scheduleExpressionTimezone,
      state: r.state,
      flexibleTimeWindow: { mode: r.flexibleTimeWindow.mode },
      target: { arn: r.target.arn, roleArn: r.target.roleArn, input: r.target.input },
    });
  }
}
app.synth();
