import { describe, expect, test } from 'vitest';
import { UsageError } from '../lib/errors.js';
import { reportError, stackWithCauses } from '../lib/report-error.js';

function capture(err: unknown, debug: boolean, program = 'asc-keys'): { code: number; text: string } {
  let text = '';
  const code = reportError(err, { program, debug, write: (t) => (text += t) });
  return { code, text };
}

/** A chain deeper than any fixed limit: each error wraps the one before it. */
function chain(depth: number): Error {
  let err: Error = new Error('level 0: the root cause');
  for (let i = 1; i < depth; i++) err = new Error(`level ${i}`, { cause: err });
  return new UsageError('AWS_UNAVAILABLE', 'AWS could not be read', { cause: err });
}

describe('reportError', () => {
  test('an error of ours: its message (what; next step) on one line, its exit code, no stack', () => {
    const { code, text } = capture(new UsageError('USAGE', '--x is wrong', { next: 'leave it out' }), false);
    expect(code).toBe(2);
    expect(text).toBe('asc-keys: --x is wrong; leave it out\n');
  });

  test('--debug prints the stack and the whole cause chain, to its root', () => {
    const { code, text } = capture(chain(12), true);
    expect(code).toBe(2);
    expect(text).toMatch(
      /^asc-keys: AWS could not be read; run again later\nUsageError: AWS could not be read/,
    );
    expect(text.match(/\ncaused by: Error: level \d+/g)).toHaveLength(12);
    expect(text).toContain('caused by: Error: level 0: the root cause');
    expect(capture(chain(12), false).text).not.toContain('level');
  });

  test('a chain that loops ends where it repeats', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(stackWithCauses(b).match(/caused by/g)).toHaveLength(1);
  });

  test('anything else is a crash: exit 2, where it happened only with --debug; lines cannot start a workflow command', () => {
    const crash = capture(new TypeError('x is undefined\n::error::forged'), false, 'deploy');
    expect(crash.code).toBe(2);
    expect(crash.text).toBe(
      'deploy: unexpected error: x is undefined\\n::error::forged\nRun again with --debug to see where it happened, and report it.\n',
    );
    const debug = capture(new TypeError('x is undefined\n::error::forged'), true);
    expect(debug.text).toMatch(/\n\s+at /);
    expect(debug.text).not.toMatch(/^::/m);
  });
});
