import type { Clock } from '../../lib/apple/clock.js';

/** A clock whose sleeps pass at once and move its time forward; `slept` lists them. */
export class FakeClock implements Clock {
  readonly slept: number[] = [];
  constructor(public time = Date.parse('2026-11-27T12:00:00Z')) {}
  now = (): number => this.time;
  sleep = async (ms: number): Promise<void> => {
    this.slept.push(ms);
    this.time += ms;
  };
}
