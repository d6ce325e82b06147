import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseStackList, recordFilesOf } from '../../ci/stack-selection.js';
import { loadProject } from '../../records/load-project.js';
import { emitReport } from '../../reports/emit-report.js';
import { findingLine, lintReport } from '../../reports/findings-report.js';
import type { CommonOptions } from '../common-options.js';

export interface SynthOptions extends CommonOptions {
  /** @default "cdktf.out" */
  readonly out: string;
  /** Only these stacks (repeatable --stack). @default every stack */
  readonly stack?: readonly string[];
}

/** Lints, then writes every stack; nothing is written when lint finds an error. */
export async function synth(options: SynthOptions): Promise<number> {
  const only = parseStackList(options.stack?.join(','), '--stack');
  // With --stack, only the selected records are read: `lint` checks the whole directory.
  const project = loadProject({
    customersDir: options.customers,
    ...(only ? { onlyFiles: recordFilesOf(only) } : {}),
  });
  const linted = lintReport(project.findings, project.files, project.records);
  if (linted.exitCode !== 0 || !project.platform) {
    await emitReport({ ...linted, command: 'synth' }, options);
    return 1;
  }
  // cdktf (and the AWS provider classes) load only for the command that needs them.
  const { synthesize } = await import('../../stacks/synthesize.js');
  // Stacks of customers removed since the last run must not linger beside the new ones.
  rmSync(join(options.out, 'stacks'), { recursive: true, force: true });
  const stacks = synthesize({
    records: project.records,
    platform: project.platform,
    outdir: options.out,
    ...(only ? { stacks: only } : {}),
  });
  const summary = only
    ? `Synthesized ${stacks.length} of the stacks (${stacks.join(', ')}) into ${join(options.out, 'stacks')}`
    : `Synthesized ${stacks.length} stacks (platform and ${project.records.length} customers) into ${join(options.out, 'stacks')}`;
  await emitReport(
    {
      ...linted,
      command: 'synth',
      text: [...project.findings.map(findingLine), summary].join('\n'),
      json: {
        summary: {
          stacks: stacks.length,
          customers: project.records.length,
          warnings: project.findings.length,
        },
        outdir: options.out,
        stacks: stacks.map((name) => ({ name, path: join(options.out, 'stacks', name, 'cdk.tf.json') })),
        findings: (linted.json as { findings: unknown[] }).findings,
      },
      markdown: summary,
    },
    options,
  );
  return 0;
}
