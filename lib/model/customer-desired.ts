import { createHash } from 'node:crypto';
import type { CustomerRecord } from '../records/customer-record.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import { addDays } from './days.js';
import type { PlatformNames } from './platform-names.js';
import { policy, type PolicyDocument } from './policy-document.js';

export const MANAGED_BY = 'asc-keys';

/** Terraform addresses in a customer stack, shared by the stack (logical IDs) and drift findings. */
export const SECRET_ID = 'key';
export const SECRET_POLICY_ID = 'key_policy';
export const reminderId = (daysBefore: number): string => `reminder_${daysBefore}d`;
export const REMINDER_TIME = 'T09:00:00';

export interface DesiredReminder {
  /** The Terraform logical ID. */
  readonly id: string;
  readonly name: string;
  readonly groupName: string;
  readonly daysBefore: number;
  /** at(...) expression, UTC */
  readonly scheduleExpression: string;
  readonly targetArn: string;
  readonly roleArn: string;
  readonly message: string;
}

export interface DesiredSecret {
  readonly name: string;
  readonly description: string;
  readonly kmsKeyId: string;
  readonly recoveryWindowDays: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly policy: PolicyDocument;
}

/**
 * What must exist in AWS for one customer. The customer stack is built from this and `check
 * drift` compares live AWS with this, so the two can never disagree about what should exist.
 */
export interface CustomerDesiredState {
  readonly customer: string;
  readonly stackName: string;
  /** Absent for `file:` references, which live outside AWS. */
  readonly secret?: DesiredSecret;
  readonly reminders: readonly DesiredReminder[];
}

export function customerDesiredState(
  record: CustomerRecord,
  platform: PlatformConfig,
  names: PlatformNames,
  now: Date,
): CustomerDesiredState {
  const dueOn = addDays(record.createdOn, record.rotation.maxAgeDays);
  const reminders = record.rotation.remindDaysBefore
    .map((daysBefore): DesiredReminder => {
      const day = addDays(dueOn, -daysBefore);
      const when = daysBefore === 0 ? 'today' : `in ${daysBefore} day${daysBefore === 1 ? '' : 's'}`;
      return {
        id: reminderId(daysBefore),
        name: reminderName(record.customer, daysBefore),
        groupName: names.scheduleGroupName,
        daysBefore,
        scheduleExpression: `at(${day}${REMINDER_TIME})`,
        targetArn: names.topicArn,
        roleArn: names.schedulerRoleArn,
        message: `Rotation reminder: the App Store Connect API key ${record.keyId} of ${record.customer} (app ${record.appleId}) is due for rotation on ${dueOn}, ${when}. Ask the customer for a new App Manager key and store it (see README.md, Rotating a key).`,
      };
    })
    // A reminder whose moment has passed cannot be scheduled: EventBridge rejects at() in the past.
    .filter((r) => Date.parse(`${r.scheduleExpression.slice(3, -1)}Z`) > now.getTime());
  const secret: DesiredSecret | undefined =
    record.secret.scheme === 'aws-sm'
      ? {
          name: record.secret.name,
          description: `App Store Connect API key ${record.keyId} of ${record.displayName ?? record.customer} (app ${record.appleId})`,
          kmsKeyId: names.kmsAliasName,
          recoveryWindowDays: platform.secretRecoveryWindowDays,
          tags: {
            customer: record.customer,
            app: record.appleId,
            'key-id': record.keyId,
            'managed-by': MANAGED_BY,
          },
          policy: secretPolicy(platform, names),
        }
      : undefined;
  return {
    customer: record.customer,
    stackName: `customer-${record.customer}`,
    ...(secret && { secret }),
    reminders,
  };
}

/**
 * Denies reading the key to every principal but the publisher and validator roles and the
 * administrators. The publisher role's own policy narrows it further to its session's customer.
 */
function secretPolicy(platform: PlatformConfig, names: PlatformNames): PolicyDocument {
  const readers = [names.publisherRoleArn, names.validatorRoleArn, ...platform.administrators];
  return policy({
    Sid: 'OnlyPublisherValidatorAndAdministratorsRead',
    Effect: 'Deny',
    Principal: '*',
    Action: 'secretsmanager:GetSecretValue',
    Resource: '*',
    Condition: { ArnNotEquals: { 'aws:PrincipalArn': readers } },
  });
}

/** Schedule names are at most 64 characters; long slugs are shortened with a hash to stay unique. */
export function reminderName(customer: string, daysBefore: number): string {
  const suffix = `-remind-${daysBefore}d`;
  const name = `${customer}${suffix}`;
  if (name.length <= 64) return name;
  const hash = createHash('sha256').update(customer).digest('hex').slice(0, 8);
  return `${customer.slice(0, 64 - suffix.length - hash.length - 1)}-${hash}${suffix}`;
}
