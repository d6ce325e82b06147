import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy/index.js';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';
import type { DesiredSubscription, DesiredTopic } from '../model/desired-resources.js';
import { policyJson } from './policy-json.js';

/** A topic of the platform with its policy and the subscriptions the model gives it. */
export function platformTopic(
  scope: Construct,
  t: DesiredTopic,
  subscriptions: readonly DesiredSubscription[],
  dependsOn: readonly ITerraformDependable[] = [],
): SnsTopic {
  const topic = new SnsTopic(scope, t.id, {
    name: t.name,
    tags: { ...t.tags },
    ...(t.kmsMasterKeyId && { kmsMasterKeyId: t.kmsMasterKeyId }),
    ...(dependsOn.length && { dependsOn: [...dependsOn] }),
  });
  if (t.policy)
    new SnsTopicPolicy(scope, t.policy.id, { arn: topic.arn, policy: policyJson(t.policy.document) });
  for (const s of subscriptions.filter((x) => x.topicId === t.id))
    new SnsTopicSubscription(scope, s.id, {
      topicArn: topic.arn,
      protocol: s.protocol,
      endpoint: s.endpoint,
      rawMessageDelivery: s.rawMessageDelivery,
    });
  return topic;
}
