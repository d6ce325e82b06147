// npm run bench: the benchmarks the issues ask for, with their figures on stdout.
import { parseArgs } from 'node:util';
import { deployBenchmark } from './deploy-bench.js';
import { driftBenchmark } from './drift-bench.js';
import { keysBenchmark } from './keys-bench.js';
import { planBenchmark } from './plan-bench.js';
import { pullRequestBenchmark } from './pull-request-bench.js';
import { synthBenchmark } from './synth-bench.js';
import { testsBenchmark } from './tests-bench.js';

const only = process.argv[2];
// npm run bench -- deploy --customers 8 --shards 2 --parallelism 2 --cell 4
const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    customers: { type: 'string', default: '8' },
    shards: { type: 'string', default: '2' },
    parallelism: { type: 'string', default: '2' },
    cell: { type: 'string', default: '4' },
  },
  strict: true,
});
const whole = (name: keyof typeof values): number => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} ${values[name]}: must be a whole number, 1 or more`);
  return n;
};
const benches: Record<string, () => Promise<string[]> | string[]> = {
  synth: () => synthBenchmark(),
  keys: () => keysBenchmark(),
  drift: () => driftBenchmark(),
  plan: () => planBenchmark(),
  'pull-request': () => pullRequestBenchmark(),
  deploy: () =>
    deployBenchmark({
      customers: whole('customers'),
      shards: whole('shards'),
      parallelism: whole('parallelism'),
      cell: whole('cell'),
    }),
  tests: () => testsBenchmark(),
};
// The suite's own figures take the whole suite's time: only when asked for (`npm run bench -- tests`).
const onRequest = new Set(['tests']);
for (const [name, bench] of Object.entries(benches)) {
  if (only ? only !== name : onRequest.has(name)) continue;
  process.stdout.write(`${(await bench()).join('\n')}\n\n`);
}
