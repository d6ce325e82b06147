import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileTime } from '../support/file-times-reporter.js';
import { REPO } from '../support/project.js';
import { measure } from './measure.js';

/** The vitest projects (vitest.config.ts), quickest first: the figures that come soonest. */
const PROJECTS = ['unit', 'browser', 'aws', 'terraform'] as const;

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/**
 * The suite's wall and CPU time by vitest project, each run on its own without coverage, against
 * a floor measured in the same run: vitest starting, its global setup (dist/ already built) and
 * exiting with no test file. Then the ten slowest files, each timed from its start to its end
 * (imports, hooks and tests: test/support/file-times-reporter.ts). The machine's load average goes
 * with the figures: on a shared machine wall time says little without it, CPU seconds more.
 */
export async function testsBenchmark(): Promise<string[]> {
  const work = mkdtempSync(join(tmpdir(), 'asc-keys-bench-tests-'));
  const vitest = (args: string[], times?: string) =>
    measure(process.execPath, [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', ...args], {
      cwd: REPO,
      ...(times && { env: { ASC_KEYS_FILE_TIMES: times } }),
    });
  const loadBefore = load();
  const floor = await vitest(['--project', 'unit', '--passWithNoTests', 'no-such-test-file']);
  if (floor.status !== 0) throw new Error(`the empty vitest run failed: ${floor.stderr.slice(0, 500)}`);
  const lines = [
    `tests: vitest by project, each alone, without coverage (load average before: ${loadBefore})`,
    `  floor (vitest, no test file)              ${floor.seconds.toFixed(1).padStart(6)} s wall ${floor.cpuSeconds.toFixed(1).padStart(6)} s CPU`,
  ];
  const files: FileTime[] = [];
  let total = 0;
  let cpu = 0;
  for (const project of PROJECTS) {
    const out = join(work, `${project}.json`);
    const run = await vitest(
      [
        '--project',
        project,
        '--reporter=dot',
        `--reporter=${join(REPO, 'test/support/file-times-reporter.ts')}`,
      ],
      out,
    );
    let own: FileTime[];
    try {
      own = JSON.parse(readFileSync(out, 'utf8')) as FileTime[];
    } catch {
      throw new Error(
        `vitest --project ${project} wrote no file times (${run.status}): ${run.stderr.slice(-2000)}`,
      );
    }
    files.push(...own);
    total += run.seconds;
    cpu += run.cpuSeconds;
    const tests = own.reduce((n, f) => n + f.tests, 0);
    const failedTests = own.reduce((n, f) => n + f.failed, 0);
    // A failed project is reported with its figure, not thrown: the other figures still count.
    const failed = run.status !== 0 || failedTests > 0 ? `, FAILED: ${failedTests} tests` : '';
    const line = `  ${project.padEnd(10)} ${String(own.length).padStart(3)} files ${String(tests).padStart(4)} tests  ${run.seconds.toFixed(1).padStart(6)} s wall ${run.cpuSeconds.toFixed(1).padStart(6)} s CPU  (${(run.seconds / floor.seconds).toFixed(1)}x the floor; load ${load()}${failed})`;
    lines.push(line);
    // As each project ends, for whoever watches a run that takes minutes.
    process.stderr.write(`${line}\n`);
  }
  lines.push(
    `  the four, one after another               ${total.toFixed(1).padStart(6)} s wall ${cpu.toFixed(1).padStart(6)} s CPU`,
  );
  lines.push('  ten slowest files (from their start to their end: imports, hooks and tests)');
  for (const f of files.sort((a, b) => b.seconds - a.seconds).slice(0, 10))
    lines.push(`    ${f.seconds.toFixed(1).padStart(6)} s  ${f.project.padEnd(10)} ${f.file}`);
  return lines;
}
