import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadProject } from '../records/load-project.js';
import type { CustomerRecord } from '../records/customer-record.js';
import { planPromotion, promotePending, promotionLine } from './promote-pending.js';
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
  /**
   * Secrets Manager, for each customer's key: checked before its stack is applied, made current
   * after (promote-pending.ts). @default a client from the standard AWS SDK configuration
   */
  readonly secretsManager?: SecretsManagerClient;
}

export interface StackOutcome {
  readonly stack: string;
  readonly action: 'applied' | 'destroyed' | 'failed' | 'skipped';
  /** For a destroyed stack: each secret it held, and the last day it can be restored. */
  readonly restorable?: readonly { readonly secret: string; readonly until: string }[];
  /** What happened to the customer's key: made current, already current, or why the stack was not applied. */
  readonly key?: string;
}

const affectedJson = z.object({ stacks: z.array(z.string()) });

/** The order of the applies: platform first, then the customers in the order `affected` lists them. */
export function deployOrder(stacks: readonly string[]): string[] {
  return [...stacks].sort((a, b) => Number(b === 'platform') - Number(a === 'platform'));
}

export async function deploy(options: DeployOptions): Promise<StackOutcome[]> {
  const out = options.out ?? 'cdktf.out';
  const customers = options.customers ?? 'customers';
  const now = options.now ?? new Date();
  const terraform = options.terraform ?? 'terraform';
  const stacks = deployOrder(
    parseStackList(affectedJson.parse(JSON.parse(readFileSync(options.affected, 'utf8'))).stacks.join(',')) ??
      [],
  );
  const outcomes: StackOutcome[] = [];
  const keys = customerKeys(options.secretsManager, customers);
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
    const record = removed ? undefined : keys.record(stack);
    if (record) {
      // A missing or deleted secret, or a version the record names that was never imported,
      // fails this customer before Terraform; the other customers still deploy.
      const plan = await keys.plan(record);
      if (!plan.ok) {
        process.stderr.write(`${stack}: ${plan.message}\n`);
        outcomes.push({ stack, action: 'failed', key: plan.message });
        continue;
      }
    }
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
    } else if (record) {
      const promotion = await keys.promote(record);
      const key = promotionLine(record, promotion);
      process.stderr.write(`${stack}: ${key}\n`);
      outcomes.push({ stack, action: promotion.outcome === 'failed' ? 'failed' : 'applied', key });
    } else outcomes.push({ stack, action: 'applied' });
  }
  const summaryFile = options.summaryFile ?? process.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) appendFileSync(summaryFile, deploySummary(outcomes));
  return outcomes;
}

/** The records of the merge, and their keys in Secrets Manager; the client is made when a customer needs it. */
function customerKeys(client: SecretsManagerClient | undefined, customersDir: string) {
  let records: Map<string, CustomerRecord> | undefined;
  let sm = client;
  const secrets = (): SecretsManagerClient => (sm ??= new SecretsManagerClient({ maxAttempts: 6 }));
  return {
    record(stack: string): CustomerRecord | undefined {
      if (stack === 'platform') return undefined;
      records ??= new Map(loadProject({ customersDir }).records.map((r) => [`customer-${r.customer}`, r]));
      return records.get(stack);
    },
    plan: (record: CustomerRecord) => planPromotion(secrets(), record),
    promote: (record: CustomerRecord) => promotePending(secrets(), record),
  };
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
    if (o.action !== 'destroyed') return `- \`${o.stack}\`: ${o.action}${o.key ? `. ${o.key}` : ''}`;
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
export async function main(argv: readonly string[]): Promise<number> {
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
  const outcomes = await deploy({ affected: values.affected, out: values.out, customers: values.customers });
  return outcomes.some((o) => o.action === 'failed') ? 1 : 0;
}
