import { printable, withoutWorkflowCommands } from '../printable.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import type { CustomerRecord } from '../records/customer-record.js';
import type { RequestStatus } from '../requests/request-status.js';

/**
 * Each customer's key request and whether the previous key is proven revoked, for `status` and
 * `check keys`: from GitHub when the platform configures `requests` and GITHUB_TOKEN (or
 * GH_TOKEN) is set, else nothing (the JSON says null). GitHub's client loads only then, and
 * its failure is a warning on stderr: the command's own verdict never depends on GitHub.
 */
export async function keyRequests(
  platform: PlatformConfig | undefined,
  records: readonly CustomerRecord[],
  env: NodeJS.ProcessEnv,
): Promise<Map<string, RequestStatus>> {
  if (!platform?.requests || !(env.GITHUB_TOKEN || env.GH_TOKEN)) return new Map();
  const { knownRequestStatuses } = await import('../requests/request-status.js');
  const { statuses, warning } = await knownRequestStatuses(platform, records, env);
  if (warning) process.stderr.write(withoutWorkflowCommands(`asc-keys: warning: ${printable(warning)}\n`));
  return statuses;
}
