import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { runCliIn } from '../support/run-in-process.js';
import { exampleProject } from '../support/example-project.js';
import { recordText, tempProject } from '../support/project.js';

describe('asc-keys lint', () => {
  test('the bundled examples pass: exit 0, a summary on stdout, nothing on stderr', async () => {
    const { dir } = exampleProject();
    const r = await runCli(['lint'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '3 record files and cdktf.json: 0 errors, 0 warnings\n');
    assert.equal(r.stderr, '');
  });

  test('findings: file:line:column in text, the contract JSON, JUnit failures, exit 1', async () => {
    const project = exampleProject();
    writeFileSync(join(project.customers, 'acme-corp.yaml'), recordText({ keyId: 'bad-id' }));
    writeFileSync(join(project.customers, 'notes.yml'), 'x: 1\n');
    const text = await runCliIn(['lint'], { cwd: project.dir });
    assert.equal(text.code, 1);
    assert.match(
      text.stdout,
      /^customers\/acme-corp\.yaml:6:10: error FIELD_INVALID apiKey\.keyId must be exactly 10 characters/m,
    );
    assert.match(
      text.stdout,
      /^customers\/notes\.yml:1:1: error FILE_YML_EXTENSION must end in \.yaml; rename it to notes\.yaml$/m,
    );

    const junit = join(project.dir, 'lint.xml');
    const json = await runCliIn(['lint', '--format', 'json', '--junit', junit], { cwd: project.dir });
    assert.equal(json.code, 1);
    const doc = JSON.parse(json.stdout);
    assert.deepEqual(doc.summary, { files: 4, errors: 2, warnings: 0 });
    assert.deepEqual(Object.keys(doc.findings[0]), ['file', 'line', 'column', 'severity', 'code', 'message']);
    assert.deepEqual(
      doc.findings.map((f: { code: string; line: number }) => [f.code, f.line]),
      [
        ['FIELD_INVALID', 6],
        ['FILE_YML_EXTENSION', 1],
      ],
    );
    const xml = readFileSync(junit, 'utf8');
    assert.equal(xml.match(/<testcase /g)?.length, 4);
    assert.equal(xml.match(/<failure /g)?.length, 2);
    assert.match(xml, /<failure message="FIELD_INVALID: apiKey.keyId must be exactly 10 characters/);
  });

  test('--customers reaches another directory, and findings name the path through it', async () => {
    const project = tempProject({ 'acme-corp.yaml': recordText({ createdOn: '2026-02-30' }) });
    // Outside the repository root: the path as given.
    const elsewhere = tempProject({ 'acme-corp.yaml': recordText({ createdOn: '2026-02-30' }) });
    const r = await runCliIn(['lint', '--customers', elsewhere.customers], { cwd: project.dir });
    assert.equal(r.code, 1);
    assert.ok(
      r.stdout.startsWith(`${join(elsewhere.customers, 'acme-corp.yaml')}:10:14: error DATE_INVALID`),
      r.stdout,
    );
    // Inside it, as an absolute path: the same directory as "customers", named the same way.
    const inside = await runCliIn(['lint', '--customers', project.customers], { cwd: project.dir });
    assert.ok(inside.stdout.startsWith('customers/acme-corp.yaml:10:14: error DATE_INVALID'), inside.stdout);
  });

  test('GitHub annotations on stderr under GITHUB_ACTIONS=true, and a step summary', async () => {
    const project = exampleProject();
    writeFileSync(join(project.customers, 'acme-corp.yaml'), recordText({ keyId: 'bad-id' }));
    const summary = join(project.dir, 'summary.md');
    writeFileSync(summary, '');
    // A process of its own: the step summary's file is read once per process (@actions/core).
    const r = await runCli(['lint', '--format', 'json'], {
      cwd: project.dir,
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
    assert.equal(r.code, 1);
    JSON.parse(r.stdout);
    assert.match(
      r.stderr,
      /^::error title=asc-keys FIELD_INVALID,file=customers\/acme-corp\.yaml,line=6,col=10::apiKey\.keyId must be/m,
    );
    assert.match(
      readFileSync(summary, 'utf8'),
      /<h3>asc-keys lint<\/h3>[\s\S]*\| customers\/acme-corp\.yaml \| 6 \| error \| FIELD_INVALID \|/,
    );
  });

  test('usage errors exit 2: an unknown option, a bad format, an unreadable directory', async () => {
    const { dir } = exampleProject();
    const unknown = await runCliIn(['lint', '--frobnicate'], { cwd: dir });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--frobnicate'/);
    const format = await runCliIn(['lint', '--format', 'xml'], { cwd: dir });
    assert.equal(format.code, 2);
    assert.match(format.stderr, /Allowed choices are text, json/);
    const missing = await runCliIn(['lint', '--customers', 'nowhere'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.equal(
      missing.stderr,
      'asc-keys: cannot read the customers directory "nowhere" (ENOENT); run from the repository root or pass --customers <dir>\n',
    );
    assert.equal(missing.stdout, '');
  });

  test('no stack trace for a user error, unless --debug', async () => {
    const { dir } = exampleProject();
    const plain = await runCliIn(['lint', '--customers', 'nowhere'], { cwd: dir });
    assert.doesNotMatch(plain.stderr, /\n\s+at /);
    const debug = await runCliIn(['lint', '--customers', 'nowhere', '--debug'], { cwd: dir });
    assert.equal(debug.code, 2);
    assert.match(debug.stderr, /\n\s+at .*load-records/);
  });

  test('a missing cdktf.json is a configuration error (exit 2)', async () => {
    const project = tempProject({ 'acme-corp.yaml': recordText() });
    // A directory with no cdktf.json in it or above it (below one, the command moves to that root).
    const nowhere = mkdtempSync(join(tmpdir(), 'asc-keys-no-config-'));
    const r = await runCliIn(['lint', '--customers', project.customers], { cwd: nowhere });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /cannot read the platform configuration cdktf\.json \(ENOENT\); run asc-keys from the repository root/,
    );
  });
});
