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

export function rotationStatus(record: CustomerRecord, now: Date): RotationStatus {
  const day = today(now);
  const dueOn = addDays(record.createdOn, record.rotation.maxAgeDays);
  const daysLeft = daysBetween(day, dueOn);
  return { ageDays: daysBetween(record.createdOn, day), dueOn, daysLeft, overdue: daysLeft < 0 };
}
