import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { exampleProject } from '../support/example-project.js';
import { REPO } from '../support/project.js';

// Every other end-to-end test runs `node dist/lib/cli/bin.js`; this one proves that the name a
// user types reaches that file: package.json's bin entry, its shebang and its executable bit.
describe('npx asc-keys', () => {
  test('runs the built CLI through the package bin link, from another directory', async () => {
    const { dir } = exampleProject();
    // `--no` keeps npx from ever fetching a package; `--prefix` finds this repository's bin.
    const r = await runCli(['--version'], { cwd: dir }, ['npx', '--no', '--prefix', REPO, 'asc-keys']);
    const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${version}\n`);
    expect(r.code).toBe(0);
    const lint = await runCli(['lint'], { cwd: dir }, ['npx', '--no', '--prefix', REPO, 'asc-keys']);
    expect(lint.code).toBe(0);
    expect(lint.stdout).toBe('3 record files and cdktf.json: 0 errors, 0 warnings\n');
  });
});
