import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO } from '../support/project.js';
import { measure } from './measure.js';

/** The vitest projects (vitest.config.ts), in the order they are measured. */
const PROJECTS = ['unit', 'aws', 'terraform', 'browser'] as const;

interface FileTime {
  readonly project: string;
  readonly file: string;
  readonly seconds: number;
}

/** What vitest's JSON reporter writes, as far as this reads it. */
interface JsonReport {
  readonly numTotalTests: number;
  readonly numFailedTests: number;
  readonly testResults: readonly { name: string; startTime: number; endTime: number }[];
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/**
 * The suite's wall time by vitest project, each run on its own without coverage, against a
 * floor measured in the same run: vitest starting, its global setup (dist/ already built) and
 * exiting with no test file. Then the ten slowest files. The machine's load average goes with
 * the figures: on a shared machine they say little without it.
 */
export async function testsBenchmark(): Promise<string[]> {
  const work = mkdtempSync(join(tmpdir(), 'asc-keys-bench-tests-'));
  const vitest = (args: string[]) =>
    measure(process.execPath, [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', ...args], { cwd: REPO });
  const loadBefore = load();
  const floor = await vitest(['--project', 'unit', '--passWithNoTests', 'no-such-test-file']);
  if (floor.status !== 0) throw new Error(`the empty vitest run failed: ${floor.stderr.slice(0, 500)}`);
  const lines = [
    `tests: vitest by project, each alone, without coverage (load average before: ${loadBefore})`,
  ];
  lines.push(`  floor (vitest, no test file)  ${floor.seconds.toFixed(1)} s`);
  const files: FileTime[] = [];
  let total = 0;
  for (const project of PROJECTS) {
    const out = join(work, `${project}.json`);
    const run = await vitest(['--project', project, '--reporter=json', `--outputFile=${out}`]);
    const report = JSON.parse(readFileSync(out, 'utf8')) as JsonReport;
    if (run.status !== 0 || report.numFailedTests > 0)
      throw new Error(`vitest --project ${project} failed (${run.status}): ${run.stderr.slice(-2000)}`);
    for (const r of report.testResults)
      files.push({ project, file: relative(REPO, r.name), seconds: (r.endTime - r.startTime) / 1000 });
    total += run.seconds;
    lines.push(
      `  ${project.padEnd(10)} ${String(report.testResults.length).padStart(3)} files ${String(report.numTotalTests).padStart(4)} tests  ${run.seconds.toFixed(1).padStart(6)} s  (${(run.seconds / floor.seconds).toFixed(1)}x the floor; load ${load()})`,
    );
  }
  lines.push(`  the four, one after another  ${total.toFixed(1)} s`);
  lines.push('  ten slowest files (their own wall time, hooks included)');
  for (const f of files.sort((a, b) => b.seconds - a.seconds).slice(0, 10))
    lines.push(`    ${f.seconds.toFixed(1).padStart(6)} s  ${f.project.padEnd(10)} ${f.file}`);
  return lines;
}
