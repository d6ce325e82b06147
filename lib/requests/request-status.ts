import type { Issues } from '../github/issues.js';
import type { CustomerRecord } from '../records/customer-record.js';
import { parseRequestMeta, REQUEST_LABEL, type RequestMeta } from './request-issue.js';

export interface RequestStatus {
  /** The open request, or null. */
  readonly request: {
    readonly issue: number;
    readonly openedOn: string;
    readonly sentTo: readonly string[] | null;
  } | null;
  /**
   * Whether the key the last rotation replaced is proven revoked at Apple: true once the nightly
   * proved it, false while a merged rotation waits for that proof, null with no rotation to speak of.
   */
  readonly previousKeyRevoked: boolean | null;
}

/** Each record's request and revocation state, read from the request issues (no Apple call). */
export async function requestStatuses(
  issues: Issues,
  records: readonly CustomerRecord[],
): Promise<Map<string, RequestStatus>> {
  const all = (await issues.list(REQUEST_LABEL, 'all'))
    .map((issue) => ({ issue, meta: parseRequestMeta(issue.body) }))
    .filter((r): r is { issue: (typeof r)['issue']; meta: RequestMeta } => r.meta !== undefined)
    .sort((a, b) => b.issue.number - a.issue.number);
  const statuses = new Map<string, RequestStatus>();
  for (const record of records) {
    const mine = all.filter((r) => r.meta.customer === record.customer);
    const open = mine.find((r) => r.issue.open);
    // The newest rotation that replaced a key other than the one in use now.
    const rotation = mine.find(
      (r) => r.meta.reason === 'rotation' && r.meta.keyId && r.meta.keyId !== record.keyId,
    );
    statuses.set(record.customer, {
      request: open
        ? {
            issue: open.issue.number,
            openedOn: open.issue.openedOn,
            sentTo: open.meta.sent ? [...open.meta.sent.to] : null,
          }
        : null,
      previousKeyRevoked: rotation ? rotation.meta.revokedOn !== undefined : null,
    });
  }
  return statuses;
}
