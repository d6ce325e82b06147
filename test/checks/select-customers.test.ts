import assert from 'node:assert/strict';
import { describe, expect, test } from 'vitest';
import { parseShard, selectCustomers, shardOf } from '../../lib/checks/select-customers.js';
import { UsageError } from '../../lib/errors.js';
import { record } from '../support/records.js';

const records = Array.from({ length: 200 }, (_, i) => record({ customer: `c-${i}` }));

describe('selectCustomers', () => {
  test('shards 1..n for n = 1..8 cover every customer exactly once', () => {
    const all = records.map((r) => r.customer).sort();
    for (let n = 1; n <= 8; n++) {
      const seen = Array.from({ length: n }, (_, i) =>
        selectCustomers(records, new Map(), { shard: { index: i + 1, count: n } }).records.map(
          (r) => r.customer,
        ),
      ).flat();
      expect(seen.sort(), `n = ${n}`).toEqual(all);
    }
  });

  // Fixed expected values: a release that changed the hash would move customers between the
  // nightly shards (and their JUnit artifacts), so this table must only change on purpose.
  test("a customer's shard is the same in every release", () => {
    const pinned: Record<string, readonly number[]> = {
      // shard of n = 1, 2, …, 8
      'acme-corp': [1, 1, 1, 1, 2, 1, 3, 5],
      globex: [1, 2, 1, 2, 1, 4, 6, 6],
      initech: [1, 1, 2, 3, 4, 5, 1, 3],
      umbrella: [1, 2, 2, 2, 2, 2, 6, 2],
      'c-0': [1, 1, 2, 3, 2, 5, 6, 7],
      'c-199': [1, 2, 1, 2, 5, 4, 1, 2],
    };
    for (const [slug, shards] of Object.entries(pinned))
      expect(
        shards.map((_, i) => shardOf(slug, i + 1)),
        slug,
      ).toEqual(shards);
    const of = (n: number): string => Array.from({ length: 40 }, (_, i) => shardOf(`c-${i}`, n)).join('');
    expect(of(8)).toBe('7841352782142251173665115761545875871732');
    expect(of(3)).toBe('2112223113311121133132311121321123311231');
    expect(
      selectCustomers(records, new Map(), { shard: { index: 3, count: 8 } })
        .records.slice(0, 5)
        .map((r) => r.customer),
    ).toEqual(['c-4', 'c-18', 'c-38', 'c-43', 'c-45']);
  });

  test('shards are roughly even', () => {
    const sizes = [1, 2, 3, 4].map(
      (i) => selectCustomers(records, new Map(), { shard: { index: i, count: 4 } }).records.length,
    );
    for (const s of sizes) assert.ok(s > 30 && s < 70, String(sizes));
  });

  test('--customer keeps the named ones, invalid records included; an unknown one is a usage error', () => {
    const invalid = new Map([
      ['customers/broken.yaml', undefined],
      ['customers/x.yaml', 'named'],
    ]);
    const s = selectCustomers(records, invalid, { customers: ['c-1', 'broken'] });
    assert.deepEqual(
      s.records.map((r) => r.customer),
      ['c-1'],
    );
    assert.deepEqual([...s.invalid], [['customers/broken.yaml', 'broken']]);
    assert.throws(
      () => selectCustomers(records, invalid, { customers: ['nope'] }),
      (e: unknown) =>
        e instanceof UsageError &&
        e.what === '--customer nope: no such customer in the records' &&
        e.nextStep.includes('asc-keys status'),
    );
  });

  test('parseShard', () => {
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '1-4']) {
      assert.throws(
        () => parseShard(bad),
        (e: unknown) =>
          e instanceof UsageError &&
          e.code === 'USAGE' &&
          e.message === `--shard "${bad}" must be i/n with 1 <= i <= n; for example --shard 2/4`,
      );
    }
  });
});
