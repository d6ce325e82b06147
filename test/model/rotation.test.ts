import { describe, expect, test } from 'vitest';
import { addDays, daysBetween, today } from '../../lib/records/days.js';
import { rotationStatus } from '../../lib/model/rotation.js';
import { record } from '../support/records.js';

// createdOn 2026-06-01, maxAgeDays 365: due 2027-06-01.
const r = record();
const at = (iso: string): ReturnType<typeof rotationStatus> => rotationStatus(r, new Date(iso));

describe('rotationStatus across the due day', () => {
  test('one day before: 1 day left, not overdue', () => {
    expect(at('2027-05-31T23:59:59Z')).toEqual({
      ageDays: 364,
      dueOn: '2027-06-01',
      daysLeft: 1,
      overdue: false,
    });
  });
  test('on the due day, all day long: 0 days left, not overdue yet', () => {
    expect(at('2027-06-01T00:00:00Z')).toMatchObject({ daysLeft: 0, overdue: false });
    expect(at('2027-06-01T23:59:59Z')).toMatchObject({ daysLeft: 0, overdue: false });
  });
  test('the day after: overdue by one day', () => {
    expect(at('2027-06-02T00:00:00Z')).toEqual({
      ageDays: 366,
      dueOn: '2027-06-01',
      daysLeft: -1,
      overdue: true,
    });
  });
  test('overdue for a year', () => {
    expect(at('2028-06-01T12:00:00Z')).toMatchObject({ daysLeft: -366, overdue: true });
  });
  test('a custom maxAgeDays moves the due day', () => {
    expect(
      rotationStatus(
        record({ rotation: { maxAgeDays: 90, remindDaysBefore: [] } }),
        new Date('2026-06-01T00:00:00Z'),
      ),
    ).toEqual({
      ageDays: 0,
      dueOn: '2026-08-30',
      daysLeft: 90,
      overdue: false,
    });
  });
});

describe('UTC day arithmetic', () => {
  test('addDays crosses months, leap days and years', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
  });
  test('daysBetween is whole days, signed', () => {
    expect(daysBetween('2026-06-01', '2027-06-01')).toBe(365);
    expect(daysBetween('2027-06-01', '2026-06-01')).toBe(-365);
  });
  test('today is the UTC day, whatever the local time zone says', () => {
    expect(today(new Date('2026-11-27T23:30:00-05:00'))).toBe('2026-11-28');
  });
});
