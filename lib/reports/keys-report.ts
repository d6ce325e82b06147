import type { KeyCheckResult } from '../checks/check-keys.js';
import { pendingJson, pendingLine, type PendingImport } from '../checks/pending-imports.js';
import type { Annotation, Report, ReportCase } from './report.js';
import { howToRotate } from '../model/rotation.js';
import { printable } from '../printable.js';
import type { RequestStatus } from '../requests/request-status.js';
import { markdownTable, textTable } from './table.js';

/** The report of `check keys` (docs/contract.md: check keys). An overdue rotation is a warning everywhere. */
export function keysReport(
  checked: readonly KeyCheckResult[],
  /** Keys import staged that no record names: listed, never a change of the exit code. */
  pending: readonly PendingImport[] = [],
  graceDays = 7,
  /** Each customer's key request and previous-key revocation, where GitHub was asked. */
  requests: ReadonlyMap<string, RequestStatus> = new Map(),
): Report {
  // Text, Markdown, JUnit and annotations show escaped text; JSON escapes by itself.
  const results = checked.map((r) => ({
    ...r,
    customer: printable(r.customer),
    file: printable(r.file),
    keyId: r.keyId === null ? null : printable(r.keyId),
    message: printable(r.message),
  }));
  const count = (status: KeyCheckResult['status']): number =>
    results.filter((r) => r.status === status).length;
  const summary = {
    total: results.length,
    valid: count('valid'),
    invalid: count('invalid'),
    inconclusive: count('inconclusive'),
  };
  const overdue = results.filter((r) => r.rotationOverdue);
  const due = (r: KeyCheckResult): string =>
    r.rotationDue ? `${r.rotationDue}${r.rotationOverdue ? ' (overdue)' : ''}` : '-';
  const header = ['customer', 'key ID', 'status', 'code', 'rotation due'];
  const rows = results.map((r) => [r.customer, r.keyId ?? '-', r.status, r.code, due(r)]);
  const problems = results
    .filter((r) => r.status !== 'valid')
    .map((r) => `${r.customer}: ${r.code} ${r.message}`);
  const warnings = overdue.map(
    (r) =>
      `warning: ${r.customer}: the key ${r.keyId} was due for rotation on ${r.rotationDue}; ${howToRotate(r.customer)}`,
  );
  const line = `${summary.total} key${summary.total === 1 ? '' : 's'}: ${summary.valid} valid, ${summary.invalid} invalid, ${summary.inconclusive} inconclusive${pending.length ? `; ${pending.length} pending import${pending.length === 1 ? '' : 's'}` : ''}`;
  const waiting = pending.map((p) => printable(pendingLine(p, graceDays)));

  const cases: ReportCase[] = results.map((r) => ({
    name: r.customer,
    file: r.file,
    outcome: r.status === 'valid' ? 'passed' : r.status === 'invalid' ? 'failed' : 'inconclusive',
    code: r.code,
    message: `${r.message}${r.rotationOverdue ? ` (warning: rotation overdue since ${r.rotationDue})` : ''}`,
  }));
  const annotations: Annotation[] = [
    ...results
      .filter((r) => r.status !== 'valid')
      .map((r): Annotation => ({
        severity: r.status === 'invalid' ? 'error' : 'warning',
        file: r.file,
        ...r.position,
        title: `asc-keys ${r.code}`,
        message: `${r.customer}: ${r.message}`,
      })),
    ...overdue.map((r): Annotation => ({
      severity: 'warning',
      file: r.file,
      ...r.position,
      title: 'asc-keys ROTATION_OVERDUE',
      message: `the key ${r.keyId} of ${r.customer} was due for rotation on ${r.rotationDue}; ${howToRotate(r.customer)}`,
    })),
  ];
  return {
    command: 'check keys',
    text: [
      results.length ? textTable([header, ...rows]) : 'no customers selected',
      ...(problems.length ? ['', ...problems] : []),
      ...(warnings.length ? ['', ...warnings] : []),
      ...(waiting.length ? ['', ...waiting] : []),
      '',
      line,
    ].join('\n'),
    json: {
      summary,
      results: checked.map((r) => ({
        customer: r.customer,
        file: r.file,
        keyId: r.keyId,
        status: r.status,
        code: r.code,
        message: r.message,
        rotationDue: r.rotationDue,
        rotationOverdue: r.rotationOverdue,
        ageDays: r.ageDays,
        dueOn: r.rotationDue,
        request: requests.get(r.customer)?.request ?? null,
        previousKeyRevoked: requests.get(r.customer)?.previousKeyRevoked ?? null,
      })),
      pending: pending.map(pendingJson),
    },
    markdown: `${line}${waiting.map((w) => `\n\n${w}`).join('')}\n\n${results.length ? markdownTable([[...header, 'message'], ...results.map((r, i) => [...rows[i]!, r.status === 'valid' ? '' : r.message])]) : ''}`,
    cases,
    annotations,
    exitCode: summary.invalid > 0 ? 1 : summary.inconclusive > 0 ? 3 : 0,
  };
}
