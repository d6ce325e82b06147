import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { shardOf } from '../../lib/checks/select-customers.js';
import { deploy, type StackOutcome } from '../../lib/ci/deploy.js';
import { loadProject } from '../../lib/records/load-project.js';
import { runTerraform } from '../../lib/ci/terraform-process.js';
import { synthesize } from '../../lib/stacks/synthesize.js';
import { motoClients } from '../support/apply-desired-state.js';
import { generateTestKey } from '../support/keys.js';
import { startMoto } from '../support/moto.js';
import { REPO } from '../support/project.js';
import { prepareTerraform, writeOverride, type TerraformEnv } from '../support/terraform.js';
import { generateCustomers, generatedCustomer, storeGeneratedKeys } from './generate-customers.js';
import { mergeIntoCell } from './cell-stack.js';

export interface DeployBenchOptions {
  /** Customer stacks the sharded deploy applies. */
  readonly customers: number;
  /** Shards they are split into (each measured on its own, as on its own runner). */
  readonly shards: number;
  /** Stacks at once within a shard. */
  readonly parallelism: number;
  /** Customers in the one cell stack measured beside them. */
  readonly cell: number;
}

/** The fleet the projection is for, and the time it must take. */
const FLEET = 10_000;
const GOAL_MINUTES = 30;
/**
 * What a GitHub-hosted job spends before its first stack (start, checkout, setup-node with the
 * npm cache, npm ci, setup-terraform, one provider download) cannot be measured offline: an
 * assumption, printed as such beside the figures.
 */
const JOB_START_MINUTES = 2;
/**
 * The cores of a GitHub-hosted Linux runner of a private repository (public ones get more).
 * The deploy applies more stacks at once than that, so the cores stay busy while some stacks
 * wait on AWS: a shard's pace is its CPU time over these cores.
 */
const RUNNER_CORES = 2;
/** Floor stacks: applied the way `cdktf deploy` applies one stack, each on its own. */
const FLOOR_STACKS = 2;

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const s = (x: number): string => `${x.toFixed(2)} s`;

/** The SHARDS setting of deploy.yml: the projection is for the shard count the workflow uses. */
export function defaultShards(): number {
  const workflow = parse(readFileSync(join(REPO, '.github/workflows/deploy.yml'), 'utf8')) as {
    env: { SHARDS: number };
  };
  return Number(workflow.env.SHARDS);
}

/**
 * The sharded deploy. Applies `customers` customer stacks to moto with real Terraform,
 * through the deploy itself, one shard after the other; beside them, a floor (the same kind of
 * stack applied by a bare `terraform init` and `terraform apply`, a fresh provider install
 * each, which is what the deploy did before) and one cell stack holding several customers.
 */
