import type { DesiredScheduleGroup, DesiredSubscription, DesiredTopic } from './desired-resources.js';
import type { PlatformContext } from './platform-context.js';
import { PLATFORM_TAGS } from './tags.js';
import { topicPolicy } from './topic-policy.js';

/** The topic reminders go to: published by the scheduler role only, encrypted with the SNS key. */
export function reminderTopic(ctx: PlatformContext): DesiredTopic {
  const { names } = ctx;
  return {
    id: 'reminders',
    name: names.topicName,
    arn: names.topicArn,
    tags: PLATFORM_TAGS,
    kmsMasterKeyId: names.snsKmsAliasArn,
    policy: {
      id: 'reminders_policy',
      document: topicPolicy(ctx, names.topicArn, {
        allow: {
          Sid: 'SchedulerPublishes',
          Effect: 'Allow',
          Principal: { AWS: names.accountRootArn },
          Action: 'sns:Publish',
          Condition: { ArnEquals: { 'aws:PrincipalArn': [names.schedulerRoleArn] } },
        },
        denyOthers: { ArnNotEquals: { 'aws:PrincipalArn': [names.schedulerRoleArn] } },
      }),
    },
  };
}

/** The subscriptions the platform configuration names, in its order. */
export function reminderSubscriptions(ctx: PlatformContext): DesiredSubscription[] {
  return topicSubscriptions(reminderTopic(ctx), ctx.platform.reminders.subscriptions);
}

/** A topic's subscriptions as the configuration lists them: `<topic id>_subscription_<i>`. */
export function topicSubscriptions(
  topic: DesiredTopic,
  subscriptions: readonly { readonly protocol: string; readonly endpoint: string }[],
): DesiredSubscription[] {
  return subscriptions.map((s, i) => ({
    id: `${topic.id}_subscription_${i}`,
    topicId: topic.id,
    topicArn: topic.arn,
    protocol: s.protocol,
    endpoint: s.endpoint,
    rawMessageDelivery: false,
  }));
}

/** The schedule group every customer's reminders live in. */
export function reminderScheduleGroup(ctx: PlatformContext): DesiredScheduleGroup {
  return { id: 'reminder_group', name: ctx.names.scheduleGroupName, tags: PLATFORM_TAGS };
}
