import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fromRepositoryRoot } from '../../lib/cli/repository-root.js';
import { runCli } from '../support/cli.js';
import { exampleProject } from '../support/example-project.js';

describe('a command run below the repository root', () => {
  test('moves to the nearest directory with cdktf.json, with every path option made absolute where it was typed', () => {
    const { dir } = exampleProject();
    const sub = join(dir, 'customers');
    const args = [
      'import',
      '--customer',
      'acme-corp',
      '--p8',
      '../keys/AuthKey.p8',
      '--zip=k.zip',
      '--sealed',
      '-',
      '--junit',
      'out.xml',
      '--customers',
      '.',
      '--out=',
    ];
    expect(fromRepositoryRoot(args, sub)).toEqual({
      root: dir,
      argv: [
        'import',
        '--customer',
        'acme-corp',
        '--p8',
        join(dir, 'keys/AuthKey.p8'),
        `--zip=${join(sub, 'k.zip')}`,
        '--sealed',
        '-',
        '--junit',
        join(sub, 'out.xml'),
        '--customers',
        sub,
        '--out=',
      ],
    });
  });

  test('at the root, or where no cdktf.json is above, nothing changes', () => {
    const { dir } = exampleProject();
    expect(fromRepositoryRoot(['lint', '--junit', 'x.xml'], dir)).toEqual({
      argv: ['lint', '--junit', 'x.xml'],
    });
    const nowhere = mkdtempSync(join(tmpdir(), 'asc-keys-no-root-'));
    expect(fromRepositoryRoot(['lint'], nowhere)).toEqual({ argv: ['lint'] });
  });

  test('through the CLI: lint from a directory two levels down reads the records and writes --junit where it was asked', async () => {
    const { dir } = exampleProject();
    const sub = join(dir, 'ops', 'notes');
    mkdirSync(sub, { recursive: true });
    const r = await runCli(['lint', '--junit', 'lint.xml'], { cwd: sub });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('3 record files and cdktf.json: 0 errors, 0 warnings\n');
    expect(readFileSync(join(sub, 'lint.xml'), 'utf8')).toContain('acme-corp');
    expect(existsSync(join(dir, 'lint.xml'))).toBe(false);
  });
});
