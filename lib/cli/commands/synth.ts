import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseStackList, recordFilesOf } from '../../stacks/stack-selection.js';
import { UsageError } from '../../errors.js';
import { loadProject } from '../../records/load-project.js';
import { emitReport } from '../../reports/emit-report.js';
import { findingLine, lintReport } from '../../reports/findings-report.js';
import { printable } from '../../printable.js';
import type { CommonOptions } from '../common-options.js';
import { removeStaleStacks, stacksWrittenBefore, unproducedStackDirs } from './stale-stacks.js';
import { CUSTODY_STACK, stackZone } from '../../model/trust-zones.js';
import { customerOfStack, customerStackName } from '../../model/customer-desired.js';
import { secretsNotReady } from './secrets-ready.js';

export interface SynthOptions extends CommonOptions {
  /** @default "cdktf.out" */
  readonly out: string;
  /** Only these stacks (repeatable --stack). @default every stack */
  readonly stack?: readonly string[];
  /**
   * Also ask AWS (DescribeSecret) whether each customer stack's secret is there for Terraform
   * to adopt, and holds the key its record names. @default false: synth is offline
   */
  readonly aws?: boolean;
}

/** Lints, then writes every stack; nothing is written when lint (or --aws) finds an error. */
export async function synth(
  options: SynthOptions,
  env: NodeJS.ProcessEnv = process.env,
  now: Date = new Date(),
): Promise<number> {
  requireDirectory(options.out);
  const only = parseStackList(options.stack?.join(','), '--stack');
  // With --stack, only the selected records are read: `lint` checks the whole directory.
  const project = loadProject({
    customersDir: options.customers,
    ...(only ? { onlyFiles: recordFilesOf(only) } : {}),
  });
  const linted = lintReport(project.findings, project.files, project.records);
  const platform = project.platform;
  if (linted.exitCode !== 0 || !platform) {
    await emitReport({ ...linted, command: 'synth' }, options);
    return 1;
  }
  if (options.aws) {
    const notReady = await secretsNotReady(project.records, platform, env, now);
    if (notReady.length) {
      const report = lintReport([...project.findings, ...notReady], project.files, project.records);
      const stop = `Nothing was synthesized: ${notReady.length} customer stack${notReady.length === 1 ? '' : 's'} cannot be applied until ${notReady.length === 1 ? 'its key is' : 'their keys are'} imported (or the secret restored)`;
      await emitReport(
        {
          ...report,
          command: 'synth',
          text: `${report.text}\n${stop}`,
          markdown: `${report.markdown}\n\n${stop}`,
        },
        options,
      );
      return 1;
    }
  }
  // cdktf (and the AWS provider classes) load only for the command that needs them.
  const { synthesize } = await import('../../stacks/synthesize.js');
  // Stacks of customers removed since the last run must not linger beside the new ones; only
  // what an earlier synth wrote (cdktf's manifest says which) is removed, never anything else.
  // With --stack the run writes a selection, so nothing else counts as stale.
  const before = only ? new Map<string, string[]>() : stacksWrittenBefore(options.out);
  const stacks = synthesize({
    records: project.records,
    platform: project.platform,
    outdir: options.out,
    ...(only ? { stacks: only } : {}),
  });
  const { kept } = removeStaleStacks(options.out, before, stacks);
  // Every folder no record produces any more, whether or not the last manifest named it (an
  // older synth, a manifest overwritten by --stack, a copy).
  if (!only)
    for (const dir of unproducedStackDirs(options.out, stacks)) if (!kept.includes(dir)) kept.push(dir);
  for (const dir of kept)
    process.stderr.write(
      `asc-keys: warning: kept ${printable(dir)}: its stack is gone, but it holds files synth did not write (Terraform state?); remove it yourself once that stack is destroyed\n`,
    );
  const customers = project.records.length;
  // A selected customer without a record: its stack is empty, and applying it destroys the key.
  const withRecord = new Set(project.records.map((r) => customerStackName(r.customer)));
  const removed = only ? stacks.filter((s) => customerOfStack(s) !== undefined && !withRecord.has(s)) : [];
  const removedLines = removed.map(
    (s) =>
      `${s} has no record: it is synthesized empty, so applying it destroys the customer's reminders and secret (deleted with a recovery window of ${platform.secretRecoveryWindowDays} days)`,
  );
  const summary = only
    ? `Synthesized ${stacks.length} of the stacks (${stacks.join(', ')}) into ${printable(join(options.out, 'stacks'))}`
    : `Synthesized ${stacks.length} stack${stacks.length === 1 ? '' : 's'} (${CUSTODY_STACK}, which only administrators apply; platform and ${customers} customer${customers === 1 ? '' : 's'}) into ${printable(join(options.out, 'stacks'))}`;
  await emitReport(
    {
      ...linted,
      command: 'synth',
      text: [...project.findings.map(findingLine), summary, ...removedLines].join('\n'),
      json: {
        summary: {
          stacks: stacks.length,
          customers: project.records.length,
          warnings: project.findings.length,
        },
        outdir: options.out,
        stacks: stacks.map((name) => ({
          name,
          zone: stackZone(name),
          path: join(options.out, 'stacks', name, 'cdk.tf.json'),
        })),
        findings: (linted.json as { findings: unknown[] }).findings,
        removed,
      },
      markdown: [summary, ...removedLines].join('\n\n'),
    },
    options,
  );
  return 0;
}

/** --out names a directory (made when missing); a file there is a usage error, not overwritten. */
function requireDirectory(out: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(out).isDirectory();
  } catch {
    return;
  }
  if (!isDirectory)
    throw new UsageError('USAGE', `--out ${out} is not a directory`, {
      next: 'name a directory for the stacks (default cdktf.out)',
    });
}
