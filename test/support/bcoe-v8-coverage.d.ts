// @bcoe/v8-coverage (the merge c8 and @vitest/coverage-v8 use) ships no types; this is the one function we call.
declare module '@bcoe/v8-coverage' {
  import type { Profiler } from 'node:inspector';
  /** Merges the coverage of one script from several processes; undefined for an empty list. */
  export function mergeScriptCovs(
    scriptCovs: readonly Profiler.ScriptCoverage[],
  ): Profiler.ScriptCoverage | undefined;
}
