import { howToRotate, rotationStatus } from '../../model/rotation.js';
import { loadProject } from '../../records/load-project.js';
import { emitReport } from '../../reports/emit-report.js';
import { findingAnnotation, findingLine } from '../../reports/findings-report.js';
import { printable } from '../../printable.js';
import type { Annotation, ReportCase } from '../../reports/report.js';
import { markdownTable, textTable } from '../../reports/table.js';
import type { CommonOptions } from '../common-options.js';
import { keyRequests } from '../key-requests.js';
import { statusPending } from './status-pending.js';

export interface StatusOptions extends CommonOptions {
  /** Also list the imports awaiting merge, from AWS (status-pending.ts). @default false: offline */
  readonly aws?: boolean;
}

/** Offline: each key's age and rotation due day. Invalid records are listed as findings. */
export async function status(
  options: StatusOptions,
  now: Date = new Date(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const project = loadProject({ customersDir: options.customers });
  const requests = await keyRequests(project.platform, project.records, env);
  const pending = options.aws ? await statusPending(project, env, now) : undefined;
  const errors = project.findings.filter((f) => f.severity === 'error');
  const rows = project.records.map((r) => ({ record: r, ...rotationStatus(r, now) }));
  const overdue = rows.filter((r) => r.overdue);
  const header = ['customer', 'key ID', 'age (days)', 'rotation due', 'days left', 'overdue'];
  const cells = rows.map((r) => [
    r.record.customer,
    r.record.keyId,
    String(r.ageDays),
    r.dueOn,
    String(r.daysLeft),
    r.overdue ? 'OVERDUE' : 'no',
  ]);
  const warnings = overdue.map(
    (r) =>
      `warning: ${r.record.customer}: the key ${r.record.keyId} was due for rotation on ${r.dueOn} (${-r.daysLeft} day${r.daysLeft === -1 ? '' : 's'} ago); ${howToRotate(r.record.customer)}`,
  );
  const summary = `${rows.length} customer${rows.length === 1 ? '' : 's'}, ${overdue.length} overdue${errors.length ? `, ${errors.length} record error${errors.length === 1 ? '' : 's'}` : ''}`;
  const annotations: Annotation[] = [
    ...errors.map(findingAnnotation),
    ...overdue.map((r): Annotation => ({
      severity: 'warning',
      file: printable(r.record.file),
      ...r.record.positions.apiKey,
      title: 'asc-keys ROTATION_OVERDUE',
      message: `the key ${r.record.keyId} of ${r.record.customer} was due for rotation on ${r.dueOn}; ${howToRotate(r.record.customer)}`,
    })),
  ];
  const cases: ReportCase[] = rows.map((r) => ({
    name: r.record.customer,
    file: printable(r.record.file),
    outcome: 'passed',
    code: r.overdue ? 'ROTATION_OVERDUE' : 'OK',
    message: `rotation due ${r.dueOn}, ${r.overdue ? `${-r.daysLeft} day${r.daysLeft === -1 ? '' : 's'} overdue` : `${r.daysLeft} day${r.daysLeft === 1 ? '' : 's'} left`}`,
  }));
  await emitReport(
    {
      command: 'status',
      text: [
        ...errors.map(findingLine),
        rows.length ? textTable([header, ...cells]) : '',
        warnings.length ? ['', ...warnings, ''].join('\n') : '',
        ...(pending ? [...pending.lines, ''] : []),
        summary,
      ]
        .filter(Boolean)
        .join('\n'),
      json: {
        summary: { customers: rows.length, overdue: overdue.length, errors: errors.length },
        customers: rows.map((r) => ({
          customer: r.record.customer,
          file: r.record.file,
          keyId: r.record.keyId,
          createdOn: r.record.createdOn,
          ageDays: r.ageDays,
          rotationDue: r.dueOn,
          daysLeft: r.daysLeft,
          overdue: r.overdue,
          dueOn: r.dueOn,
          request: requests.get(r.record.customer)?.request ?? null,
          previousKeyRevoked: requests.get(r.record.customer)?.previousKeyRevoked ?? null,
        })),
        findings: errors,
        // Imports awaiting merge: null unless --aws asked AWS (unknown, not none).
        pending: pending?.json ?? null,
      },
      markdown: `${rows.length ? `${markdownTable([header, ...cells])}\n\n` : ''}${pending ? `${pending.lines.map((l) => l.trim()).join('\n\n')}\n\n` : ''}${summary}`,
      cases,
      annotations,
      exitCode: errors.length ? 1 : 0,
    },
    options,
  );
  return errors.length ? 1 : 0;
}
