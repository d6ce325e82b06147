import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  removeStaleStacks,
  stacksWrittenBefore,
  unproducedStackDirs,
} from '../../lib/cli/commands/stale-stacks.js';

/** What synth leaves in its output folder when a customer's stack is gone. */
describe('stale stacks in the output folder', () => {
  /** An output folder as cdktf writes it, with these stacks and their two files each. */
  function out(stacks: readonly string[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'asc-keys-out-'));
    const manifest: Record<string, unknown> = {};
    for (const name of stacks) {
      mkdirSync(join(dir, 'stacks', name), { recursive: true });
      writeFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), '{}');
      writeFileSync(join(dir, 'stacks', name, 'metadata.json'), '{}');
      manifest[name] = {
        synthesizedStackPath: `stacks/${name}/cdk.tf.json`,
        stackMetadataPath: `stacks/${name}/metadata.json`,
      };
    }
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ stacks: manifest }));
    return dir;
  }

  test("a removed customer's stack goes; one with Terraform's files beside it is kept and named; the current ones stay", () => {
    const dir = out(['platform', 'customer-acme', 'customer-gone', 'customer-applied']);
    writeFileSync(join(dir, 'stacks', 'customer-applied', 'terraform.tfstate'), '{}');
    const before = stacksWrittenBefore(dir);
    const r = removeStaleStacks(dir, before, ['platform', 'customer-acme']);
    expect(r).toEqual({ removed: ['customer-gone'], kept: [join(dir, 'stacks', 'customer-applied')] });
    expect(existsSync(join(dir, 'stacks', 'customer-gone'))).toBe(false);
    expect(existsSync(join(dir, 'stacks', 'customer-applied', 'terraform.tfstate'))).toBe(true);
    expect(existsSync(join(dir, 'stacks', 'customer-applied', 'cdk.tf.json'))).toBe(false);
    expect(existsSync(join(dir, 'stacks', 'customer-acme', 'cdk.tf.json'))).toBe(true);
    expect(unproducedStackDirs(dir, ['platform', 'customer-acme'])).toEqual([
      join(dir, 'stacks', 'customer-applied'),
    ]);
  });

  test('a stack whose folder someone already deleted counts as removed', () => {
    const dir = out(['platform', 'customer-gone']);
    const before = stacksWrittenBefore(dir);
    rmSync(join(dir, 'stacks', 'customer-gone'), { recursive: true });
    expect(removeStaleStacks(dir, before, ['platform'])).toEqual({ removed: ['customer-gone'], kept: [] });
  });

  test('an output folder without stacks/ (a first synth) has no folder of another stack', () => {
    expect(unproducedStackDirs(mkdtempSync(join(tmpdir(), 'asc-keys-out-')), ['platform'])).toEqual([]);
  });
});
