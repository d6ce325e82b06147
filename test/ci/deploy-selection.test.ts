import { describe, expect, test } from 'vitest';
import { shardOf } from '../../lib/checks/select-customers.js';
import { deployableStacks, deployMatrix, stacksOfPart } from '../../lib/ci/deploy-selection.js';

const fleet = Array.from({ length: 200 }, (_, i) => `customer-c${i}`);

describe('which job applies which stack', () => {
  test('the platform first, then the customers as affected lists them', () => {
    expect(deployableStacks(['customer-b', 'platform', 'customer-a'])).toEqual([
      'platform',
      'customer-b',
      'customer-a',
    ]);
  });

  test('the shards cover every customer stack exactly once, by the hash of --shard; the platform is no shard', () => {
    const stacks = ['platform', ...fleet];
    const parts = [1, 2, 3, 4, 5].map((index) =>
      stacksOfPart(stacks, { kind: 'shard', shard: { index, count: 5 } }),
    );
    expect(parts.flat().sort()).toEqual([...fleet].sort());
    for (const [i, part] of parts.entries()) {
      expect(part.length).toBeGreaterThan(0);
      for (const s of part) expect(shardOf(s.slice('customer-'.length), 5)).toBe(i + 1);
    }
    expect(stacksOfPart(stacks, { kind: 'platform' })).toEqual(['platform']);
    expect(stacksOfPart(stacks, { kind: 'all' })).toEqual(stacks);
  });

  test('the matrix: the platform job when the platform is affected, and only the shards that hold a stack', () => {
    expect(deployMatrix(['platform', ...fleet], 16)).toEqual({
      platform: true,
      shards: Array.from({ length: 16 }, (_, i) => i + 1),
    });
    // One record changed: one job, in the shard of that customer.
    expect(deployMatrix(['customer-globex'], 16)).toEqual({
      platform: false,
      shards: [shardOf('globex', 16)],
    });
    expect(deployMatrix([], 16)).toEqual({ platform: false, shards: [] });
  });

  test('a shard count GitHub cannot run, or a name that is no stack, is a usage error that names the setting', () => {
    for (const n of [0, 257, 1.5, NaN])
      expect(() => deployMatrix(fleet, n)).toThrow(
        /the shard count must be a whole number from 1 to 256.*set SHARDS in deploy.yml/,
      );
    expect(() => deployableStacks(['customer-a', 'Customer_B'])).toThrow(
      /^affected: Customer_B is not a stack name/,
    );
  });
});
