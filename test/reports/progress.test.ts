import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { progressLine, waitingLine } from '../../lib/reports/progress.js';

/** A stream that says whether it is a terminal, and keeps what was written. */
function stream(isTTY: boolean): NodeJS.WriteStream & { text: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { text: () => string };
  let written = '';
  s.write = ((chunk: string) => {
    written += chunk;
    return true;
  }) as typeof s.write;
  Object.assign(s, { isTTY, text: () => written });
  return s;
}

describe('lines for a person at a terminal, never for CI logs or pipes', () => {
  test('the waiting line is written on a terminal, on a line of its own that clears the counter', () => {
    const tty = stream(true);
    waitingLine(tty)!('asc-keys: waiting for App Store Connect: attempt 1 of up to 8 got HTTP 503');
    expect(tty.text()).toBe(
      '\r\x1b[2Kasc-keys: waiting for App Store Connect: attempt 1 of up to 8 got HTTP 503\n',
    );
  });

  test('not on a pipe: neither the waiting line nor the counter', () => {
    expect(waitingLine(stream(false))).toBeUndefined();
    expect(progressLine('checking keys', stream(false))).toBeUndefined();
  });
});
