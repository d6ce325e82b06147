import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { recordText, REPO, tempProject } from '../support/project.js';

/** A temporary copy of the bundled example customers, with the example cdktf.json. */
function exampleProject(): ReturnType<typeof tempProject> {
  const project = tempProject({});
  cpSync(join(REPO, 'customers'), project.customers, { recursive: true });
  return project;
}

describe('asc-keys lint', () => {
  test('the bundled examples pass: exit 0, a summary on stdout, nothing on stderr', async () => {
    const { dir } = exampleProject();
    const r = await runCli(['lint'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '4 files, 0 errors, 0 warnings\n');
    assert.equal(r.stderr, '');
  });

  test('findings: file:line:column in text, the contract JSON, JUnit failures, exit 1', async () => {
    const project = exampleProject();
    writeFileSync(join(project.customers, 'acme-corp.yaml'), recordText({ keyId: 'bad-id' }));
    writeFileSync(join(project.customers, 'notes.yml'), 'x: 1\n');
    const text = await runCli(['lint'], { cwd: project.dir });
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^customers\/acme-corp\.yaml:6:10: error FIELD_INVALID apiKey\.keyId must be exactly 10 characters/m);
    assert.match(text.stdout, /^customers\/notes\.yml:1:1: error FILE_YML_EXTENSION must end in \.yaml; rename it to notes\.yaml$/m);

    const junit = join(project.dir, 'lint.xml');
    const json = await runCli(['lint', '--format', 'json', '--junit', junit], { cwd: project.dir });
    assert.equal(json.code, 1);
    const doc = JSON.parse(json.stdout);
    assert.deepEqual(doc.summary, { files: 5, errors: 2, warnings: 0 });
    assert.deepEqual(Object.keys(doc.findings[0]), ['file', 'line', 'column', 'severity', 'code', 'message']);
    assert.deepEqual(doc.findings.map((f: { code: string; line: number }) => [f.code, f.line]), [['FIELD_INVALID', 6], ['FILE_YML_EXTENSION', 1]]);
    const xml = readFileSync(junit, 'utf8');
    assert.equal(xml.match(/<testcase /g)?.length, 4);
    assert.equal(xml.match(/<failure /g)?.length, 2);
    assert.match(xml, /<failure message="FIELD_INVALID: apiKey.keyId must be exactly 10 characters/);
  });

  test('--customers reaches another directory, and findings name the path through it', async () => {
    const project = tempProject({ 'acme-corp.yaml': recordText({ createdOn: '2026-02-30' }) });
    const r = await runCli(['lint', '--customers', project.customers], { cwd: project.dir });
    assert.equal(r.code, 1);
    assert.ok(r.stdout.startsWith(`${join(project.customers, 'acme-corp.yaml')}:10:14: error DATE_INVALID`), r.stdout);
  });

  test('GitHub annotations on stderr under GITHUB_ACTIONS=true, and a step summary', async () => {
    const project = exampleProject();
    writeFileSync(join(project.customers, 'acme-corp.yaml'), recordText({ keyId: 'bad-id' }));
    const summary = join(project.dir, 'summary.md');
    writeFileSync(summary, '');
    const r = await runCli(['lint', '--format', 'json'], { cwd: project.dir, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    assert.equal(r.code, 1);
    JSON.parse(r.stdout);
    assert.match(r.stderr, /^::error title=asc-keys FIELD_INVALID,file=customers\/acme-corp\.yaml,line=6,col=10::apiKey\.keyId must be/m);
    assert.match(readFileSync(summary, 'utf8'), /<h3>asc-keys lint<\/h3>[\s\S]*\| customers\/acme-corp\.yaml \| 6 \| error \| FIELD_INVALID \|/);
  });

  test('usage errors exit 2: an unknown option, a bad format, an unreadable directory', async () => {
    const { dir } = exampleProject();
    const unknown = await runCli(['lint', '--frobnicate'], { cwd: dir });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--frobnicate'/);
    const format = await runCli(['lint', '--format', 'xml'], { cwd: dir });
    assert.equal(format.code, 2);
    assert.match(format.stderr, /Allowed choices are text, json/);
    const missing = await runCli(['lint', '--customers', 'nowhere'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'asc-keys: cannot read the customers directory "nowhere" (ENOENT); run from the repository root or pass --customers <dir>\n');
    assert.equal(missing.stdout, '');
  });

  test('no stack trace for a user error, unless --debug', async () => {
    const { dir } = exampleProject();
    const plain = await runCli(['lint', '--customers', 'nowhere'], { cwd: dir });
    assert.doesNotMatch(plain.stderr, /\n\s+at /);
    const debug = await runCli(['lint', '--customers', 'nowhere', '--debug'], { cwd: dir });
    assert.equal(debug.code, 2);
    assert.match(debug.stderr, /\n\s+at .*load-records/);
  });

  test('a missing cdktf.json is a configuration error (exit 2)', async () => {
    const project = tempProject({ 'acme-corp.yaml': recordText() });
    const r = await runCli(['lint', '--customers', project.customers], { cwd: REPO + '/customers' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read the platform configuration cdktf\.json \(ENOENT\); run asc-keys from the repository root/);
  });
});

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
    writeFileSync(join(project.customers, 'globex.yaml'), readFileSync(join(project.customers, 'acme-corp.yaml'), 'utf8').replace('customer: acme-corp', 'customer: globex').replace(/2X9R4HXF34/g, 'ZZZZZZZZZZ').replace('1234567890', '99').replace('asc-keys/acme-corp', 'asc-keys/globex'));
    const { rmSync } = await import('node:fs');
    rmSync(join(project.customers, 'jdoe-studio.yaml'));
    assert.equal((await runCli(['synth', '--out', 'out'], { cwd: project.dir })).code, 0);
    assert.ok(!existsSync(join(project.dir, 'out', 'stacks', 'customer-jdoe-studio')));
  });
});

describe('asc-keys status', () => {
  const record = (customer: string, createdOn: string, extra?: string): string =>
    recordText({ customer, createdOn, appleId: String(customer.length * 1111), keyId: customer.toUpperCase().padEnd(10, 'X').slice(0, 10), ...(extra && { extra }) });

  test('age, due day, days left and overdue, in text, JSON and Markdown; overdue is a warning, exit 0', async () => {
    const project = tempProject({ 'fresh.yaml': record('fresh', '2099-01-01'), 'old.yaml': record('old', '2000-01-01', 'rotation:\n  maxAgeDays: 100\n  remindDaysBefore: []') });
    const text = await runCli(['status'], { cwd: project.dir });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^customer\s+key ID\s+age \(days\)\s+rotation due\s+days left\s+overdue$/m);
    assert.match(text.stdout, /^old\s+OLDXXXXXXX\s+\d+\s+2000-04-10\s+-\d+\s+OVERDUE$/m);
    assert.match(text.stdout, /^2 customers, 1 overdue$/m);

    const json = JSON.parse((await runCli(['status', '--format', 'json'], { cwd: project.dir })).stdout);
    const fresh = json.customers.find((c: { customer: string }) => c.customer === 'fresh');
    assert.deepEqual({ ...fresh, ageDays: undefined, daysLeft: undefined }, { customer: 'fresh', file: 'customers/fresh.yaml', keyId: 'FRESHXXXXX', createdOn: '2099-01-01', ageDays: undefined, rotationDue: '2100-01-01', daysLeft: undefined, overdue: false });
    assert.ok(fresh.ageDays < 0 && fresh.daysLeft > 365);
    assert.deepEqual(json.summary, { customers: 2, overdue: 1, errors: 0 });

    const md = await runCli(['status', '--format', 'markdown'], { cwd: project.dir });
    assert.match(md.stdout, /^\| customer \| key ID \| age \(days\) \| rotation due \| days left \| overdue \|$/m);
    assert.match(md.stdout, /^\| old \| OLDXXXXXXX \| \d+ \| 2000-04-10 \| -\d+ \| OVERDUE \|$/m);

    const gh = await runCli(['status'], { cwd: project.dir, env: { GITHUB_ACTIONS: 'true' } });
    assert.match(gh.stderr, /^::warning title=asc-keys ROTATION_OVERDUE,file=customers\/old\.yaml,line=5,col=1::the key OLDXXXXXXX of old was due for rotation on 2000-04-10$/m);
  });

  test('invalid records are listed and exit 1; the valid ones are still shown', async () => {
    const project = tempProject({ 'fresh.yaml': record('fresh', '2099-01-01'), 'broken.yaml': 'customer: [' });
    const r = await runCli(['status'], { cwd: project.dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /broken\.yaml:\d+:\d+: error YAML_SYNTAX/);
    assert.match(r.stdout, /^fresh\s+FRESHXXXXX/m);
  });
});
