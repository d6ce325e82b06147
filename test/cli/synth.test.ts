import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { exampleProject } from '../support/example-project.js';

describe('asc-keys synth', () => {
  test('writes the platform stack and one stack per customer, with the JSON summary', async () => {
    const { dir } = exampleProject();
    const r = await runCli(['synth', '--format', 'json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.summary, { stacks: 4, customers: 3, warnings: 0 });
    for (const name of ['platform', 'customer-acme-corp', 'customer-globex', 'customer-jdoe-studio']) {
      assert.ok(existsSync(join(dir, 'cdktf.out', 'stacks', name, 'cdk.tf.json')), name);
    }
  });

  test('writes nothing when lint finds an error, and exits 1', async () => {
    const project = exampleProject();
    writeFileSync(join(project.customers, 'globex.yaml'), '');
    const r = await runCli(['synth', '--out', 'out'], { cwd: project.dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /globex\.yaml:1:1: error FILE_EMPTY/);
    assert.ok(!existsSync(join(project.dir, 'out')));
  });

  test('a removed customer leaves no stale stack behind', async () => {
    const project = exampleProject();
    assert.equal((await runCli(['synth', '--out', 'out'], { cwd: project.dir })).code, 0);
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
    assert.equal((await runCli(['synth', '--out', 'out'], { cwd: project.dir })).code, 0);
    assert.ok(!existsSync(join(project.dir, 'out', 'stacks', 'customer-jdoe-studio')));
  });
});
