import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { main, suiteNeeded } from '../../lib/ci/suite-needed.js';
import { CLI_BIN } from '../support/cli.js';
import { REPO } from '../support/project.js';
import { workflow } from '../workflows/workflows.js';

const CDKTF = readFileSync(join(REPO, 'cdktf.json'), 'utf8');
const withContext = (change: (c: Record<string, unknown>) => void): string => {
  const config = JSON.parse(CDKTF) as Record<string, unknown>;
  change(config);
  return JSON.stringify(config, null, 2);
};

describe('suiteNeeded: records and platform settings only, or the tool', () => {
  test('records only, or cdktf.json changed in its context only: no suite', () => {
    expect(suiteNeeded(['customers/acme-corp.yaml', 'customers/globex.yaml'], CDKTF, CDKTF).needed).toBe(
      false,
    );
    const rotated = withContext((c) => {
      (c.context as { platform: { rotation: unknown } }).platform.rotation = { maxAgeDays: 180 };
    });
    expect(suiteNeeded(['cdktf.json', 'customers/a.yaml'], CDKTF, rotated)).toEqual({
      needed: false,
      reason: 'only records and platform settings changed',
    });
    expect(suiteNeeded(['records/a.yaml'], CDKTF, CDKTF, 'records/').needed).toBe(false);
  });

  test('code, dependencies, workflows, tests, or cdktf.json outside its context: the suite', () => {
    for (const file of [
      'lib/records/load-project.ts',
      'package-lock.json',
      '.github/workflows/pull-request.yml',
      'test/cli/lint.test.ts',
      'main.ts',
    ])
      expect(suiteNeeded(['customers/a.yaml', file], CDKTF, CDKTF), file).toEqual({
        needed: true,
        reason: `${file} changed`,
      });
    expect(suiteNeeded(['lib/a.ts', 'lib/b.ts'], CDKTF, CDKTF).reason).toBe('lib/a.ts and 1 more changed');
    const app = withContext((c) => (c.app = 'node other.js'));
    expect(suiteNeeded(['cdktf.json'], CDKTF, app).needed).toBe(true);
    // Added, removed, or not JSON: the suite, to be safe.
    expect(suiteNeeded(['cdktf.json'], undefined, CDKTF).needed).toBe(true);
    expect(suiteNeeded(['cdktf.json'], CDKTF, undefined).needed).toBe(true);
    expect(suiteNeeded(['cdktf.json'], '{', '{').needed).toBe(true);
    // A customers directory elsewhere does not make customers/ records.
    expect(suiteNeeded(['customers/a.yaml'], CDKTF, CDKTF, 'records').needed).toBe(true);
  });
});

