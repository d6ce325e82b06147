import type { CustomerRecord } from '../records/customer-record.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import type { DesiredSchedule, DesiredSecret } from './desired-resources.js';
import { platformContext, type PlatformContext } from './platform-context.js';
import {
  atExpression,
  planReminders,
  REMINDER_TIMEZONE,
  reminderId,
  reminderName,
  WEEKLY_EXPRESSION,
} from './reminders.js';
import { customerSecretPolicy } from './secret-policy.js';
import { MANAGED_BY, TAG, type SecretTags } from './tags.js';

/**
 * What must exist in AWS for one customer. The customer stack is built from this and `check
 * drift` compares live AWS with this, so the two can never disagree about what should exist.
 */
export interface CustomerDesiredState {
  readonly customer: string;
  readonly stackName: string;
  /** Absent for `file:` references, which live outside AWS. */
  readonly secret?: DesiredSecret;
  readonly reminders: readonly DesiredSchedule[];
  /**
   * Names of this record's one-time reminders that have fired or are too close to schedule: an
   * earlier apply may have left them in the group, and they are not drift.
   */
  readonly passedReminderNames: readonly string[];
}

export const customerStackName = (customer: string): string => `customer-${customer}`;

export function customerDesiredState(
  record: CustomerRecord,
  platform: PlatformConfig | PlatformContext,
  now: Date,
): CustomerDesiredState {
  const ctx = 'names' in platform ? platform : platformContext(platform);
  const { names } = ctx;
  const plan = planReminders(record, now);
  const subject = `the App Store Connect API key ${record.keyId} of ${record.customer} (app ${record.appleId})`;
  const ask = 'Ask the customer for a new App Manager key and run "asc-keys import".';
  const schedule = (
    daysBefore: number | null,
    scheduleExpression: string,
    input: string,
    at?: Date,
  ): DesiredSchedule => ({
    id: reminderId(daysBefore),
    name: reminderName(record.customer, daysBefore),
    groupName: names.scheduleGroupName,
    daysBefore,
    ...(at && { at }),
    scheduleExpression,
    scheduleExpressionTimezone: REMINDER_TIMEZONE,
    state: 'ENABLED',
    flexibleTimeWindow: { mode: 'OFF' },
    actionAfterCompletion: 'NONE',
    target: { arn: names.topicArn, roleArn: names.schedulerRoleArn, input },
  });
  const reminders = plan.upcoming.map(({ daysBefore, at }) => {
    const when = daysBefore === 0 ? 'today' : `in ${daysBefore} day${daysBefore === 1 ? '' : 's'}`;
    return schedule(
      daysBefore,
      atExpression(at),
      `Rotation reminder: ${subject} is due for rotation on ${plan.dueOn}, ${when}. ${ask}`,
      at,
    );
  });
  if (plan.weekly)
    reminders.push(
      schedule(
        null,
        WEEKLY_EXPRESSION,
        `Rotation reminder: ${subject} is due for rotation on ${plan.dueOn} and has not been rotated; this reminder repeats every Monday until the record names a new key. ${ask}`,
      ),
    );
  const secret: DesiredSecret | undefined =
    record.secret.scheme === 'aws-sm'
      ? {
          id: 'key',
          policyId: 'key_policy',
          name: record.secret.name,
          description: `App Store Connect API key ${record.keyId} of ${record.displayName ?? record.customer} (app ${record.appleId})`,
          kmsKeyId: names.kmsAliasArn,
          recoveryWindowInDays: ctx.platform.secretRecoveryWindowDays,
          tags: {
            [TAG.customer]: record.customer,
            [TAG.app]: record.appleId,
            [TAG.keyId]: record.keyId,
            [TAG.managedBy]: MANAGED_BY,
          } satisfies SecretTags,
          policy: customerSecretPolicy(ctx),
          blockPublicPolicy: true,
        }
      : undefined;
  return {
    customer: record.customer,
    stackName: customerStackName(record.customer),
    ...(secret && { secret }),
    reminders,
    passedReminderNames: plan.passed.map((r) => reminderName(record.customer, r.daysBefore)),
  };
}
