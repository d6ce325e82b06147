import type { DesiredScheduleGroup, DesiredSubscription, DesiredTopic } from './desired-resources.js';
import type { PlatformContext } from './platform-context.js';
import { PLATFORM_TAGS } from './tags.js';

/** The topic reminders go to. */
export function reminderTopic(ctx: PlatformContext): DesiredTopic {
  return { id: 'reminders', name: ctx.names.topicName, arn: ctx.names.topicArn, tags: PLATFORM_TAGS };
}

/** The subscriptions the platform configuration names, in its order. */
export function reminderSubscriptions(ctx: PlatformContext): DesiredSubscription[] {
  const topic = reminderTopic(ctx);
  return ctx.platform.reminders.subscriptions.map((s, i) => ({
    id: `reminders_subscription_${i}`,
    topicId: topic.id,
    topicArn: topic.arn,
    protocol: s.protocol,
    endpoint: s.endpoint,
  }));
}

/** The schedule group every customer's reminders live in. */
export function reminderScheduleGroup(ctx: PlatformContext): DesiredScheduleGroup {
  return { id: 'reminder_group', name: ctx.names.scheduleGroupName, tags: PLATFORM_TAGS };
}
