import { alertTopicRules } from './alert-rules.js';
import type { DesiredSubscription, DesiredTopic } from './desired-resources.js';
import type { PlatformContext } from './platform-context.js';
import { topicSubscriptions } from './reminder-topic.js';
import { PLATFORM_TAGS } from './tags.js';
import { topicPolicy } from './topic-policy.js';

/**
 * The topic security alerts go to: published by EventBridge only for the alert rules
 * (aws:SourceArn), encrypted with the SNS key.
 */
export function alertsTopic(ctx: PlatformContext): DesiredTopic {
  const { names, platform } = ctx;
  const rules = alertTopicRules(ctx).map((r) => r.arn);
  return {
    id: 'alerts',
    name: names.alertsTopicName,
    arn: names.alertsTopicArn,
    tags: PLATFORM_TAGS,
    kmsMasterKeyId: names.snsKmsAliasArn,
    policy: {
      id: 'alerts_policy',
      document: topicPolicy(
        ctx,
        names.alertsTopicArn,
        {
          allow: {
            Sid: 'AlertRulesPublish',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': platform.accountId },
              ArnEquals: { 'aws:SourceArn': rules },
            },
          },
          denyOthers: { ArnNotEquals: { 'aws:SourceArn': rules } },
        },
        false,
      ),
    },
  };
}

export function alertsSubscriptions(ctx: PlatformContext): DesiredSubscription[] {
  return topicSubscriptions(alertsTopic(ctx), ctx.platform.alerts.subscriptions);
}
