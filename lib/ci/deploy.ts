import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { stackZone } from '../model/trust-zones.js';
import { parseStackList } from '../stacks/stack-selection.js';

/**
 * The deploy job's apply step: Terraform init and apply of each synthesized stack that the
 * merge touched, the platform first (customer stacks name its key, topic and roles). This is
 * what `cdktf deploy` runs, without its CLI, so that the job's own commands are tested
 * against moto. A customer whose record was removed has an empty stack: applying it destroys
 * the secret, which enters its recovery window, and the summary says until when it can be
 * restored.
 */
export interface DeployOptions {
  /** `asc-keys affected --format json` of the merge. */
  readonly affected: string;
  /** Where `asc-keys synth --stack …` wrote the stacks. @default "cdktf.out" */
  readonly out?: string;
  /** @default "customers" */
  readonly customers?: string;
  /** @default new Date() */
  readonly now?: Date;
  /** @default "terraform" */
  readonly terraform?: string;
  /** Step summary. @default GITHUB_STEP_SUMMARY, if set */
  readonly summaryFile?: string;
}

export interface StackOutcome {
  readonly stack: string;
  readonly action: 'applied' | 'destroyed' | 'failed' | 'skipped';
  /** For a destroyed stack: each secret it held, and the last day it can be restored. */
  readonly restorable?: readonly { readonly secret: string; readonly until: string }[];
}

const affectedJson = z.object({ stacks: z.array(z.string()) });

/**
 * The order of the applies: platform first, then the customers in the order `affected` lists
 * them. Never a stack of the administrators' zone (custody), whatever the list says: the
 * deployer may not apply it, and its own policy would refuse every change in it.
 */
export function deployOrder(stacks: readonly string[]): string[] {
  return stacks
    .filter((s) => stackZone(s) === 'deployer')
    .sort((a, b) => Number(b === 'platform') - Number(a === 'platform'));
}

export function deploy(options: DeployOptions): StackOutcome[] {
  const out = options.out ?? 'cdktf.out';
  const customers = options.customers ?? 'customers';
  const now = options.now ?? new Date();
  const terraform = options.terraform ?? 'terraform';
  const stacks = deployOrder(
    parseStackList(affectedJson.parse(JSON.parse(readFileSync(options.affected, 'utf8'))).stacks.join(',')) ??
      [],
  );
  const outcomes: StackOutcome[] = [];
  let failed = false;
  for (const stack of stacks) {
    if (failed) {
      outcomes.push({ stack, action: 'skipped' });
      continue;
    }
    const dir = join(out, 'stacks', stack);
    if (!existsSync(join(dir, 'cdk.tf.json')))
      throw new Error(`${dir}/cdk.tf.json is missing: run "asc-keys synth --stack ${stack}" first`);
    const removed =
      stack !== 'platform' && !existsSync(join(customers, `${stack.slice('customer-'.length)}.yaml`));
    const tf = (...args: string[]): ReturnType<typeof spawnSync> =>
      spawnSync(terraform, [`-chdir=${dir}`, ...args], {
        stdio: ['ignore', args[0] === 'show' ? 'pipe' : 'inherit', 'inherit'],
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      });
    process.stderr.write(`== ${stack}${removed ? ' (record removed: destroying)' : ''}\n`);
    let ok = tf('init', '-input=false', '-no-color').status === 0;
    // What the state holds before the destroy: the names and recovery windows of its secrets.
    const secrets = ok && removed ? secretsInState(String(tf('show', '-json', '-no-color').stdout)) : [];
    ok = ok && tf('apply', '-input=false', '-auto-approve', '-no-color').status === 0;
    if (!ok) {
      failed = true;
      outcomes.push({ stack, action: 'failed' });
    } else if (removed) {
      outcomes.push({
        stack,
        action: 'destroyed',
        restorable: secrets.map((s) => ({ secret: s.name, until: addDays(now, s.recoveryWindowDays) })),
      });
    } else outcomes.push({ stack, action: 'applied' });
  }
  const summaryFile = options.summaryFile ?? process.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) appendFileSync(summaryFile, deploySummary(outcomes));
  return outcomes;
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
  const parsed = stateJson.safeParse(JSON.parse(json || '{}'));
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

export function deploySummary(outcomes: readonly StackOutcome[]): string {
  if (!outcomes.length) return '## Deploy\n\nNo stack is affected by this merge.\n';
  const lines = outcomes.map((o) => {
    if (o.action !== 'destroyed') return `- \`${o.stack}\`: ${o.action}`;
    const secrets = o.restorable ?? [];
    return secrets.length
      ? `- \`${o.stack}\`: destroyed (record removed). ${secrets
          .map(
            (s) =>
              `The secret \`${s.secret}\` can be restored until ${s.until}: \`aws secretsmanager restore-secret --secret-id ${s.secret}\`, then put the record back.`,
          )
          .join(' ')}`
      : `- \`${o.stack}\`: destroyed (record removed; it held no secret)`;
  });
  return `## Deploy\n\n${lines.join('\n')}\n`;
}

/** `node dist/lib/ci/deploy.js --affected affected.json [--out cdktf.out] [--customers customers]` */
export function main(argv: readonly string[]): number {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      affected: { type: 'string' },
      out: { type: 'string', default: 'cdktf.out' },
      customers: { type: 'string', default: 'customers' },
    },
    strict: true,
  });
  if (!values.affected) throw new Error('--affected <file> is required: the JSON of "asc-keys affected"');
  const outcomes = deploy({ affected: values.affected, out: values.out, customers: values.customers });
  return outcomes.some((o) => o.action === 'failed') ? 1 : 0;
}
