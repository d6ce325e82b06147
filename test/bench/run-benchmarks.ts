// npm run bench: the benchmarks the issues ask for, with their figures on stdout.
import { driftBenchmark } from './drift-bench.js';
import { keysBenchmark } from './keys-bench.js';
import { planBenchmark } from './plan-bench.js';
import { pullRequestBenchmark } from './pull-request-bench.js';
import { synthBenchmark } from './synth-bench.js';
import { testsBenchmark } from './tests-bench.js';

const only = process.argv[2];
const benches: Record<string, () => Promise<string[]> | string[]> = {
  synth: () => synthBenchmark(),
  keys: () => keysBenchmark(),
  drift: () => driftBenchmark(),
  plan: () => planBenchmark(),
  'pull-request': () => pullRequestBenchmark(),
  tests: () => testsBenchmark(),
};
// The suite's own figures take the whole suite's time: only when asked for (`npm run bench -- tests`).
const onRequest = new Set(['tests']);
for (const [name, bench] of Object.entries(benches)) {
  if (only ? only !== name : onRequest.has(name)) continue;
  process.stdout.write(`${(await bench()).join('\n')}\n\n`);
}
