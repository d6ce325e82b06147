import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import { describe, expect, test } from 'vitest';
import { addHits, readChildCoverage } from './child-coverage.js';
import { REPO } from './project.js';

const DAYS = join(REPO, 'lib/records/days.ts');

/** Runs `script` in a Node child that writes its V8 coverage into a new directory, as a CLI child does. */
function childCoverageOf(script: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'asc-keys-child-coverage-'));
  const r = spawnSync('node', ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_V8_COVERAGE: directory },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(3);
  return directory;
}

/** dist/lib/records/days.js (built by the global setup): addDays called twice, then process.exit. */
const CALLS_ADD_DAYS = [
  `const days = await import(${JSON.stringify(pathToFileURL(join(REPO, 'dist/lib/records/days.js')).href)});`,
  `days.addDays('2026-02-28', 1); days.addDays('2026-12-31', 1);`,
  'process.exit(3);',
].join('\n');

const byName = (data: FileCoverageData): Record<string, number> =>
  Object.fromEntries(Object.entries(data.fnMap).map(([k, fn]) => [fn.name, data.f[k]!]));

describe("the child processes' coverage", () => {
  test('a child that exits with process.exit counts, on the .ts source, for the included sources only', async () => {
    const directory = childCoverageOf(CALLS_ADD_DAYS);
    const coverage = await readChildCoverage(directory, (file) => file === DAYS, []);
    expect(coverage.files()).toEqual([DAYS]);
    expect(byName(coverage.fileCoverageFor(DAYS).data)).toEqual({ addDays: 2, daysBetween: 0, today: 0 });
  });

  test('nothing is included: an empty map, not the scripts of npm or node_modules', async () => {
    const directory = childCoverageOf(CALLS_ADD_DAYS);
    expect((await readChildCoverage(directory, () => false, [])).files()).toEqual([]);
  });

  test("hits are added by position, where the workers' locations differ by a column", async () => {
    const child = (
      await readChildCoverage(childCoverageOf(CALLS_ADD_DAYS), (f) => f === DAYS, [])
    ).fileCoverageFor(DAYS).data;
    // The workers' coverage of the same file: other columns (another compiler), no hits yet.
    const workers = structuredClone(child);
    for (const loc of Object.values(workers.statementMap)) loc.end.column += 1;
    for (const k of Object.keys(workers.s)) workers.s[k] = 0;
    for (const k of Object.keys(workers.f)) workers.f[k] = k === '2' ? 1 : 0;

    expect(addHits(workers, child)).toBe(true);
    expect(Object.keys(workers.statementMap)).toHaveLength(Object.keys(child.statementMap).length);
    expect(byName(workers)).toEqual({ addDays: 2, daysBetween: 0, today: 1 });
    expect(workers.s).toEqual(child.s);
  });

  test('a file of another shape gets nothing added', async () => {
    const child = (
      await readChildCoverage(childCoverageOf(CALLS_ADD_DAYS), (f) => f === DAYS, [])
    ).fileCoverageFor(DAYS).data;
    const workers = structuredClone(child);
    for (const k of Object.keys(workers.f)) workers.f[k] = 0;
    workers.fnMap['0']!.name = 'somethingElse';
    const before = structuredClone(workers);
    expect(addHits(workers, child)).toBe(false);
    expect(workers).toEqual(before);
  });
});
