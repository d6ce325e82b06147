import type { DriftProblem, KeyProblem, NightlyReports } from './nightly-reports.js';

/** The label of the one tracking issue, and the marker that tells ours from others with it. */
export const TRACKING_LABEL = 'asc-keys';
export const TRACKING_MARKER = '<!-- asc-keys:tracking-issue -->';
export const TRACKING_TITLE = 'asc-keys: invalid keys or drift found by the nightly check';

/** GitHub refuses an issue body over 65,536 characters; a long list is cut well before. */
const MAX_ROWS = 300;

export interface OpenIssue {
  readonly number: number;
  readonly body: string;
}

export type TrackingDecision =
  | { readonly action: 'open'; readonly title: string; readonly body: string }
  | { readonly action: 'update'; readonly number: number; readonly title: string; readonly body: string }
  | { readonly action: 'close'; readonly number: number; readonly comment: string }
  | { readonly action: 'none'; readonly reason: string };

export interface NightContext {
  /** The day of the run, YYYY-MM-DD. */
  readonly date: string;
  /** The workflow run, for the links. */
  readonly runUrl: string;
}

/**
 * What the nightly run does with the tracking issue:
 * - anything invalid or drifted: open the issue, or update the open one (one issue, whatever
 *   the number of nights);
 * - a clean night (every report read, every key valid, no drift): close the open issue;
 * - otherwise (only inconclusive keys, or a shard without a report) the night proved
 *   nothing either way, and the issue stays as it is.
 * The issue lists customers and codes only: no message, value or thumbprint from a report.
 */
export function decideTrackingIssue(
  reports: NightlyReports,
  openIssues: readonly OpenIssue[],
  night: NightContext,
): TrackingDecision {
  const ours = openIssues
    .filter((i) => i.body.includes(TRACKING_MARKER))
    .sort((a, b) => a.number - b.number)[0];
  const invalid = reports.keys.filter((k) => k.status === 'invalid');
  if (invalid.length || reports.drift.length) {
    const body = issueBody(reports, night);
    return ours
      ? { action: 'update', number: ours.number, title: TRACKING_TITLE, body }
      : { action: 'open', title: TRACKING_TITLE, body };
  }
  const inconclusive = reports.keys.length;
  if (inconclusive || reports.missing.length) {
    const parts = [
      ...(inconclusive ? [`${inconclusive} keys inconclusive after a retry`] : []),
      ...(reports.missing.length ? [`no report from ${reports.missing.join(', ')}`] : []),
    ];
    return { action: 'none', reason: `not a clean night: ${parts.join('; ')}` };
  }
  if (!ours) return { action: 'none', reason: `clean night: ${reports.checked} keys valid, no drift` };
  return {
    action: 'close',
    number: ours.number,
    comment: `Clean night on ${night.date}: ${reports.checked} keys valid, no drift ([run](${night.runUrl})). Closing.`,
  };
}

/** The Markdown of the tracking issue. */
export function issueBody(reports: NightlyReports, night: NightContext): string {
  const invalid = reports.keys.filter((k) => k.status === 'invalid');
  const inconclusive = reports.keys.filter((k) => k.status === 'inconclusive');
  return [
    TRACKING_MARKER,
    `The nightly check of ${night.date} ([run](${night.runUrl})) found ${invalid.length} invalid keys and ${reports.drift.length} drift findings.`,
    'This issue is updated every night while anything is wrong and closes itself after a clean night.',
    'What to do: see "The nightly alarm" in the README; the run\'s JUnit artifacts and step summary have the details.',
    'Keys change in one order: import, then merge, then deploy. A key or value mismatch right after a merge means its deploy has not run yet; a pending import is merged or discarded (asc-keys import --discard). Never delete a secret or store an older key as a first step: docs/rotation.md.',
    ...(invalid.length
      ? ['', '## Invalid keys', '', ...table(['customer', 'code'], invalid.map(keyRow))]
      : []),
    ...(reports.drift.length
      ? [
          '',
          '## Drift',
          '',
          ...table(
            ['customer', 'kind', 'resource', 'field'],
            reports.drift.map((d) => driftRow(d)),
          ),
        ]
      : []),
    ...(inconclusive.length
      ? ['', '## Inconclusive after a retry', '', ...table(['customer', 'code'], inconclusive.map(keyRow))]
      : []),
    ...(reports.missing.length ? ['', `No report from: ${reports.missing.join(', ')}.`] : []),
    ...runbook(invalid, reports.drift),
    '',
  ].join('\n');
}

