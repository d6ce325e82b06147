/**
 * What a command found, in a form every output can take: the text or JSON on stdout, the JUnit
 * file, GitHub annotations and the step summary. Commands build one Report; emit-report.ts
 * writes it everywhere it was asked to go.
 */
export type CaseOutcome = 'passed' | 'failed' | 'inconclusive';

export interface ReportCase {
  /** The test case name in JUnit: a customer slug or a finding. */
  readonly name: string;
  /** The record file the case is about, when there is one. */
  readonly file?: string;
  readonly outcome: CaseOutcome;
  readonly code: string;
  readonly message: string;
}

export interface Annotation {
  readonly severity: 'error' | 'warning';
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly title: string;
  readonly message: string;
}

export interface Report {
  /** The command, as the JUnit suite name. */
  readonly command: string;
  readonly text: string;
  readonly json: unknown;
  /** A Markdown summary, for `--format markdown` and $GITHUB_STEP_SUMMARY. */
  readonly markdown: string;
  readonly cases: readonly ReportCase[];
  readonly annotations: readonly Annotation[];
  readonly exitCode: 0 | 1 | 3;
}
