import type { Construct } from 'constructs';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy/index.js';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';
import type { PlatformDesiredState } from '../model/platform-desired.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import { alertRule } from './alert-rule.js';
import { AwsStack } from './aws-stack.js';
import { addGithubOidcProvider } from './github-oidc.js';
import { platformKey } from './platform-key.js';
import { platformRole } from './platform-role.js';
import { policyJson } from './policy-json.js';
import { sealingKeySecret } from './sealing-key.js';

export interface PlatformStackProps {
  readonly platform: PlatformConfig;
  /** The platform's desired state, as `check drift` also sees it. */
  readonly desired: PlatformDesiredState;
}

/**
 * What every customer shares: the KMS key of the key secrets, the topics (reminders, alerts)
 * and their key, the alert rules, and the roles. Every attribute comes from the model; roles are iterated, so a model file that
 * contributes a role needs nothing here.
 */
export class PlatformStack extends AwsStack {
  constructor(scope: Construct, props: PlatformStackProps) {
    const { desired } = props;
    super(scope, desired.stackName, props.platform);

    platformKey(this, desired.kmsKey);
    // The topics name their key by alias ARN (as AWS reports it back): it must exist first.
    const snsKeyAlias = platformKey(this, desired.snsKey);

    const topics = new Map<string, SnsTopic>();
    for (const t of desired.topics) {
      const topic = new SnsTopic(this, t.id, {
        name: t.name,
        tags: { ...t.tags },
        ...(t.kmsMasterKeyId && { kmsMasterKeyId: t.kmsMasterKeyId, dependsOn: [snsKeyAlias] }),
      });
      topics.set(t.id, topic);
      if (t.policy)
        new SnsTopicPolicy(this, t.policy.id, { arn: topic.arn, policy: policyJson(t.policy.document) });
    }
    for (const s of desired.subscriptions) {
      new SnsTopicSubscription(this, s.id, {
        topicArn: topics.get(s.topicId)!.arn,
        protocol: s.protocol,
        endpoint: s.endpoint,
      });
    }
    const g = desired.scheduleGroup;
    new SchedulerScheduleGroup(this, g.id, { name: g.name, tags: { ...g.tags } });

    for (const role of desired.roles) platformRole(this, role);
    for (const r of desired.alertRules) alertRule(this, r, topics.get(r.target.topicId)!);
    sealingKeySecret(this, desired.sealingKey);
    addGithubOidcProvider(this, props.platform);
  }
}
