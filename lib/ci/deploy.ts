import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { PLATFORM, slugOf, stacksOfPart, type DeployPart } from './deploy-selection.js';
import { ProviderCache } from './provider-cache.js';
import { runTerraform, type TerraformRun } from './terraform-process.js';

/**
 * The deploy jobs' apply step: Terraform init and apply of each synthesized stack that the
 * merge touched, the platform first (customer stacks name its key, topic and roles). This
 * is what `cdktf deploy` runs, without its CLI, so that the jobs' own commands are tested
 * against moto. A customer whose record was removed has an empty stack: applying it destroys
 * the secret, which enters its recovery window, and the summary says until when it can be
 * restored.
 *
 * A stack that an interrupted or failed deploy already landed plans to no change: it costs
 * the next deploy a refresh, and is reported as unchanged. One `apply -auto-approve` rather
 * than `plan -out` then `apply <plan>`: the separate apply starts Terraform and its provider
 * once more for every changed stack, which the deploy bench measured as a third more CPU.
 */
export interface DeployOptions {
  /** `asc-keys affected --format json` of the merge. */
  readonly affected: string;
  /** Which of the affected stacks this job applies. @default every stack, platform first */
  readonly part?: DeployPart;
  /** Where `asc-keys synth --stack …` wrote the stacks. @default "cdktf.out" */
  readonly out?: string;
  /** @default "customers" */
  readonly customers?: string;
  /** @default new Date() */
  readonly now?: Date;
  /** @default "terraform" */
  readonly terraform?: string;
  /** The environment of every Terraform command. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** The provider plugin cache every stack shares. @default TF_PLUGIN_CACHE_DIR, else <out>/plugin-cache */
  readonly pluginCache?: string;
  /** Customer stacks applied at once (Terraform mostly waits on AWS). @default 1 */
  readonly parallelism?: number;
  /** After this many failed stacks, the job starts no more (the rest are skipped). @default 10 */
  readonly maxFailures?: number;
  /** Aborted when the job is cancelled: no stack starts, the running ones stop cleanly. */
  readonly signal?: AbortSignal;
  /**
   * Runs after a customer's stack is applied (or found already applied), before the stack
   * counts as landed; what it throws fails that stack. Not run for a destroyed stack.
   */
  readonly afterCustomerApply?: (stack: CustomerStackApplied) => Promise<void>;
  /**
   * Runs before a customer's stack is initialized; what it throws fails that stack before
   * Terraform runs (a secret that is missing, or lacks the version its record names).
   */
  readonly beforeCustomerApply?: (stack: CustomerStackApplied) => Promise<void>;
  /** Each stack's Terraform output, as it finishes. @default stderr */
  readonly log?: (text: string) => void;
}

export interface CustomerStackApplied {
  readonly stack: string;
  readonly customer: string;
  /** The synthesized stack's directory. */
  readonly dir: string;
}

export type StackAction = 'applied' | 'unchanged' | 'destroyed' | 'failed' | 'skipped';

export interface StackOutcome {
  readonly stack: string;
  readonly action: StackAction;
  /** Why a stack failed or was skipped, and what to do. */
  readonly reason?: string;
  /** Wall seconds of each Terraform command (apply includes its refresh and plan). */
  readonly seconds?: { readonly init: number; readonly apply: number };
  /** For a destroyed stack: each secret it held, and the last day it can be restored. */
  readonly restorable?: readonly { readonly secret: string; readonly until: string }[];
}

/** What `terraform apply` prints when the stack already matched its configuration. */
const NO_CHANGE = /^Apply complete! Resources: (?:0 imported, )?0 added, 0 changed, 0 destroyed\./m;

const affectedJson = z.object({ stacks: z.array(z.string()) });

