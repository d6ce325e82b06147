import { awsRegion, checkAwsEnvironment } from '../../aws/environment.js';
import { KEY_ORDER } from '../../model/key-version.js';
import { printable } from '../../printable.js';
import type { Project } from '../../records/load-project.js';
import { requirePlatform } from '../../records/require-platform.js';

/** What status prints about them: text lines and the JSON entries. */
export interface PendingSection {
  readonly lines: readonly string[];
  /** The entries of check keys' and check drift's `pending`. */
  readonly json: readonly ReturnType<PendingJson>[];
}
type PendingJson = typeof import('../../checks/pending-imports.js').pendingJson;

/**
 * `status --aws`: the keys that `import` staged and no record names yet (their pull request is
 * not merged), as check keys and check drift list them. status is offline without the flag,
 * and then says nothing about them (`pending` is null in JSON: unknown, not none). It lists the
 * secrets (ListSecrets) and reads each staged value only for its Key ID and fingerprint, which
 * the validator role may do; with a role that may not, those two are null.
 */
export async function statusPending(
  project: Project,
  env: NodeJS.ProcessEnv,
  now: Date,
): Promise<PendingSection> {
  const platform = requirePlatform(project);
  for (const w of checkAwsEnvironment(platform.region, env))
    process.stderr.write(`asc-keys: warning: ${printable(w)}\n`);
  // The AWS SDK loads only for --aws.
  const [{ secretsManagerClient }, { listManagedSecrets }, { findPendingImports, pendingJson, pendingLine }] =
    await Promise.all([
      import('../../aws/clients.js'),
      import('../../checks/live-aws-state.js'),
      import('../../checks/pending-imports.js'),
    ]);
  const client = secretsManagerClient(awsRegion(platform.region, env));
  const graceDays = platform.pendingImportGraceDays;
  const pending = await findPendingImports({
    client,
    live: await listManagedSecrets(client, `${platform.namePrefix}/`),
    records: project.records,
    namePrefix: platform.namePrefix,
    inScope: () => true,
    now,
    graceDays,
  });
  return {
    lines: [
      pending.length
        ? `Imports awaiting merge (${pending.length}; ${KEY_ORDER}):`
        : `No import is awaiting merge (${KEY_ORDER})`,
      ...pending.map((p) => `  ${printable(pendingLine(p, graceDays))}`),
    ],
    json: pending.map(pendingJson),
  };
}
