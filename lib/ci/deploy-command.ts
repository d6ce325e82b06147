import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { parseShard } from '../checks/select-customers.js';
import { UsageError } from '../errors.js';
import { deploy, readAffected, type DeployOptions } from './deploy.js';
import { deployMatrix, stacksOfPart, type DeployPart } from './deploy-selection.js';
import { deploySummary } from './deploy-summary.js';
import { promotionHooks } from './promote-pending.js';
import { appendFileSync } from 'node:fs';

const USAGE = `usage: deploy-cli.js <command> --affected <file> [options]
  matrix --shards <n>                        the jobs to run: platform=true|false, shards=[…] (for GITHUB_OUTPUT)
  stacks [--platform | --shard <i>/<n>]      the stacks of one job, for "asc-keys synth --stack"
  apply  [--platform | --shard <i>/<n>]      apply them: init, plan, apply when it changes something
         [--parallelism <n>] [--out <dir>] [--customers <dir>]`;

export interface DeployCommandContext {
  readonly stdout: (text: string) => void;
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  /** What follows the apply of a customer's stack. */
  readonly afterCustomerApply?: DeployOptions['afterCustomerApply'];
}

/** The deploy workflow's commands; returns the exit code (1 when a stack failed). */
export async function main(argv: readonly string[], context: DeployCommandContext): Promise<number> {
  const [command, ...rest] = argv[0]?.startsWith('-') ? ['apply', ...argv] : argv;
  const { values } = parse(rest);
  if (!values.affected)
    throw new UsageError('CI_CONFIG_INVALID', '--affected <file> is required', {
      next: `give it the JSON of "asc-keys affected"\n${USAGE}`,
    });
  const stacks = readAffected(values.affected);
  if (command === 'matrix') {
    if (!values.shards)
      throw new UsageError(
        'CI_CONFIG_INVALID',
        'matrix needs --shards <n>, the SHARDS setting of deploy.yml',
        {
          next: 'pass --shards "$SHARDS" in the workflow step',
        },
      );
    const m = deployMatrix(stacks, Number(values.shards));
    context.stdout(`platform=${m.platform}\nshards=${JSON.stringify(m.shards)}\n`);
    return 0;
  }
  const part = partOf(values);
  if (command === 'stacks') {
    context.stdout(`${stacksOfPart(stacks, part).join(' ')}\n`);
    return 0;
  }
  if (command !== 'apply')
    throw new UsageError('CI_CONFIG_INVALID', `no command "${command}"`, { next: `use one of\n${USAGE}` });
  const env = context.env ?? process.env;
  const outcomes = await deploy({
    affected: values.affected,
    part,
    out: values.out,
    customers: values.customers,
    env,
    parallelism: values.parallelism ? positive(values.parallelism, '--parallelism') : availableParallelism(),
    signal: context.signal,
    // Each customer's key: checked before its stack, made current after it (promote-pending.ts).
    ...promotionHooks({ customersDir: values.customers }),
    ...(context.afterCustomerApply && { afterCustomerApply: context.afterCustomerApply }),
  });
  const summaryFile = env.GITHUB_STEP_SUMMARY;
  if (summaryFile) appendFileSync(summaryFile, deploySummary(outcomes, part));
  const failed = outcomes.filter((o) => o.action === 'failed' || o.action === 'skipped');
  if (failed.length)
    context.stdout(
      `${failed.length} of ${outcomes.length} stacks did not land: ${failed.map((o) => o.stack).join(', ')}\n`,
    );
  return failed.length ? 1 : 0;
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: {
        affected: { type: 'string' },
        shards: { type: 'string' },
        shard: { type: 'string' },
        platform: { type: 'boolean' },
        parallelism: { type: 'string' },
        out: { type: 'string', default: 'cdktf.out' },
        customers: { type: 'string', default: 'customers' },
      },
      strict: true,
    });
  } catch (err) {
    throw new UsageError('CI_CONFIG_INVALID', (err as Error).message, {
      next: `run it as\n${USAGE}`,
      cause: err,
    });
  }
}

function partOf(values: { platform?: boolean; shard?: string }): DeployPart {
  if (values.platform && values.shard)
    throw new UsageError('CI_CONFIG_INVALID', '--platform and --shard name different jobs', {
      next: 'give one of them',
    });
  if (values.platform) return { kind: 'platform' };
  if (values.shard) return { kind: 'shard', shard: parseShard(values.shard) };
  return { kind: 'all' };
}

function positive(text: string, option: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1)
    throw new UsageError('CI_CONFIG_INVALID', `${option} ${text}: must be a whole number, 1 or more`, {
      next: `give ${option} a whole number, 1 or more`,
    });
  return n;
}
