import { githubClient } from '../github/github-client.js';
import { githubFailure, githubSettings } from '../github/github-settings.js';
import { Issues } from '../github/issues.js';
import type { CustomerRecord } from '../records/customer-record.js';
import type { PlatformConfig } from '../records/platform-schema.js';
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

/**
 * The key requests as far as they can be known: read from GitHub when the platform configures
 * `requests` and a token is there (GITHUB_TOKEN or GH_TOKEN); otherwise nothing is known, and
 * the commands that report them still run. GitHub's failure is a warning, never the verdict.
 */
export async function knownRequestStatuses(
  platform: PlatformConfig | undefined,
  records: readonly CustomerRecord[],
  env: NodeJS.ProcessEnv,
): Promise<{ readonly statuses: Map<string, RequestStatus>; readonly warning?: string }> {
  if (!platform?.requests || !(env.GITHUB_TOKEN || env.GH_TOKEN)) return { statuses: new Map() };
  const settings = githubSettings(platform, env);
  const issues = new Issues(
    githubClient({ token: settings.token, baseUrl: settings.baseUrl }),
    settings.repo,
  );
  try {
    return { statuses: await requestStatuses(issues, records) };
  } catch (err) {
    return {
      statuses: new Map(),
      warning: `key requests unknown: ${githubFailure(err, settings.repo, 'request and previousKeyRevoked are null').message}`,
    };
  }
}
