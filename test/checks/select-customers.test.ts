import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { parseShard, selectCustomers, shardOf } from '../../lib/checks/select-customers.js';
import { UsageError } from '../../lib/errors.js';
import { record } from '../support/records.js';

const records = Array.from({ length: 200 }, (_, i) => record({ customer: `c-${i}` }));

describe('selectCustomers', () => {
  test('n shards cover every customer exactly once, and stay the same from run to run', () => {
    for (const n of [1, 2, 3, 7]) {
      const seen = Array.from({ length: n }, (_, i) =>
        selectCustomers(records, new Map(), { shard: { index: i + 1, count: n } }).records.map(
          (r) => r.customer,
        ),
      ).flat();
      assert.equal(seen.length, 200);
      assert.equal(new Set(seen).size, 200);
    }
    assert.equal(shardOf('acme-corp', 4), shardOf('acme-corp', 4));
    assert.deepEqual(
      [shardOf('acme-corp', 4), shardOf('globex', 4)],
      [shardOf('acme-corp', 4), shardOf('globex', 4)],
    );
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
        e instanceof UsageError && e.message === '--customer nope: no such customer in the records',
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
          e.message === `--shard "${bad}" must be i/n with 1 <= i <= n, for example 2/4`,
      );
    }
  });
});
