import { writeFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { printable, withoutWorkflowCommands } from '../printable.js';
import { withoutKeyMaterial } from '../without-key-material.js';
import type { Report } from './report.js';

export type OutputFormat = 'text' | 'json' | 'markdown';

export interface EmitOptions {
  readonly format: OutputFormat;
  /** Where to write JUnit XML. @default no file */
  readonly junit?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Writes a report to stdout in its format, and wherever else the options and CI ask for it. */
export async function emitReport(report: Report, options: EmitOptions): Promise<void> {
  const env = options.env ?? process.env;
  const out =
    options.format === 'json'
      ? JSON.stringify(report.json, null, 2)
      : options.format === 'markdown'
        ? report.markdown
        : report.text;
  // JSON escapes control characters itself; text and Markdown fields are escaped by the reports.
  // JSON is cleaned of key material here: its values are not escaped by the reports.
  process.stdout.write(
    `${options.format === 'json' ? withoutKeyMaterial(out) : withoutWorkflowCommands(out)}\n`,
  );
  if (options.junit) {
    // JUnit and GitHub output load only when asked for: they cost a fifth of a second of start-up.
    const { junitXml } = await import('./junit.js');
    const xml = withoutKeyMaterial(junitXml(report));
    try {
      writeFileSync(options.junit, xml);
    } catch (err) {
      throw new UsageError(
        'OUTPUT_UNWRITABLE',
        `cannot write the JUnit file "${options.junit}" (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        { next: 'check that its directory exists', cause: err },
      );
    }
  }
  if (env.GITHUB_ACTIONS === 'true' || env.GITHUB_STEP_SUMMARY) {
    const github = await import('./github.js');
    if (env.GITHUB_ACTIONS === 'true') github.printAnnotations(report.annotations);
    if (env.GITHUB_STEP_SUMMARY) {
      // The report is out already; a summary file that cannot be written costs the summary only.
      try {
        await github.appendStepSummary(`asc-keys ${report.command}`, report.markdown);
      } catch (err) {
        process.stderr.write(
          withoutWorkflowCommands(
            `asc-keys: warning: the step summary was not written: GITHUB_STEP_SUMMARY=${printable(env.GITHUB_STEP_SUMMARY)} cannot be appended to (${printable((err as NodeJS.ErrnoException).code ?? (err as Error).message ?? 'error')})\n`,
          ),
        );
      }
    }
  }
}
