import type { CustomerRecord } from '../records/customer-record.js';
import { addDays, daysBetween, today } from '../records/days.js';

export interface RotationStatus {
  readonly ageDays: number;
  /** createdOn + maxAgeDays */
  readonly dueOn: string;
  /** Negative once the due day has passed. */
  readonly daysLeft: number;
  /** True after the due day. */
  readonly overdue: boolean;
}

/** The next step for an overdue key, in every warning that reports one. */
export function howToRotate(customer: string): string {
  return `rotate it: ask the customer for a new App Manager key and run "asc-keys import --customer ${customer} …" with it (docs/operations.md, Rotating a key)`;
}

export function rotationStatus(record: CustomerRecord, now: Date): RotationStatus {
  const day = today(now);
  const dueOn = addDays(record.createdOn, record.rotation.maxAgeDays);
  const daysLeft = daysBetween(day, dueOn);
  return { ageDays: daysBetween(record.createdOn, day), dueOn, daysLeft, overdue: daysLeft < 0 };
}