/**
 * The steps for what this night found, each in the order that cannot lose a key: import, then
 * merge, then deploy; restore before anything else. Never a deletion, never an older key first.
 */
function runbook(invalid: readonly KeyProblem[], drift: readonly DriftProblem[]): string[] {
  const codes = new Set(invalid.map((k) => k.code));
  const secretMissing = drift.some((d) => d.kind === 'missing' && d.resource.startsWith(SECRET));
  const steps = [
    ...(codes.has('SECRET_NOT_FOUND') || secretMissing
      ? [
          'A secret (or its current value) is missing: import the key that the record names (`asc-keys import --customer <slug> …`, on a branch), then merge, then deploy. Never apply the customer stack first: it adopts the secret and fails without it.',
        ]
      : []),
    ...(codes.has('KEY_ID_MISMATCH') ||
    codes.has('FINGERPRINT_MISMATCH') ||
    drift.some((d) => d.kind === 'value')
      ? [
          'A stored key differs from its record: right after a merge, its deploy has not run yet (run it; it makes the merged key current). Otherwise import the key the record names, then merge, then deploy; never store an older key again as a first step.',
        ]
      : []),
    ...([...codes].some((c) => REVOKED.has(c))
      ? [
          'Apple refuses a key: ask the customer for a new one (`asc-keys request`), then import, then merge, then deploy.',
        ]
      : []),
    ...(drift.some((d) => d.field === 'deletion')
      ? [
          'A secret is scheduled for deletion: restore it (`aws secretsmanager restore-secret --secret-id <name>`) by the day `check drift` names, then deploy; once that day has passed, import a new key, then merge, then deploy.',
        ]
      : []),
    ...(drift.some((d) => d.kind === 'pending')
      ? [
          'An import was never merged: merge its pull request, or discard it with `asc-keys import --discard --customer <slug>`.',
        ]
      : []),
    ...(drift.some((d) => d.kind === 'changed' || (d.kind === 'missing' && !d.resource.startsWith(SECRET)))
      ? [
          'Something differs from the records: run the deploy, which applies the stacks (a customer stack only once its secret is there: import or restore it first, as above).',
        ]
      : []),
    ...(drift.some((d) => d.kind === 'unmanaged')
      ? [
          'A secret no record names (an import awaiting merge is never one): put its record back if it was removed by mistake, or merge and deploy the removal; keep it until then.',
        ]
      : []),
  ];
  return steps.length ? ['', '## What to do', '', ...steps.map((s, i) => `${i + 1}. ${s}`)] : [];
}

const SECRET = 'aws_secretsmanager_secret.';
/** Apple's answers that a new key from the customer fixes. */
const REVOKED = new Set(['KEY_REJECTED', 'ROLE_INSUFFICIENT', 'APP_NOT_FOUND']);

const keyRow = (k: KeyProblem): string[] => [cell(k.customer), cell(k.code)];
const driftRow = (d: DriftProblem): string[] => [
  d.customer === null ? '(no customer tag)' : cell(d.customer),
  cell(d.kind),
  cell(d.resource),
  d.field === null ? '' : cell(d.field),
];

function table(header: readonly string[], rows: readonly string[][]): string[] {
  const sorted = [...rows].sort((a, b) => a.join('\0').localeCompare(b.join('\0')));
  const shown = sorted.slice(0, MAX_ROWS);
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...shown.map((r) => `| ${r.join(' | ')} |`),
    ...(sorted.length > shown.length ? ['', `…and ${sorted.length - shown.length} more.`] : []),
  ];
}

/**
 * A table cell in code style. Customers of unmanaged secrets come from AWS tags, which anyone
 * with tagging rights writes: keep them to one short line of plain characters.
 */
function cell(text: string): string {
  const plain = text.replace(/[^A-Za-z0-9._:/@+=-]/g, '?').slice(0, 120);
  return `\`${plain}\``;
}
