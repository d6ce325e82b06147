import { describe, expect, test } from 'vitest';
import { printable, withoutWorkflowCommands } from '../lib/printable.js';

describe('printable', () => {
  test('line breaks, control characters and Unicode line separators become visible escapes', () => {
    expect(printable('a\nb\rc\td\u0000e\u001bf\u007fg\u0085h\u2028i')).toBe(
      'a\\nb\\rc\\td\\u0000e\\u001bf\\u007fg\\u0085h\\u2028i',
    );
    expect(printable('plain text: stays')).toBe('plain text: stays');
  });

  test('with max, longer text is cut after escaping and ends with an ellipsis; without, nothing is cut', () => {
    const long = `${'a'.repeat(130)}\n`;
    expect(printable(long, { max: 120 })).toBe(`${'a'.repeat(120)}…`);
    expect(printable('a\nb', { max: 3 })).toBe('a\\n…');
    expect(printable('short', { max: 120 })).toBe('short');
    expect(printable(long)).toBe(`${'a'.repeat(130)}\\n`);
  });
});

describe('withoutWorkflowCommands', () => {
  test('a line that would start a workflow command is prefixed with a backslash, others are left alone', () => {
    expect(withoutWorkflowCommands('ok\n::error::x\n  ::add-mask::y\n##[error]z\nsay ::error::w')).toBe(
      'ok\n\\::error::x\n  \\::add-mask::y\n\\##[error]z\nsay ::error::w',
    );
  });
});
