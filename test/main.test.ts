import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { exampleProject } from './support/example-project.js';
import { REPO } from './support/project.js';

/** main.ts is what `cdktf synth` runs (cdktf.json "app"); cdktf passes the outdir in CDKTF_OUTDIR. */
function runMain(cwd: string): ReturnType<typeof spawnSync> {
  return spawnSync('node', [join(REPO, 'dist/main.js')], {
    cwd,
    env: { ...process.env, CDKTF_OUTDIR: join(cwd, 'out') },
    encoding: 'utf8',
  });
}

describe('main.ts, the CDKTF app', () => {
  test('synthesizes every stack into the outdir cdktf asks for', () => {
    const { dir } = exampleProject();
    const r = runMain(dir);
    assert.equal(r.status, 0, String(r.stderr));
    for (const name of ['platform', 'customer-acme-corp', 'customer-globex', 'customer-jdoe-studio'])
      assert.ok(existsSync(join(dir, 'out', 'stacks', name, 'cdk.tf.json')), name);
  });

  test('prints the findings and synthesizes nothing when a record has an error', () => {
    const { dir, customers } = exampleProject();
    writeFileSync(join(customers, 'globex.yaml'), 'customer: globex\n');
    const r = runMain(dir);
    assert.equal(r.status, 1);
    assert.match(String(r.stderr), /customers\/globex\.yaml:1:1: error FIELD_REQUIRED app is required/);
    assert.ok(!existsSync(join(dir, 'out', 'stacks')));
  });
});
