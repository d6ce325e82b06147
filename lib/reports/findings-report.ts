import type { CustomerRecord } from '../records/customer-record.js';
import { countBySeverity, type Finding } from '../records/finding.js';
import type { Annotation, Report, ReportCase } from './report.js';
import { printable } from '../printable.js';
import { markdownTable } from './table.js';

export function findingLine(f: Finding): string {
  return `${printable(f.file)}:${f.line}:${f.column}: ${f.severity} ${f.code} ${printable(f.message)}`;
}

export function findingAnnotation(f: Finding): Annotation {
  return {
    severity: f.severity,
    file: printable(f.file),
    line: f.line,
    column: f.column,
    title: `asc-keys ${f.code}`,
    message: printable(f.message),
  };
}

/** The report of `lint`: every finding, and a passing case for every valid record. */
export function lintReport(
  findings: readonly Finding[],
  files: number,
  records: readonly CustomerRecord[],
): Report {
  const { errors, warnings } = countBySeverity(findings);
  // The platform configuration is checked too, but it is no record: it is named, not counted.
  const summary = `${files} record file${files === 1 ? '' : 's'} and cdktf.json: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  const cases: ReportCase[] = [
    ...findings
      .filter((f) => f.severity === 'error')
      .map((f): ReportCase => ({
        name: `${printable(f.file)}:${f.line}:${f.column} ${f.code}`,
        file: printable(f.file),
        outcome: 'failed',
        code: f.code,
        message: printable(f.message),
      })),
    ...records.map((r): ReportCase => ({
      name: r.customer,
      file: printable(r.file),
      outcome: 'passed',
      code: 'OK',
      message: 'the record is valid',
    })),
  ];
  return {
    command: 'lint',
    text: [...findings.map(findingLine), summary].join('\n'),
    json: {
      summary: { files, errors, warnings },
      findings: findings.map(({ file, line, column, severity, code, message }) => ({
        file,
        line,
        column,
        severity,
        code,
        message,
      })),
    },
    markdown: findings.length
      ? `${summary}\n\n${markdownTable([['file', 'line', 'severity', 'code', 'message'], ...findings.map((f) => [printable(f.file), String(f.line), f.severity, f.code, printable(f.message)])])}`
      : summary,
    cases,
    annotations: findings.map(findingAnnotation),
    exitCode: errors > 0 ? 1 : 0,
  };
}
