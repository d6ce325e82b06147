import { describe, expect, test } from 'vitest';
import { markdownTable, textTable } from '../../lib/reports/table.js';

/** The cells of one GitHub-flavoured Markdown table row, split only at unescaped pipes. */
const cells = (row: string): string[] =>
  row
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((c) => c.replaceAll('\\|', '|'));

describe('markdownTable', () => {
  test('a pipe or a line break in a message stays inside its cell', () => {
    const table = markdownTable([
      ['customer', 'message'],
      ['acme-corp', 'expected a | b\nthen | c'],
    ]);
    const lines = table.split('\n');
    expect(lines).toEqual([
      '| customer | message |',
      '| --- | --- |',
      '| acme-corp | expected a \\| b then \\| c |',
    ]);
    expect(cells(lines[2]!)).toEqual(['acme-corp', 'expected a | b then | c']);
  });
});

describe('textTable', () => {
  test('columns are as wide as their widest cell; the last is not padded', () => {
    expect(
      textTable([
        ['customer', 'status', 'message'],
        ['jdoe-studio', 'valid', ''],
        ['acme', 'invalid', 'revoked'],
      ]),
    ).toBe(
      ['customer     status   message', 'jdoe-studio  valid    ', 'acme         invalid  revoked'].join('\n'),
    );
  });
});