describe("the pull-request workflow's own steps decide, on a real repository", () => {
  const check = workflow('pull-request.yml').jobs.check!;
  const step = (id: string): string => check.steps.find((s) => s.id === id)!.run!;

  /**
   * A repository whose main holds the example project, and a branch with `change` made: then
   * `asc-keys affected` as the affected step runs it, and the scope step's script verbatim, with
   * dist/ of this repository in place of the job's build. Returns what it wrote to GITHUB_OUTPUT.
   */
  function scopeOf(change: (dir: string) => void): string {
    const dir = mkdtempSync(join(tmpdir(), 'asc-keys-pr-scope-'));
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    cpSync(join(REPO, 'customers'), join(dir, 'customers'), { recursive: true });
    writeFileSync(join(dir, 'cdktf.json'), CDKTF);
    writeFileSync(join(dir, 'package.json'), '{}\n');
    git('init', '--quiet', '--initial-branch=main');
    git('add', '--all');
    git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '--quiet', '-m', 'main');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    git('checkout', '--quiet', '-b', 'change');
    change(dir);
    git('add', '--all');
    git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '--quiet', '-m', 'change');
    // The job's build, left out of what the change is.
    symlinkSync(join(REPO, 'dist'), join(dir, 'dist'));
    writeFileSync(join(dir, '.git', 'info', 'exclude'), 'dist\naffected.json\n');
    const affected = execFileSync(
      process.execPath,
      [CLI_BIN, 'affected', '--base', 'origin/main', '--format', 'json'],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    writeFileSync(join(dir, 'affected.json'), affected);
    const output = join(dir, 'github-output');
    writeFileSync(output, '');
    execFileSync('bash', ['-e', '-c', step('scope')], {
      cwd: dir,
      env: { ...process.env, BASE_REF: 'main', GITHUB_OUTPUT: output },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return readFileSync(output, 'utf8');
  }

  test('a new customer record: no suite; lint, affected and the plan still run', () => {
    const record = readFileSync(join(REPO, 'customers', 'acme-corp.yaml'), 'utf8');
    expect(
      scopeOf((dir) =>
        writeFileSync(
          join(dir, 'customers', 'acme-corp.yaml'),
          record.replace(/createdOn: .*/, 'createdOn: 2026-07-01'),
        ),
      ),
    ).toBe('suite=false\n');
    expect(
      scopeOf((dir) => {
        const c = JSON.parse(readFileSync(join(dir, 'cdktf.json'), 'utf8'));
        c.context.platform.secretRecoveryWindowDays = 14;
        writeFileSync(join(dir, 'cdktf.json'), JSON.stringify(c, null, 2));
      }),
    ).toBe('suite=false\n');
  });

  test('code, a dependency or a workflow: the suite', () => {
    expect(scopeOf((dir) => writeFileSync(join(dir, 'package.json'), '{ "name": "x" }\n'))).toBe(
      'suite=true\n',
    );
    expect(
      scopeOf((dir) => {
        execFileSync('mkdir', ['-p', join(dir, '.github', 'workflows')]);
        writeFileSync(join(dir, '.github', 'workflows', 'pull-request.yml'), 'name: x\n');
      }),
    ).toBe('suite=true\n');
    expect(
      scopeOf((dir) => {
        const c = JSON.parse(readFileSync(join(dir, 'cdktf.json'), 'utf8'));
        c.app = 'node elsewhere.js';
        writeFileSync(join(dir, 'cdktf.json'), JSON.stringify(c, null, 2));
      }),
    ).toBe('suite=true\n');
  });

  test('the test job runs npm test only when the scope step says so; lint, affected and the plan never wait for it', () => {
    const pr = workflow('pull-request.yml');
    expect(step('scope')).toBe(
      'node dist/lib/ci/suite-needed-cli.js --affected affected.json --base "origin/${BASE_REF}"',
    );
    expect(check.steps.some((s) => s.run?.includes('npm test'))).toBe(false);
    expect(pr.text).toContain('suite: ${{ steps.scope.outputs.suite }}');
    const testJob = pr.jobs.test!;
    expect(testJob.needs).toBe('check');
    expect(testJob.if).toBe("needs.check.outputs.suite == 'true'");
    expect(testJob.steps.at(-1)).toMatchObject({ name: 'Test', run: 'npm test' });
    expect(pr.jobs.plan!.needs).toBe('check');
  });
});

describe('main: the scope step, in process', () => {
  test('an option it does not know, or without --affected and --base: CI_CONFIG_INVALID (exit 2) with how to run it', () => {
    expect(() => main(['--affected', 'affected.json', '--base', 'main', '--everything'])).toThrow(
      expect.objectContaining({
        code: 'CI_CONFIG_INVALID',
        exitCode: 2,
        message: expect.stringMatching(
          /'--everything'.*; run it as suite-needed-cli\.js --affected <file> --base <git ref> \[--customers <dir>\]$/,
        ),
      }),
    );
    for (const argv of [['--base', 'main'], ['--affected', 'affected.json'], []])
      expect(() => main(argv), argv.join(' ')).toThrow(
        expect.objectContaining({
          code: 'CI_CONFIG_INVALID',
          message:
            '--affected <file> and --base <git ref> are required; give it the JSON of "asc-keys affected" and the pull request\'s base branch',
        }),
      );
  });

  test('cdktf.json missing at the merge base or now: the suite runs, to be safe', () => {
    const dir = mkdtempSync(join(tmpdir(), 'asc-keys-pr-scope-'));
    const git = (...args: string[]): void =>
      void execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], {
        cwd: dir,
        stdio: 'ignore',
      });
    git('init', '--quiet', '--initial-branch=main');
    git('commit', '--quiet', '--allow-empty', '-m', 'main');
    writeFileSync(join(dir, 'affected.json'), JSON.stringify({ files: ['cdktf.json'] }));
    const scope = (): { code: number; stdout: string; output: string } => {
      const output = join(dir, 'github-output');
      writeFileSync(output, '');
      let stdout = '';
      const out = vi
        .spyOn(process.stdout, 'write')
        .mockImplementation((chunk) => ((stdout += String(chunk)), true));
      const before = process.cwd();
      process.chdir(dir);
      try {
        const code = main(['--affected', 'affected.json', '--base', 'main'], { GITHUB_OUTPUT: output });
        return { code, stdout, output: readFileSync(output, 'utf8') };
      } finally {
        process.chdir(before);
        out.mockRestore();
      }
    };
    // Added by the change: none at the merge base.
    writeFileSync(join(dir, 'cdktf.json'), CDKTF);
    expect(scope()).toEqual({
      code: 0,
      stdout: 'the suite runs: cdktf.json changed outside its context (the platform settings)\n',
      output: 'suite=true\n',
    });
    // Removed by the change: in the merge base, not in the working tree.
    git('add', 'cdktf.json');
    git('commit', '--quiet', '-m', 'cdktf.json');
    rmSync(join(dir, 'cdktf.json'));
    expect(scope()).toMatchObject({ code: 0, output: 'suite=true\n' });
  });
});
