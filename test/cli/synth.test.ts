import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { runCliIn } from '../support/run-in-process.js';
import { exampleProject } from '../support/example-project.js';

describe('asc-keys synth', () => {
  test('writes the custody and platform stacks and one stack per customer, each with its zone, in the JSON summary', async () => {
    const { dir } = exampleProject();
    const r = await runCli(['synth', '--format', 'json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.summary, { stacks: 5, customers: 3, warnings: 0 });
    for (const name of [
      'custody',
      'platform',
      'customer-acme-corp',
      'customer-globex',
      'customer-jdoe-studio',
    ]) {
      assert.ok(existsSync(join(dir, 'cdktf.out', 'stacks', name, 'cdk.tf.json')), name);
    }
    const zones = Object.fromEntries(
      (doc.stacks as { name: string; zone: string }[]).map((s) => [s.name, s.zone]),
    );
    assert.equal(zones.custody, 'administrators');
    assert.equal(zones.platform, 'deployer');
    assert.equal(zones['customer-acme-corp'], 'deployer');
  });

  test('never runs terraform: synthesizing needs no binary, and a stack per customer costs no process', async () => {
    const { dir } = exampleProject();
    // A terraform first on PATH that leaves a mark and fails, as a missing one would.
    const bin = join(dir, 'fake-bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'terraform'),
      `#!/bin/sh\necho "$@" >> "${join(dir, 'terraform-ran')}"\nexit 127\n`,
      {
        mode: 0o755,
      },
    );
    const r = await runCli(['synth'], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH}` } });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'cdktf.out', 'stacks', 'customer-acme-corp', 'cdk.tf.json')));
    assert.ok(!existsSync(join(dir, 'terraform-ran')), 'synth ran terraform');
  });

  test('writes nothing when lint finds an error, and exits 1', async () => {
    const project = exampleProject();
    writeFileSync(join(project.customers, 'globex.yaml'), '');
    const r = await runCliIn(['synth', '--out', 'out'], { cwd: project.dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /globex\.yaml:1:1: error FILE_EMPTY/);
    assert.ok(!existsSync(join(project.dir, 'out')));
  });

  test('a removed customer leaves no stale stack behind', async () => {
    const project = exampleProject();
    assert.equal((await runCliIn(['synth', '--out', 'out'], { cwd: project.dir })).code, 0);
    cpSync(join(project.customers, 'globex.yaml'), join(project.dir, 'globex.bak'));
    writeFileSync(
      join(project.customers, 'globex.yaml'),
      readFileSync(join(project.customers, 'acme-corp.yaml'), 'utf8')
        .replace('customer: acme-corp', 'customer: globex')
        .replace(/2X9R4HXF34/g, 'ZZZZZZZZZZ')
        .replace('1234567890', '99')
        .replace('asc-keys/acme-corp', 'asc-keys/globex'),
    );
    rmSync(join(project.customers, 'jdoe-studio.yaml'));
    assert.equal((await runCliIn(['synth', '--out', 'out'], { cwd: project.dir })).code, 0);
    assert.ok(!existsSync(join(project.dir, 'out', 'stacks', 'customer-jdoe-studio')));
  });

  test('a synth --out directory with foreign content keeps it: only stacks synth wrote are removed', async () => {
    const project = exampleProject();
    const out = join(project.dir, 'out');
    assert.equal((await runCliIn(['synth', '--out', 'out'], { cwd: project.dir })).code, 0);
    mkdirSync(join(out, 'stacks', 'foreign'));
    writeFileSync(join(out, 'stacks', 'foreign', 'main.tf'), '# not ours\n');
    writeFileSync(join(out, 'notes.txt'), 'keep me\n');
    // Terraform's local state beside a stack whose customer is then removed.
    writeFileSync(join(out, 'stacks', 'customer-globex', 'terraform.customer-globex.tfstate'), '{}');
    rmSync(join(project.customers, 'globex.yaml'));
    rmSync(join(project.customers, 'jdoe-studio.yaml'));
    const r = await runCliIn(['synth', '--out', 'out'], { cwd: project.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(out, 'stacks', 'foreign', 'main.tf'), 'utf8'), '# not ours\n');
    assert.equal(readFileSync(join(out, 'notes.txt'), 'utf8'), 'keep me\n');
    assert.ok(!existsSync(join(out, 'stacks', 'customer-jdoe-studio')));
    assert.ok(!existsSync(join(out, 'stacks', 'customer-globex', 'cdk.tf.json')));
    assert.ok(existsSync(join(out, 'stacks', 'customer-globex', 'terraform.customer-globex.tfstate')));
    assert.match(
      r.stderr,
      /^asc-keys: warning: kept out\/stacks\/customer-globex: its stack is gone, but it holds files synth did not write/m,
    );
    // A folder the last manifest never named is warned about too: no record produces it.
    assert.match(r.stderr, /^asc-keys: warning: kept out\/stacks\/foreign: its stack is gone/m);
    assert.match(
      r.stdout,
      /^Synthesized 3 stacks \(custody, which only administrators apply; platform and 1 customer\) into out\/stacks$/m,
    );
  });

  test('--out naming a file, or empty, is a usage error that changes nothing', async () => {
    const project = exampleProject();
    writeFileSync(join(project.dir, 'out.txt'), 'precious\n');
    const file = await runCliIn(['synth', '--out', 'out.txt'], { cwd: project.dir });
    assert.equal(file.code, 2);
    assert.match(
      file.stderr,
      /^asc-keys: --out out\.txt is not a directory; name a directory for the stacks/m,
    );
    assert.equal(readFileSync(join(project.dir, 'out.txt'), 'utf8'), 'precious\n');
    const empty = await runCliIn(['synth', '--out', ''], { cwd: project.dir });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /argument '' is invalid\. must not be empty/);
  });
});
