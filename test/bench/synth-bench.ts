import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { platformContext } from '../../lib/model/platform-context.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { loadProject } from '../../lib/records/load-project.js';
import { REPO } from '../support/project.js';
import { generateCustomers } from './generate-customers.js';
import type { FloorInput } from './floor-synth.js';
import { measure, median, type Measurement } from './measure.js';

const RUNS = 3;

function best(runs: Measurement[]): { seconds: number; peakMb: number } {
  for (const r of runs)
    if (r.status !== 0) throw new Error(`benchmark run failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  return { seconds: median(runs.map((r) => r.seconds)), peakMb: Math.max(...runs.map((r) => r.peakMb)) };
}

/** synth of 1,000 customers against a bare cdktf app (the floor), and lint. */
export async function synthBenchmark(count = 1000): Promise<string[]> {
  const project = generateCustomers(count);
  const loaded = loadProject({ customersDir: project.customers, configFile: project.config });
  if (loaded.findings.length)
    throw new Error(`generated records have findings: ${loaded.findings[0]!.message}`);
  const platform = loaded.platform!;
  const ctx = platformContext(platform);
  const now = new Date();
  const input: FloorInput = {
    region: platform.region,
    accountId: platform.accountId,
    platform: platformDesiredState(platform),
    customers: loaded.records.map((r) => customerDesiredState(r, ctx, now)),
  };
  const work = mkdtempSync(join(tmpdir(), 'asc-keys-bench-'));
  const inputFile = join(work, 'floor-input.json');
  writeFileSync(inputFile, JSON.stringify(input));

  const npx = (args: string[]): Promise<Measurement> =>
    measure('npx', ['--no', '--prefix', REPO, 'asc-keys', ...args], { cwd: project.dir });
  const repeat = async (run: (i: number) => Promise<Measurement>): Promise<Measurement[]> => {
    const runs: Measurement[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await run(i));
    return runs;
  };
  const synth = best(await repeat((i) => npx(['synth', '--out', join(work, `synth-${i}`)])));
  const direct = best(
    await repeat((i) =>
      measure('node', [join(REPO, 'dist/lib/cli/bin.js'), 'synth', '--out', join(work, `direct-${i}`)], {
        cwd: project.dir,
      }),
    ),
  );
  const floor = best(
    await repeat((i) =>
      measure('node', [join(REPO, 'dist/test/bench/floor-synth.js'), inputFile, join(work, `floor-${i}`)], {
        cwd: project.dir,
      }),
    ),
  );
  const lint = best(await repeat(() => npx(['lint'])));
  const lintDirect = best(
    await repeat(() => measure('node', [join(REPO, 'dist/lib/cli/bin.js'), 'lint'], { cwd: project.dir })),
  );
  const started = process.hrtime.bigint();
  loadProject({ customersDir: project.customers, configFile: project.config });
  const inProcess = Number(process.hrtime.bigint() - started) / 1e9;

  return [
    `synth, ${count} customers (median of ${RUNS} whole processes, start-up included)`,
    `  npx asc-keys synth           ${synth.seconds.toFixed(2)} s   peak ${synth.peakMb.toFixed(0)} MB`,
    `  node dist/lib/cli/bin.js synth ${direct.seconds.toFixed(2)} s   peak ${direct.peakMb.toFixed(0)} MB  (the same, without npm's own start-up)`,
    `  bare cdktf app (the floor)   ${floor.seconds.toFixed(2)} s   peak ${floor.peakMb.toFixed(0)} MB`,
    `  ratio, npx                   ${(synth.seconds / floor.seconds).toFixed(2)}x time, ${(synth.peakMb / floor.peakMb).toFixed(2)}x memory  (goal: at most 1.3x, under 300 MB)`,
    `  ratio, node                  ${(direct.seconds / floor.seconds).toFixed(2)}x time, ${(direct.peakMb / floor.peakMb).toFixed(2)}x memory`,
    `lint, ${count} customers`,
    `  npx asc-keys lint            ${lint.seconds.toFixed(2)} s   peak ${lint.peakMb.toFixed(0)} MB  (npx itself is about 1 s of it)`,
    `  node dist/lib/cli/bin.js lint ${lintDirect.seconds.toFixed(2)} s   peak ${lintDirect.peakMb.toFixed(0)} MB  (goal: under 1 s)`,
    `  loading and linting in process ${inProcess.toFixed(3)} s`,
  ];
}
