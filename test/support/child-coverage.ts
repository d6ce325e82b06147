import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Profiler } from 'node:inspector';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeScriptCovs } from '@bcoe/v8-coverage';
import convert, { type Options } from 'ast-v8-to-istanbul';
import libCoverage, { type CoverageMap, type FileCoverageData, type Range } from 'istanbul-lib-coverage';
import { parseAstAsync } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the processes the tests start write their V8 coverage; set only when coverage runs. */
    childCoverageDirectory?: string;
  }
}

type SourceMap = NonNullable<Options['sourceMap']>;

/** What Node writes into NODE_V8_COVERAGE when a process exits: one file per process. */
interface ProcessCoverage {
  readonly result: Profiler.ScriptCoverage[];
  /** Present because NODE_V8_COVERAGE turns on Node's source map cache; sources are absolute URLs. */
  readonly 'source-map-cache'?: Record<string, { readonly data: SourceMap | null } | undefined>;
}

/** Scripts of one URL are merged in batches of this many processes, to keep memory flat. */
const MERGE_BATCH = 32;

/**
 * The coverage of every process that wrote into `directory`, as istanbul coverage of the sources
 * that `isIncluded` accepts. Only compiled scripts with a source map back to such a source count:
 * dist/ of this repository, not npm, node_modules or the tests.
 */
export async function readChildCoverage(
  directory: string,
  isIncluded: (sourcePath: string) => boolean,
  ignoreClassMethods: string[],
): Promise<CoverageMap> {
  const scripts = new Map<string, { map: SourceMap; coverages: Profiler.ScriptCoverage[] }>();
  for (const name of existsSync(directory) ? readdirSync(directory) : []) {
    if (!name.endsWith('.json')) continue;
    const process = JSON.parse(readFileSync(join(directory, name), 'utf8')) as ProcessCoverage;
    for (const script of process.result) {
      const map = process['source-map-cache']?.[script.url]?.data;
      if (!map?.sources.some((s) => s?.startsWith('file://') && isIncluded(fileURLToPath(s)))) continue;
      const entry = scripts.get(script.url) ?? { map, coverages: [] };
      entry.coverages.push(script);
      if (entry.coverages.length >= MERGE_BATCH) entry.coverages = [mergeScriptCovs(entry.coverages)!];
      scripts.set(script.url, entry);
    }
  }
  const coverage = libCoverage.createCoverageMap({});
  for (const [url, { map, coverages }] of scripts) {
    // The script as the children ran it: dist/ is built once, before the first test.
    const code = await readFile(fileURLToPath(url), 'utf8');
    const { functions } = mergeScriptCovs(coverages)!;
    coverage.merge(
      await convert({
        code,
        sourceMap: map,
        ast: parseAstAsync(code),
        coverage: { url, functions },
        ignoreClassMethods,
      }),
    );
  }
  coverage.filter(isIncluded);
  return coverage;
}

/**
 * Adds a child's hits on one source file to the test workers' coverage of the same file, and
 * returns whether it could. Both come from ast-v8-to-istanbul over the same source, but compiled
 * by different compilers (vite in the workers, tsc for dist/), so a location can differ by a
 * column, or by a line where an arrow's body starts on the next one, while the statements,
 * functions and branches are the same ones in the same order. istanbul's own merge keys by
 * location and would count such an entry twice; this adds hits by position, after checking that
 * both have the same shape: as many entries, each pair on overlapping lines, functions of the
 * same name, branches of the same kind (otherwise it adds nothing).
 */
export function addHits(target: FileCoverageData, child: FileCoverageData): boolean {
  const same = <T>(a: Record<string, T>, b: Record<string, T>, equal: (x: T, y: T) => boolean): boolean =>
    Object.keys(a).length === Object.keys(b).length &&
    Object.keys(a).every((k) => b[k] && equal(a[k]!, b[k]!));
  const overlap = (x: Range, y: Range): boolean => x.start.line <= y.end.line && y.start.line <= x.end.line;
  const shapeMatches =
    same(target.statementMap, child.statementMap, overlap) &&
    same(target.fnMap, child.fnMap, (x, y) => x.name === y.name) &&
    same(
      target.branchMap,
      child.branchMap,
      (x, y) => x.type === y.type && overlap(x.loc, y.loc) && x.locations.length === y.locations.length,
    );
  if (!shapeMatches) return false;
  for (const k of Object.keys(target.s)) target.s[k]! += child.s[k]!;
  for (const k of Object.keys(target.f)) target.f[k]! += child.f[k]!;
  for (const k of Object.keys(target.b)) target.b[k] = target.b[k]!.map((hits, i) => hits + child.b[k]![i]!);
  return true;
}