export function readAffected(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      'CI_CONFIG_INVALID',
      `--affected ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      { next: `write it with "asc-keys affected --base <ref> --format json > ${file}"`, cause: err },
    );
  }
  const parsed = affectedJson.safeParse(safeJson(text));
  if (!parsed.success)
    throw new UsageError(
      'CI_CONFIG_INVALID',
      `--affected ${file} is not the JSON of "asc-keys affected --format json" (it needs a "stacks" list)`,
      { next: `write it with "asc-keys affected --base <ref> --format json > ${file}"` },
    );
  return parsed.data.stacks;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function deploy(options: DeployOptions): Promise<StackOutcome[]> {
  const out = options.out ?? 'cdktf.out';
  const stacks = stacksOfPart(readAffected(options.affected), options.part ?? { kind: 'all' });
  for (const stack of stacks)
    if (!existsSync(join(out, 'stacks', stack, 'cdk.tf.json')))
      throw new UsageError('CI_CONFIG_INVALID', `${join(out, 'stacks', stack)}/cdk.tf.json is missing`, {
        next: `run "asc-keys synth --stack ${stack}" first`,
      });
  const cache = new ProviderCache(
    options.pluginCache ??
      options.env?.TF_PLUGIN_CACHE_DIR ??
      process.env.TF_PLUGIN_CACHE_DIR ??
      join(out, 'plugin-cache'),
  );
  const run = stackRunner(options, cache, out);
  const outcomes = new Map<string, StackOutcome>();
  const maxFailures = options.maxFailures ?? 10;
  let failures = 0;
  const next = async (stack: string): Promise<void> => {
    const stop = stopReason(options.signal, failures, maxFailures);
    const outcome = stop ? { stack, action: 'skipped' as const, reason: stop } : await run(stack);
    if (outcome.action === 'failed') failures++;
    outcomes.set(stack, outcome);
  };
  // The platform alone first: every customer stack names what it creates. Then one stack
  // alone, whose init fills the provider cache that the others share.
  const platform = stacks.filter((s) => s === PLATFORM);
  const customers = stacks.filter((s) => s !== PLATFORM);
  for (const stack of platform) await next(stack);
  if (platform.length && outcomes.get(PLATFORM)!.action === 'failed')
    for (const stack of customers)
      outcomes.set(stack, {
        stack,
        action: 'skipped',
        reason: 'the platform failed; the customer stacks need it',
      });
  else {
    if (customers.length) await next(customers[0]!);
    const limit = pLimit(Math.max(1, options.parallelism ?? 1));
    await Promise.all(customers.slice(1).map((s) => limit(() => next(s))));
  }
  return stacks.map((s) => outcomes.get(s)!);
}

function stopReason(signal: AbortSignal | undefined, failures: number, max: number): string | undefined {
  if (signal?.aborted)
    return 'the deploy was cancelled before this stack started; the next deploy applies it';
  if (failures >= max)
    return `not started after ${failures} stacks failed; fix those, then re-run the job (stacks already applied only refresh)`;
  return undefined;
}

/** The per-stack flow: init, apply, then the customer hook. */
function stackRunner(
  options: DeployOptions,
  cache: ProviderCache,
  out: string,
): (stack: string) => Promise<StackOutcome> {
  const customersDir = options.customers ?? 'customers';
  const now = options.now ?? new Date();
  const log = options.log ?? ((text: string) => process.stderr.write(text));
  const env = cache.env(options.env ?? process.env);
  const tf = (dir: string, ...args: string[]): Promise<TerraformRun> =>
    runTerraform(dir, [...args, '-no-color'], { terraform: options.terraform, env, signal: options.signal });

  return async (stack) => {
    const dir = join(out, 'stacks', stack);
    const removed = stack !== PLATFORM && !existsSync(join(customersDir, `${slugOf(stack)}.yaml`));
    const transcript: string[] = [];
    const seconds = { init: 0, apply: 0 };
    const step = async (name: keyof typeof seconds, ...args: string[]): Promise<TerraformRun> => {
      const r = await tf(dir, name, ...args);
      seconds[name] += r.seconds;
      transcript.push(`$ terraform ${name}\n${r.stdout}${r.stderr}`);
      return r;
    };
    const finish = (outcome: StackOutcome): StackOutcome => {
      log(stackLog({ ...outcome, seconds }, removed, transcript));
      return { ...outcome, seconds };
    };
    const failed = (what: string, r?: TerraformRun): StackOutcome =>
      finish({ stack, action: 'failed', reason: failureReason(what, r, options.signal) });

    if (stack !== PLATFORM && !removed && options.beforeCustomerApply) {
      try {
        await options.beforeCustomerApply({ stack, customer: slugOf(stack), dir });
      } catch (err) {
        return finish({ stack, action: 'failed', reason: (err as Error).message });
      }
    }
    cache.prepare(dir);
    const init = await step('init', '-input=false');
    if (init.code !== 0) return failed('terraform init', init);
    cache.remember(dir);
    // What the state holds before the destroy: the names and recovery windows of its secrets.
    const secrets = removed ? secretsInState((await tf(dir, 'show', '-json')).stdout) : [];
    if (options.signal?.aborted) return failed('the apply (cancelled before it started)');
    const apply = await step('apply', '-input=false', '-auto-approve');
    if (apply.code !== 0) return failed('terraform apply', apply);
    const changed = !NO_CHANGE.test(apply.stdout);
    if (removed && changed)
      return finish({
        stack,
        action: 'destroyed',
        restorable: secrets.map((s) => ({ secret: s.name, until: addDays(now, s.recoveryWindowDays) })),
      });
    // The point after a customer's stack is applied: what must follow it goes here.
    if (stack !== PLATFORM && !removed && options.afterCustomerApply) {
      try {
        await options.afterCustomerApply({ stack, customer: slugOf(stack), dir });
      } catch (err) {
        return finish({ stack, action: 'failed', reason: (err as Error).message });
      }
    }
    return finish({ stack, action: changed ? 'applied' : 'unchanged' });
  };
}

/** One line that says what failed and what to do; Terraform's own error is in the job log. */
function failureReason(what: string, r: TerraformRun | undefined, signal: AbortSignal | undefined): string {
  if (signal?.aborted)
    return `${what} was interrupted by the cancelled deploy; Terraform stopped after the changes in flight, and the next deploy finishes this stack`;
  if (r && r.code === -1)
    return `${what} could not run (${r.stderr.trim().split('\n').at(-1)}); is terraform on PATH?`;
  const output = r ? `${r.stderr}\n${r.stdout}` : '';
  if (/Error acquiring the state lock/.test(output))
    return `${what}: the state is locked. If no one is applying this stack (deploys never overlap), a cancelled run left the lock: "terraform force-unlock <lock ID>" in the stack, then re-run`;
  const error = /Error: (.+)/.exec(output)?.[1]?.trim();
  return `${what} failed${r && r.code >= 0 ? ` (exit ${r.code})` : ''}${error ? `: ${error}` : ''}; its output is in the job log`;
}

function stackLog(
  outcome: StackOutcome & { seconds: NonNullable<StackOutcome['seconds']> },
  removed: boolean,
  transcript: readonly string[],
): string {
  const s = outcome.seconds;
  const head = `${outcome.stack}${removed ? ' (record removed: destroying)' : ''}: ${outcome.action} (init ${s.init.toFixed(1)} s, apply ${s.apply.toFixed(1)} s)`;
  if (process.env.GITHUB_ACTIONS === 'true')
    return `::group::${head}\n${transcript.join('\n')}::endgroup::\n${
      outcome.action === 'failed' ? `::error title=deploy of ${outcome.stack}::${outcome.reason}\n` : ''
    }`;
  return `== ${head}\n${outcome.action === 'failed' ? `${transcript.join('\n')}\n` : ''}`;
}

const stateJson = z.object({
  values: z
    .object({
      root_module: z.object({
        resources: z
          .array(
            z.object({
              mode: z.string(),
              type: z.string(),
              values: z.object({
                name: z.string().optional(),
                recovery_window_in_days: z.number().optional(),
              }),
            }),
          )
          .default([]),
      }),
    })
    .optional(),
});

function secretsInState(json: string): { name: string; recoveryWindowDays: number }[] {
  const parsed = stateJson.safeParse(safeJson(json || '{}'));
  if (!parsed.success) return [];
  return (
    (parsed.data.values?.root_module.resources ?? [])
      // Managed resources only: the stack also reads the secret as data (adopt-imported-secret).
      .filter((r) => r.mode === 'managed' && r.type === 'aws_secretsmanager_secret' && r.values.name)
      .map((r) => ({ name: r.values.name!, recoveryWindowDays: r.values.recovery_window_in_days ?? 30 }))
  );
}

function addDays(day: Date, days: number): string {
  return new Date(day.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}
