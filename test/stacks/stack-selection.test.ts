import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseStackList } from '../../lib/stacks/stack-selection.js';
import { UsageError } from '../../lib/errors.js';
import { runCli } from '../support/cli.js';
import { runCliIn } from '../support/run-in-process.js';
import { exampleProject } from '../support/example-project.js';
import { REPO } from '../support/project.js';

const stacksIn = (out: string): string[] => readdirSync(join(out, 'stacks')).sort();
const stackJson = (out: string, name: string) =>
  JSON.parse(readFileSync(join(out, 'stacks', name, 'cdk.tf.json'), 'utf8')) as {
    resource?: Record<string, unknown>;
    provider?: unknown;
  };

describe('stack selection', () => {
  test('a list of stack names, separated by commas or blanks; blank means every stack', () => {
    expect(parseStackList(' platform,customer-acme-corp\ncustomer-globex platform ')).toEqual([
      'platform',
      'customer-acme-corp',
      'customer-globex',
    ]);
    expect(parseStackList('')).toBeUndefined();
    expect(parseStackList(undefined)).toBeUndefined();
    expect(() => parseStackList('customer-acme-corp,acme-corp', '--stack')).toThrow(
      new UsageError('USAGE', '--stack: acme-corp is not a stack name', {
        next: 'use "platform" or "customer-<slug>", as "asc-keys affected" prints them',
      }),
    );
  });

  test('synth --stack writes only those stacks; a customer without a record gets an empty stack to destroy', async () => {
    const { dir } = exampleProject();
    const r = await runCli(
      ['synth', '--stack', 'customer-globex', '--stack', 'customer-gone', '--format', 'json'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = join(dir, 'cdktf.out');
    expect(stacksIn(out)).toEqual(['customer-globex', 'customer-gone']);
    expect(JSON.parse(r.stdout).stacks.map((s: { name: string }) => s.name)).toEqual([
      'customer-globex',
      'customer-gone',
    ]);
    expect(Object.keys(stackJson(out, 'customer-globex').resource ?? {})).toContain(
      'aws_secretsmanager_secret',
    );
    // Provider and backend, no resource: applying it destroys whatever the stack's state holds.
    const gone = stackJson(out, 'customer-gone');
    expect(gone.resource).toBeUndefined();
    expect(gone.provider).toBeDefined();
    // It says so: in the JSON, and in the text next to the summary (only for the stack without a record).
    expect(JSON.parse(r.stdout).removed).toEqual(['customer-gone']);
    const text = await runCliIn(['synth', '--stack', 'customer-globex,customer-gone'], { cwd: dir });
    expect(text.stdout.split('\n').filter((l) => l.includes('destroys'))).toEqual([
      "customer-gone has no record: it is synthesized empty, so applying it destroys the customer's reminders and secret (deleted with a recovery window of 30 days)",
    ]);
  });

  test('synth --stack reads only the selected records (lint checks the whole directory)', async () => {
    const { dir, customers } = exampleProject();
    writeFileSync(join(customers, 'acme-corp.yaml'), 'customer: acme-corp\n');
    const selected = await runCliIn(['synth', '--stack', 'customer-globex'], { cwd: dir });
    expect(selected.code, selected.stderr).toBe(0);
    expect(selected.stdout).toContain('Synthesized 1 of the stacks (customer-globex)');
    const all = await runCliIn(['synth'], { cwd: dir });
    expect(all.code).toBe(1);
    expect(all.stdout + all.stderr).toContain('acme-corp.yaml:1:1');
    const broken = await runCliIn(['synth', '--stack', 'customer-acme-corp'], { cwd: dir });
    expect(broken.code).toBe(1);
  });

  test('synth --stack with something that is not a stack name is a usage error', async () => {
    const { dir } = exampleProject();
    const r = await runCliIn(['synth', '--stack', 'globex'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--stack: globex is not a stack name');
    expect(existsSync(join(dir, 'cdktf.out'))).toBe(false);
  });

  test(`main.ts, as cdktf diff runs it, synthesizes only the stacks ASC_KEYS_STACKS names`, () => {
    const { dir } = exampleProject();
    const run = (stacks: string) =>
      spawnSync('node', [join(REPO, 'dist/main.js')], {
        cwd: dir,
        env: { ...process.env, CDKTF_OUTDIR: join(dir, `out-${stacks.length}`), ASC_KEYS_STACKS: stacks },
        encoding: 'utf8',
      });
    const r = run('platform customer-acme-corp');
    expect(r.status, r.stderr).toBe(0);
    expect(stacksIn(join(dir, `out-${'platform customer-acme-corp'.length}`))).toEqual([
      'customer-acme-corp',
      'platform',
    ]);
    const bad = run('everything');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      'ASC_KEYS_STACKS: everything is not a stack name; use "platform" or "customer-<slug>", as "asc-keys affected" prints them\n',
    );
  });
});
