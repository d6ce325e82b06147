import * as core from '@actions/core';
import type { Annotation } from './report.js';

/**
 * Prints workflow annotations. @actions/core writes workflow commands to stdout, but stdout
 * belongs to the report (one JSON document with --format json); the Actions runner reads
 * workflow commands on stderr as well, so they are sent there.
 */
export function printAnnotations(
  annotations: readonly Annotation[],
  stderr: NodeJS.WritableStream = process.stderr,
): void {
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => stderr.write(chunk)) as typeof process.stdout.write;
  try {
    for (const a of annotations) {
      const properties = { title: a.title, file: a.file, startLine: a.line, startColumn: a.column };
      if (a.severity === 'error') core.error(a.message, properties);
      else core.warning(a.message, properties);
    }
  } finally {
    process.stdout.write = write;
  }
}

/** Appends the report's Markdown to the job's step summary ($GITHUB_STEP_SUMMARY). */
export async function appendStepSummary(title: string, markdown: string): Promise<void> {
  await core.summary.addHeading(title, 3).addRaw(markdown, true).write();
}