export async function deployBenchmark(options: DeployBenchOptions): Promise<string[]> {
  const moto = await startMoto({ accountId: '111122223333' });
  try {
    const total = options.customers + FLOOR_STACKS + options.cell;
    const project = generateCustomers(total);
    const loaded = loadProject({ customersDir: project.customers, configFile: project.config });
    const work = mkdtempSync(join(tmpdir(), 'asc-keys-deploy-bench-'));
    const tf = await prepareTerraform(work, moto.url);
    const outdir = join(work, 'cdktf.out');
    const now = new Date();
    const synthStarted = process.hrtime.bigint();
    const stacks = synthesize({ records: loaded.records, platform: loaded.platform!, outdir, now });
    const synthPerStack = Number(process.hrtime.bigint() - synthStarted) / 1e9 / stacks.length;
    for (const stack of stacks) writeOverride(tf, join(outdir, 'stacks', stack), stack);
    const dir = (stack: string): string => join(outdir, 'stacks', stack);
    const cpu = cpuMeter(work);

    // The platform, by the deploy (its own job in the workflow).
    const affected = (list: readonly string[]): string => {
      const file = join(work, `affected-${list.length}-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, JSON.stringify({ stacks: list }));
      return file;
    };
    const env = { ...tf.env, ...moto.env };
    const quiet = {
      log: () => undefined,
      env: { ...env, ...cpu.env },
      terraform: cpu.terraform,
      out: outdir,
      customers: project.customers,
      now,
    };
    const platformStarted = process.hrtime.bigint();
    const [platform] = await deploy({
      ...quiet,
      affected: affected(['platform']),
      part: { kind: 'platform' },
    });
    const platformSeconds = Number(process.hrtime.bigint() - platformStarted) / 1e9;
    if (platform?.action !== 'applied') throw new Error(`the platform did not apply: ${platform?.reason}`);

    // Every customer's key stored, as asc-keys import does before the record is merged.
    const key = await generateTestKey();
    await storeGeneratedKeys(motoClients(moto), loaded, key, now);

    const slugs = loaded.records.map((r) => r.customer);
    const deployed = slugs.slice(0, options.customers);
    const floorSlugs = slugs.slice(options.customers, options.customers + FLOOR_STACKS);
    const cellSlugs = slugs.slice(options.customers + FLOOR_STACKS);

    // The floor: init and apply -auto-approve, each stack with its own provider install.
    const floor: number[] = [];
    cpu.reset();
    for (const slug of floorSlugs) {
      const run = async (args: string[]): Promise<number> => {
        const r = await runTerraform(dir(`customer-${slug}`), [...args, '-no-color'], {
          env: { ...tf.env, ...cpu.env },
          terraform: cpu.terraform,
        });
        if (r.code !== 0)
          throw new Error(`floor: terraform ${args[0]} exited ${r.code}: ${r.stderr.slice(-2000)}`);
        return r.seconds;
      };
      floor.push(
        (await run(['init', '-input=false'])) + (await run(['apply', '-input=false', '-auto-approve'])),
      );
    }
    const floorCpu = cpu.seconds() / floorSlugs.length;

    // The sharded deploy: one shard after the other, each with its own plugin cache (its own runner).
    const list = affected(deployed.map((c) => `customer-${c}`));
    const shardWall: number[] = [];
    const outcomes: StackOutcome[] = [];
    cpu.reset();
    for (let index = 1; index <= options.shards; index++) {
      const started = process.hrtime.bigint();
      const o = await deploy({
        ...quiet,
        affected: list,
        part: { kind: 'shard', shard: { index, count: options.shards } },
        parallelism: options.parallelism,
        pluginCache: join(work, `plugin-cache-${index}`),
      });
      shardWall.push(Number(process.hrtime.bigint() - started) / 1e9);
      outcomes.push(...o);
    }
    const notApplied = outcomes.filter((o) => o.action !== 'applied');
    if (notApplied.length)
      throw new Error(
        `not applied: ${notApplied.map((o) => `${o.stack} ${o.action} ${o.reason}`).join('; ')}`,
      );
    const deployCpu = cpu.seconds() / options.customers;

    // The re-run of every shard: the stacks landed, so each apply only refreshes and plans.
    // Its apply time is the plan/refresh share of a stack; the rest of the first apply is the
    // changes themselves.
    const rerunStarted = process.hrtime.bigint();
    const rerun = await deploy({
      ...quiet,
      affected: list,
      part: { kind: 'all' },
      parallelism: options.parallelism,
    });
    const rerunWall = Number(process.hrtime.bigint() - rerunStarted) / 1e9;
    if (rerun.some((o) => o.action !== 'unchanged')) throw new Error('the re-run applied a landed stack');
    const init = mean(outcomes.map((o) => o.seconds!.init));
    const plan = mean(rerun.map((o) => o.seconds!.apply));
    const apply = mean(outcomes.map((o) => o.seconds!.apply)) - plan;
    const perStack = init + plan + apply;

    // A cell: the same customers' resources in one stack, one state.
    const cellDir = join(outdir, 'stacks', 'cell-1');
    mkdirSync(cellDir, { recursive: true });
    writeFileSync(
      join(cellDir, 'cdk.tf.json'),
      JSON.stringify(
        mergeIntoCell(
          cellSlugs.map((c) => JSON.parse(readFileSync(join(dir(`customer-${c}`), 'cdk.tf.json'), 'utf8'))),
        ),
      ),
    );
    writeOverride(tf, cellDir, 'cell-1');
    cpu.reset();
    const cell = await timedApply({ ...tf, env: { ...tf.env, ...cpu.env } }, cellDir, cpu.terraform);
    const cellCpu = cpu.seconds() / cellSlugs.length;
    const cellPerCustomer = (cell.init + cell.apply) / cellSlugs.length;

    return report(options, {
      synthPerStack,
      platformSeconds,
      floor: mean(floor),
      split: { init, plan, apply },
      perStack,
      shardWall,
      shardPerStack: shardWall.reduce((a, b) => a + b, 0) / options.customers,
      shardSizes: Array.from(
        { length: options.shards },
        (_, i) => deployed.filter((c) => shardOf(c, options.shards) === i + 1).length,
      ),
      rerunPerStack: rerunWall / Math.max(1, rerun.length),
      cell,
      cellCustomers: cellSlugs.length,
      cellPerCustomer,
      cpu: { floor: floorCpu, deploy: deployCpu, cell: cellCpu },
      load: loadavg()[0]!,
    });
  } finally {
    await moto.stop();
  }
}

/** init and apply of one stack, as the deploy runs them, each timed. */
async function timedApply(
  tf: TerraformEnv,
  dir: string,
  terraform: string,
): Promise<{ init: number; apply: number }> {
  const run = async (args: string[]): Promise<number> => {
    const r = await runTerraform(dir, [...args, '-no-color'], { env: tf.env, terraform });
    if (r.code !== 0)
      throw new Error(`terraform ${args[0]} of ${dir} exited ${r.code}: ${r.stderr.slice(-2000)}`);
    return r.seconds;
  };
  return {
    init: await run(['init', '-input=false']),
    apply: await run(['apply', '-input=false', '-auto-approve']),
  };
}

/**
 * Terraform run through GNU time, which adds each command's CPU seconds (its provider's
 * included) to a file: CPU time, unlike wall time, does not grow when other work shares the
 * machine, so the projection rests on it.
 */
function cpuMeter(work: string): {
  terraform: string;
  env: NodeJS.ProcessEnv;
  reset(): void;
  seconds(): number;
} {
  const log = join(work, 'terraform-cpu.log');
  const terraform = join(work, 'terraform-timed');
  writeFileSync(
    terraform,
    `#!/bin/sh\nexec /usr/bin/time -a -o "$ASC_KEYS_BENCH_CPU" -f '%U %S' terraform "$@"\n`,
    {
      mode: 0o755,
    },
  );
  return {
    terraform,
    env: { ASC_KEYS_BENCH_CPU: log },
    reset: () => writeFileSync(log, ''),
    seconds: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .map((l) => /^([\d.]+) ([\d.]+)$/.exec(l.trim()))
        .reduce((sum, m) => sum + (m ? Number(m[1]) + Number(m[2]) : 0), 0),
  };
}

interface Figures {
  readonly synthPerStack: number;
  readonly platformSeconds: number;
  readonly floor: number;
  readonly split: { readonly init: number; readonly plan: number; readonly apply: number };
  readonly perStack: number;
  readonly shardWall: readonly number[];
  /** The shards' wall time over their stacks: the pace of a shard, parallelism included. */
  readonly shardPerStack: number;
  readonly shardSizes: readonly number[];
  readonly rerunPerStack: number;
  readonly cell: { readonly init: number; readonly apply: number };
  readonly cellCustomers: number;
  readonly cellPerCustomer: number;
  /** CPU seconds a customer (Terraform and its provider), whatever else the machine runs. */
  readonly cpu: { readonly floor: number; readonly deploy: number; readonly cell: number };
  /** The machine's load average when the run ended. */
  readonly load: number;
}

/**
 * Minutes of one customer job for `stacks` stacks on a runner: start-up, synth, then the
 * stacks at the pace of their CPU time over the runner's cores (wall time on this machine
 * depends on what else runs on it; CPU time does not).
 */
function shardMinutes(stacks: number, f: Figures): number {
  return JOB_START_MINUTES + (stacks * (f.synthPerStack + f.cpu.deploy / RUNNER_CORES)) / 60;
}

/** The largest shard of the fleet: the hash spreads customers evenly, not exactly. */
function largestShard(shards: number): number {
  let max = 0;
  const sizes = new Array<number>(shards).fill(0);
  for (let i = 0; i < FLEET; i++) {
    const n = shardOf(generatedCustomer(i).slug, shards) - 1;
    sizes[n] = sizes[n]! + 1;
    max = Math.max(max, sizes[n]!);
  }
  return max;
}

function projection(shards: number, f: Figures): { wall: number; runner: number } {
  const platform = JOB_START_MINUTES + f.platformSeconds / 60;
  // The affected job: start-up, then affected and lint over the whole fleet, well under a minute.
  const affectedJob = JOB_START_MINUTES;
  const longest = shardMinutes(largestShard(shards), f);
  const perShard = FLEET / shards;
  // GitHub bills each job by the minute, rounded up.
  const runner = Math.ceil(affectedJob) + Math.ceil(platform) + shards * Math.ceil(shardMinutes(perShard, f));
  return { wall: affectedJob + platform + longest, runner };
}

function report(options: DeployBenchOptions, f: Figures): string[] {
  const fallback = defaultShards();
  const at = projection(fallback, f);
  let reaching = 1;
  while (reaching < 256 && projection(reaching, f).wall > GOAL_MINUTES) reaching++;
  const reach = projection(reaching, f);
  const cells = projection(fallback, { ...f, cpu: { ...f.cpu, deploy: f.cpu.cell } });
  return [
    `sharded deploy: ${options.customers} customer stacks over ${options.shards} shards, ${options.parallelism} stack(s) at once a shard, real Terraform against moto`,
    `  floor, terraform init + apply -auto-approve of one customer stack, fresh provider install each (${FLOOR_STACKS} stacks): ${s(f.floor)} a stack`,
    `  deploy, per customer stack: init ${s(f.split.init)} + plan/refresh ${s(f.split.plan)} + apply ${s(f.split.apply)} (plan/refresh from the re-run) = ${s(f.perStack)} (${(f.perStack / f.floor).toFixed(2)}x the floor)`,
    `  wall time per shard: ${f.shardWall.map((w, i) => `shard ${i + 1} ${s(w)} for ${f.shardSizes[i]} stacks`).join(', ')}; ${s(f.shardPerStack)} a stack`,
    `  re-run after every stack landed (init, then an apply that only refreshes and plans): ${s(f.rerunPerStack)} a stack`,
    `  platform stack: ${s(f.platformSeconds)}; synth: ${s(f.synthPerStack)} a stack`,
    `  cell of ${f.cellCustomers} customers in one stack: init ${s(f.cell.init)} + apply ${s(f.cell.apply)}; ${s(f.cellPerCustomer)} a customer (${(f.cellPerCustomer / f.perStack).toFixed(2)}x one stack a customer)`,
    `  CPU seconds a customer (Terraform and provider): floor ${s(f.cpu.floor)}, deploy ${s(f.cpu.deploy)} (${(f.cpu.deploy / f.cpu.floor).toFixed(2)}x the floor), cell ${s(f.cpu.cell)} (${(f.cpu.cell / f.cpu.deploy).toFixed(2)}x one stack a customer); load average at the end ${f.load.toFixed(1)}`,
    `  projection, ${FLEET.toLocaleString('en')} customers (every stack changed), each shard's CPU time over a runner's ${RUNNER_CORES} cores, ${JOB_START_MINUTES} min assumed per GitHub-hosted job start-up:`,
    `    at the default ${fallback} shards (deploy.yml): ${at.wall.toFixed(1)} min wall, ${at.runner} runner minutes`,
    `    fewest shards within ${GOAL_MINUTES} min: ${reaching} shards, ${reach.wall.toFixed(1)} min wall, ${reach.runner} runner minutes`,
    `    with cells of ${f.cellCustomers} at the default shards: ${cells.wall.toFixed(1)} min wall, ${cells.runner} runner minutes`,
  ];
}
