import type { DriftFinding } from '../checks/check-drift.js';
import { pendingJson, type PendingImport } from '../checks/pending-imports.js';
import type { CustomerRecord } from '../records/customer-record.js';
import type { Annotation, Report, ReportCase } from './report.js';
import { printable } from '../printable.js';
import { markdownTable, textTable } from './table.js';

/** The report of `check drift` (docs/contract.md: check drift): values of secrets never appear, only IDs and thumbprints. */
export function driftReport(
  selected: readonly CustomerRecord[],
  found: readonly DriftFinding[],
  /** Lines that are not drift (a removed customer's secret in its recovery window). */
  notes: readonly string[] = [],
  /** Keys import staged that no record names (awaiting merge, or overdue). */
  pending: readonly PendingImport[] = [],
): Report {
  // Text, Markdown, JUnit and annotations show escaped text (tags and names come from AWS).
  const findings = found.map((f) => ({
    ...f,
    customer: f.customer === null ? null : printable(f.customer),
    resource: printable(f.resource),
    field: f.field === null ? null : printable(f.field),
    ...(f.file !== undefined && { file: printable(f.file) }),
    message: printable(f.message),
  }));
  const apart = (f: { kind: string }): boolean => f.kind === 'unmanaged' || f.kind === 'pending';
  const drifted = new Set(findings.filter((f) => !apart(f)).map((f) => f.customer));
  const unmanaged = findings.filter((f) => f.kind === 'unmanaged');
  const unmanagedSecrets = unmanaged.filter((f) =>
    f.resource.startsWith('aws_secretsmanager_secret.'),
  ).length;
  const summary = {
    customers: selected.length,
    inSync: selected.filter((r) => !drifted.has(r.customer)).length,
    drifted: selected.filter((r) => drifted.has(r.customer)).length,
    unmanaged: unmanaged.length,
    unmanagedSecrets,
    unmanagedSchedules: unmanaged.length - unmanagedSecrets,
    pending: pending.length,
  };
  const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  const line = `${plural(summary.customers, 'customer')}: ${summary.inSync} in sync, ${summary.drifted} drifted, ${plural(summary.unmanagedSecrets, 'unmanaged secret')}, ${plural(summary.unmanagedSchedules, 'unmanaged schedule')}, ${plural(summary.pending, 'pending import')}`;
  const header = ['customer', 'resource', 'kind', 'field', 'message'];
  const rows = findings.map((f) => [f.customer ?? '-', f.resource, f.kind, f.field ?? '-', f.message]);
  const cases: ReportCase[] = [
    ...selected.map((r): ReportCase => {
      const own = findings.filter((f) => f.customer === r.customer && !apart(f));
      return own.length
        ? {
            name: r.customer,
            file: printable(r.file),
            outcome: 'failed',
            code: own.map((f) => f.kind).join(','),
            message: own.map((f) => `${f.resource} ${f.field ?? ''}: ${f.message}`).join('\n'),
          }
        : {
            name: r.customer,
            file: printable(r.file),
            outcome: 'passed',
            code: 'IN_SYNC',
            message: 'live AWS matches the record',
          };
    }),
    // The platform stack's findings have no customer and are not unmanaged: one case for them.
    ...(findings.some((f) => f.customer === null && !apart(f))
      ? [
          {
            name: 'platform',
            outcome: 'failed' as const,
            code: 'changed',
            message: findings
              .filter((f) => f.customer === null && !apart(f))
              .map((f) => `${f.resource} ${f.field ?? ''}: ${f.message}`)
              .join('\n'),
          },
        ]
      : []),
    ...findings.filter(apart).map((f): ReportCase => ({
      name: f.resource,
      outcome: 'failed',
      code: f.kind,
      message: f.message,
    })),
  ];
  const annotations: Annotation[] = findings
    .filter((f) => f.file && f.position)
    .map((f) => ({
      severity: 'error',
      file: f.file!,
      ...f.position!,
      title: `asc-keys drift ${f.kind}`,
      message: `${f.customer}: ${f.resource}${f.field ? ` ${f.field}` : ''}: ${f.message}`,
    }));
  return {
    command: 'check drift',
    text: [
      ...(findings.length ? [textTable([header, ...rows]), ''] : []),
      ...notes.map((line) => printable(line)),
      line,
    ].join('\n'),
    json: {
      summary,
      findings: found.map(({ customer, resource, kind, field, expected, actual, message }) => ({
        customer,
        resource,
        kind,
        field,
        expected,
        actual,
        message,
      })),
      pending: pending.map(pendingJson),
    },
    markdown: `${line}${findings.length ? `\n\n${markdownTable([header, ...rows])}` : ''}${notes.map((n) => `\n\n${printable(n)}`).join('')}`,
    cases,
    annotations,
    exitCode: findings.length ? 1 : 0,
  };
}
