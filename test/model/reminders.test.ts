import { describe, expect, test } from 'vitest';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import {
  APPLY_MARGIN_MS,
  atExpression,
  planReminders,
  parseReminderName,
  reminderName,
  WEEKLY_EXPRESSION,
} from '../../lib/model/reminders.js';
import { PLATFORM, record } from '../support/records.js';

// createdOn 2026-06-01, maxAgeDays 365: due 2027-06-01; reminders 30, 7 and 0 days before, at 09:00 UTC.
const r = record();
const ids = (now: string): (string | null)[] =>
  customerDesiredState(r, PLATFORM, new Date(now)).reminders.map((x) => x.scheduleExpression);

describe('reminders across the day boundaries', () => {
  test('long before: every one-time reminder, at 09:00 UTC of its day, rendered once from its Date', () => {
    const plan = planReminders(r, new Date('2026-11-27T12:00:00Z'));
    expect(plan.dueOn).toBe('2027-06-01');
    expect(plan.upcoming.map((u) => [u.daysBefore, u.at.toISOString()])).toEqual([
      [30, '2027-05-02T09:00:00.000Z'],
      [7, '2027-05-25T09:00:00.000Z'],
      [0, '2027-06-01T09:00:00.000Z'],
    ]);
    expect(plan.weekly).toBe(false);
    expect(ids('2026-11-27T12:00:00Z')).toEqual([
      'at(2027-05-02T09:00:00)',
      'at(2027-05-25T09:00:00)',
      'at(2027-06-01T09:00:00)',
    ]);
  });

  test('one day before the due day: only the due-day reminder is left', () => {
    expect(ids('2027-05-31T12:00:00Z')).toEqual(['at(2027-06-01T09:00:00)']);
  });

  test('on the due day, before the apply margin: the due-day reminder; within it: the weekly one instead', () => {
    const due = Date.parse('2027-06-01T09:00:00Z');
    expect(ids(new Date(due - APPLY_MARGIN_MS - 1000).toISOString())).toEqual(['at(2027-06-01T09:00:00)']);
    // A reminder an apply some minutes later would schedule in the past is left out, not failed.
    expect(ids(new Date(due - APPLY_MARGIN_MS).toISOString())).toEqual([WEEKLY_EXPRESSION]);
  });

  test('one day after the due day: the weekly reminder, Mondays at 09:00 UTC', () => {
    const [weekly, ...rest] = customerDesiredState(r, PLATFORM, new Date('2027-06-02T12:00:00Z')).reminders;
    expect(rest).toEqual([]);
    expect(weekly).toMatchObject({
      id: 'reminder_weekly',
      name: 'acme-corp-remind-weekly',
      daysBefore: null,
      scheduleExpression: 'cron(0 9 ? * MON *)',
      scheduleExpressionTimezone: 'UTC',
      state: 'ENABLED',
      actionAfterCompletion: 'NONE',
    });
    expect(weekly!.at).toBeUndefined();
    expect(weekly!.target.input).toBe(
      'Rotation reminder: the App Store Connect API key 2X9R4HXF34 of acme-corp (app 1234567890) is due for rotation on 2027-06-01 and has not been rotated; this reminder repeats every Monday until the record names a new key. Ask the customer for a new App Manager key and run "asc-keys import".',
    );
  });

  test('overdue for a year: still the weekly reminder, and the same one (no diff from one day to the next)', () => {
    const a = customerDesiredState(r, PLATFORM, new Date('2028-06-01T12:00:00Z'));
    const b = customerDesiredState(r, PLATFORM, new Date('2028-06-02T12:00:00Z'));
    expect(a.reminders.map((x) => x.id)).toEqual(['reminder_weekly']);
    expect(a.reminders).toEqual(b.reminders);
    expect(a.passedReminderNames).toEqual([
      'acme-corp-remind-30d',
      'acme-corp-remind-7d',
      'acme-corp-remind-0d',
    ]);
  });

  test('a record added after its first reminder day keeps the reminders still ahead, and no weekly one', () => {
    const late = record({ createdOn: '2026-11-20' }); // due 2027-11-20; 30 days before was 2027-10-21
    const d = customerDesiredState(late, PLATFORM, new Date('2027-10-25T00:00:00Z'));
    expect(d.reminders.map((x) => x.scheduleExpression)).toEqual([
      'at(2027-11-13T09:00:00)',
      'at(2027-11-20T09:00:00)',
    ]);
    expect(d.passedReminderNames).toEqual(['acme-corp-remind-30d']);
  });

  test('an empty remindDaysBefore means no reminders at all, not even the weekly one when overdue', () => {
    const none = record({ rotation: { maxAgeDays: 365, remindDaysBefore: [] } });
    expect(customerDesiredState(none, PLATFORM, new Date('2028-01-01T00:00:00Z')).reminders).toEqual([]);
  });

  test('the one-time reminder message says when, relative to the due day', () => {
    const inputs = customerDesiredState(r, PLATFORM, new Date('2026-11-27T12:00:00Z')).reminders.map(
      (x) => x.target.input,
    );
    expect(inputs.map((i) => /due for rotation on 2027-06-01, ([^.]+)\./.exec(i)?.[1])).toEqual([
      'in 30 days',
      'in 7 days',
      'today',
    ]);
    const one = record({ rotation: { maxAgeDays: 365, remindDaysBefore: [1] } });
    expect(
      customerDesiredState(one, PLATFORM, new Date('2026-11-27T12:00:00Z')).reminders[0]!.target.input,
    ).toMatch(/, in 1 day\./);
  });

  test('at() renders UTC to the second', () => {
    expect(atExpression(new Date('2027-05-02T09:00:00.000Z'))).toBe('at(2027-05-02T09:00:00)');
  });

  test('schedule names stay within 64 characters and distinct for the longest slugs, the weekly one included', () => {
    const long = 'a'.repeat(63);
    const names = [30, 7, 0, null].map((d) => reminderName(long, d));
    expect(new Set(names).size).toBe(4);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(64);
    expect(reminderName('acme-corp', 7)).toBe('acme-corp-remind-7d');
  });

  test('parseReminderName inverts reminderName, shortened names through the known slugs', () => {
    const long = `${'long-customer-name-'.repeat(3)}abcd`; // 61 characters: every name is shortened
    const slugs = ['acme-corp', long, 'b'.repeat(50)];
    for (const slug of slugs)
      for (const d of [30, 7, 0, null])
        expect(parseReminderName(reminderName(slug, d), slugs)).toEqual({ customer: slug, daysBefore: d });
    // Not one of its names.
    expect(parseReminderName('acme-corp-weekly')).toBeUndefined();
    expect(parseReminderName('acme-corp-remind-xd')).toBeUndefined();
  });

  test('a shortened name of no known slug has no customer, never its truncated head', () => {
    const long = `${'long-customer-name-'.repeat(3)}abcd`;
    const name = reminderName(long, 30);
    expect(name.length).toBe(64);
    expect(parseReminderName(name, ['acme-corp'])).toEqual({ customer: null, daysBefore: 30 });
    // An unshortened name of an unknown slug still names it.
    expect(parseReminderName('initech-remind-7d', [])).toEqual({ customer: 'initech', daysBefore: 7 });
  });
});
