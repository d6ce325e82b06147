import { createHash } from 'node:crypto';
import type { CustomerRecord } from '../records/customer-record.js';
import { addDays } from '../records/days.js';

/** Reminders fire at this hour, UTC, on their day. */
export const REMINDER_HOUR_UTC = 9;
export const REMINDER_TIMEZONE = 'UTC';

/**
 * A one-time reminder closer than this to the present is left out of the stack: a plan is often
 * applied some minutes later, and EventBridge Scheduler refuses an at() moment in the past.
 */
export const APPLY_MARGIN_MS = 60 * 60 * 1000;

/** The recurring reminder once no one-time reminder is left: every Monday at 09:00 UTC. */
export const WEEKLY_EXPRESSION = `cron(0 ${REMINDER_HOUR_UTC} ? * MON *)`;

export interface OneTimeReminder {
  readonly daysBefore: number;
  readonly at: Date;
}

export interface ReminderPlan {
  /** createdOn + maxAgeDays */
  readonly dueOn: string;
  /** The one-time reminders still ahead (beyond the apply margin), latest daysBefore first. */
  readonly upcoming: readonly OneTimeReminder[];
  /** The one-time reminders that have fired or are too close to schedule. */
  readonly passed: readonly OneTimeReminder[];
  /** True when reminders are wanted but none is ahead: the weekly reminder takes over until rotation. */
  readonly weekly: boolean;
}

/** Renders a moment once, as EventBridge Scheduler's at() expression in UTC. */
export function atExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}

/** Which reminders a record wants at `now`. */
export function planReminders(record: CustomerRecord, now: Date): ReminderPlan {
  const dueOn = addDays(record.createdOn, record.rotation.maxAgeDays);
  const all = record.rotation.remindDaysBefore.map((daysBefore): OneTimeReminder => ({
    daysBefore,
    at: new Date(`${addDays(dueOn, -daysBefore)}T${String(REMINDER_HOUR_UTC).padStart(2, '0')}:00:00Z`),
  }));
  const cutoff = now.getTime() + APPLY_MARGIN_MS;
  const upcoming = all.filter((r) => r.at.getTime() > cutoff);
  return {
    dueOn,
    upcoming,
    passed: all.filter((r) => r.at.getTime() <= cutoff),
    weekly: all.length > 0 && upcoming.length === 0,
  };
}

const MAX_SCHEDULE_NAME = 64;
const reminderSuffix = (daysBefore: number | null): string =>
  daysBefore === null ? '-remind-weekly' : `-remind-${daysBefore}d`;

/** Schedule names are at most 64 characters; long slugs are shortened with a hash to stay unique. */
export function reminderName(customer: string, daysBefore: number | null): string {
  const suffix = reminderSuffix(daysBefore);
  const name = `${customer}${suffix}`;
  if (name.length <= MAX_SCHEDULE_NAME) return name;
  const hash = createHash('sha256').update(customer).digest('hex').slice(0, 8);
  return `${customer.slice(0, MAX_SCHEDULE_NAME - suffix.length - hash.length - 1)}-${hash}${suffix}`;
}

const REMINDER_NAME = /^(.+)-remind-(?:(\d+)d|weekly)$/;
const SHORTENED_HEAD = /-[0-9a-f]{8}$/;

export interface ParsedReminderName {
  /**
   * The customer the reminder is for; null when the name was shortened and no slug of `known`
   * shortens to it (the hash cannot be turned back into the slug it was made from).
   */
  readonly customer: string | null;
  readonly daysBefore: number | null;
}

/**
 * The inverse of `reminderName`, for schedules found in the group: undefined for a name it never
 * builds. A shortened name is matched against the slugs in `known` (every record, the invalid
 * ones included); a name no known slug builds, of a length and shape that only shortening
 * gives, has no customer rather than one made up from its truncated head.
 */
export function parseReminderName(
  name: string,
  known: Iterable<string> = [],
): ParsedReminderName | undefined {
  const m = REMINDER_NAME.exec(name);
  if (!m) return undefined;
  const daysBefore = m[2] === undefined ? null : Number(m[2]);
  for (const slug of known)
    if (reminderName(slug, daysBefore) === name) return { customer: slug, daysBefore };
  const shortened = name.length === MAX_SCHEDULE_NAME && SHORTENED_HEAD.test(m[1]!);
  return { customer: shortened ? null : m[1]!, daysBefore };
}

export const reminderId = (daysBefore: number | null): string =>
  daysBefore === null ? 'reminder_weekly' : `reminder_${daysBefore}d`;
