import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { runCliIn } from '../support/run-in-process.js';
import { exampleProject } from '../support/example-project.js';
import { recordText } from '../support/project.js';

/** The example project as a git repository with one commit on main, and a branch to change. */
function repository(): string {
  const { dir } = exampleProject();
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'base');
  git('checkout', '-q', '-b', 'change');
  return dir;
}

describe('asc-keys affected', () => {
  test('a record changed, one added, one removed: exactly their stacks', async () => {
    const dir = repository();
    writeFileSync(
      join(dir, 'customers/acme-corp.yaml'),
      readFileSync(join(dir, 'customers/acme-corp.yaml'), 'utf8').replace('ACME Corp', 'ACME Corporation'),
    );
    writeFileSync(
      join(dir, 'customers/initech.yaml'),
      recordText({ customer: 'initech', appleId: '555', keyId: 'INITECH001' }),
    );
    rmSync(join(dir, 'customers/globex.yaml'));
    const text = await runCli(['affected', '--base', 'main'], { cwd: dir });
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, 'customer-acme-corp\ncustomer-globex\ncustomer-initech\n');
    // Only the removed record's stack is said to be destroyed, on stderr: stdout stays the list.
    assert.equal(
      text.stderr,
      "asc-keys: customer-globex: its record was removed, so the deploy destroys this stack: the customer's reminders, and the secret with the platform's recovery window (secretRecoveryWindowDays)\n",
    );
    const json = JSON.parse(
      (await runCli(['affected', '--base', 'main', '--format', 'json'], { cwd: dir })).stdout,
    );
    assert.deepEqual(json, {
      base: 'main',
      all: false,
      stacks: ['customer-acme-corp', 'customer-globex', 'customer-initech'],
      files: ['customers/acme-corp.yaml', 'customers/globex.yaml', 'customers/initech.yaml'],
      removed: ['customer-globex'],
    });
  });

  test('the platform configuration touches every stack', async () => {
    const dir = repository();
    writeFileSync(
      join(dir, 'cdktf.json'),
      readFileSync(join(dir, 'cdktf.json'), 'utf8').replace(
        '"secretRecoveryWindowDays": 30',
        '"secretRecoveryWindowDays": 14',
      ),
    );
    const r = await runCliIn(['affected', '--base', 'main'], { cwd: dir });
    assert.equal(r.stdout, 'platform\ncustomer-acme-corp\ncustomer-globex\ncustomer-jdoe-studio\n');
  });

  test('no change, or a change outside the records: no stack', async () => {
    const dir = repository();
    writeFileSync(join(dir, 'customers/README.md'), '# edited\n');
    const r = await runCliIn(['affected', '--base', 'main'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'no stack is affected by the changes since main\n');
  });

  test('an unknown base is a usage error that says what to do', async () => {
    const dir = repository();
    const r = await runCliIn(['affected', '--base', 'origin/nowhere'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^asc-keys: git cannot compare with --base origin\/nowhere \(.*\); fetch that ref \(actions\/checkout with fetch-depth: 0\)/,
    );
    assert.equal((await runCliIn(['affected'], { cwd: dir })).code, 2);
  });

  test('--customers with a trailing slash, ./ or an absolute path inside the repository means the same directory', async () => {
    const dir = repository();
    writeFileSync(
      join(dir, 'customers/initech.yaml'),
      recordText({ customer: 'initech', appleId: '555', keyId: 'INITECH001' }),
    );
    for (const customers of [
      'customers/',
      './customers',
      'customers//',
      join(dir, 'customers'),
      `${join(dir, 'customers')}/`,
    ]) {
      const r = await runCliIn(['affected', '--base', 'main', '--customers', customers], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'customer-initech\n', customers);
      const lint = await runCliIn(['lint', '--customers', customers, '--format', 'json'], { cwd: dir });
      assert.equal(JSON.parse(lint.stdout).summary.errors, 0, customers);
    }
    const outside = await runCliIn(['affected', '--base', 'main', '--customers', '/tmp'], { cwd: dir });
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /--customers \/tmp is outside the repository/);
  });

  test('findings name the file the same way whatever the spelling of --customers', async () => {
    const dir = repository();
    writeFileSync(join(dir, 'customers/acme-corp.yaml'), '');
    for (const customers of ['customers/', join(dir, 'customers')]) {
      const r = await runCliIn(['lint', '--customers', customers], { cwd: dir });
      assert.match(r.stdout, /^customers\/acme-corp\.yaml:1:1: error FILE_EMPTY/m, customers);
    }
  });

  test('a --base that looks like an option never reaches git as one; an empty one is a usage error', async () => {
    const dir = repository();
    for (const base of ['--independent', '--output=/tmp/x']) {
      const r = await runCliIn(['affected', `--base=${base}`], { cwd: dir });
      assert.equal(r.code, 2, base);
      assert.match(r.stderr, /is not a git ref; name a branch, tag or commit/);
    }
    const empty = await runCliIn(['affected', '--base', ''], { cwd: dir });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /argument '' is invalid\. must not be empty/);
  });
});
