import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../support/project.js';
import { generateCustomers, generatedCustomer } from './generate-customers.js';
import { measure, median, type Measurement } from './measure.js';

const RUNS = 3;

function ok(m: Measurement): Measurement {
  if (m.status !== 0) throw new Error(`benchmark run failed (${m.status}): ${m.stderr.slice(0, 500)}`);
  return m;
}

/**
 * the pull-request path for a fleet of `count` customers and one changed record:
 * `affected` plus `synth` of the affected stacks, against a full `synth` (goal: under 5 s,
 * whatever the fleet size). Whole processes through npx, as the workflow runs them.
 */
export async function pullRequestBenchmark(count = 10_000): Promise<string[]> {
  const project = generateCustomers(count);
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: project.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '--quiet');
  git('add', '--all');
  git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'commit', '--quiet', '-m', 'fleet');
  const changed = generatedCustomer(Math.floor(count / 2)).slug;
  const file = join(project.customers, `${changed}.yaml`);
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(
      `customer: ${changed}\n`,
      `customer: ${changed}\ndisplayName: Renamed\n`,
    ),
  );

  const work = mkdtempSync(join(tmpdir(), 'asc-keys-bench-pr-'));
  const npx = (args: string[]): Promise<Measurement> =>
    measure('npx', ['--no', '--prefix', REPO, 'asc-keys', ...args], { cwd: project.dir });
  const node = (args: string[]): Promise<Measurement> =>
    measure('node', [join(REPO, 'dist/lib/cli/bin.js'), ...args], { cwd: project.dir });
  const affected: Measurement[] = [];
  const synth: Measurement[] = [];
  const direct: number[] = [];
  let stacks: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const a = ok(await npx(['affected', '--base', 'HEAD', '--format', 'json']));
    stacks = (JSON.parse(a.stdout) as { stacks: string[] }).stacks;
    affected.push(a);
    synth.push(ok(await npx(['synth', '--stack', stacks.join(','), '--out', join(work, `pr-${i}`)])));
    const da = ok(await node(['affected', '--base', 'HEAD', '--format', 'json']));
    const ds = ok(await node(['synth', '--stack', stacks.join(','), '--out', join(work, `direct-${i}`)]));
    direct.push(da.seconds + ds.seconds);
  }
  const paths = affected.map((a, i) => a.seconds + synth[i]!.seconds);
  // One full synth: at 10,000 customers it takes about a minute.
  const full = ok(await npx(['synth', '--out', join(work, 'full')]));
  const path = median(paths);
  return [
    `pull-request path, ${count} customers, one changed record (median of ${RUNS}, whole processes through npx)`,
    `  affected --base HEAD              ${median(affected.map((a) => a.seconds)).toFixed(2)} s   stacks: ${stacks.join(', ')}`,
    `  synth --stack <affected>          ${median(synth.map((s) => s.seconds)).toFixed(2)} s   peak ${Math.max(...synth.map((s) => s.peakMb)).toFixed(0)} MB`,
    `  affected + synth of the affected  ${path.toFixed(2)} s   (goal: under 5 s: ${path < 5 ? 'met' : 'NOT met'})`,
    `  the same through node dist/lib/cli/bin.js  ${median(direct).toFixed(2)} s   (without npm's own start-up, twice)`,
    `  full synth (one run)              ${full.seconds.toFixed(2)} s   peak ${full.peakMb.toFixed(0)} MB   (${(full.seconds / path).toFixed(1)}x the pull-request path)`,
  ];
}
