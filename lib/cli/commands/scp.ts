import { writeFileSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import { custodyScp, SCP_MAX_CHARACTERS } from '../../model/custody-guards.js';
import { platformContext } from '../../model/platform-context.js';
import { loadPlatform } from '../../records/load-platform.js';
import { requirePlatform } from '../../records/require-platform.js';

export interface ScpOptions {
  /** Write the policy here instead of stdout. */
  readonly out?: string;
}

/**
 * `asc-keys scp`: the service control policy that makes the custody denies hold for every
 * principal of the account but the administrators (and, row by row, the importer and the
 * deployers), with this configuration's names. An organization administrator attaches it to
 * the account (docs/security.md); the deployer's own policy carries the same rows.
 */
export function scp(options: ScpOptions): number {
  const platform = requirePlatform(loadPlatform());
  // Compact: AWS Organizations counts every character, white space included.
  const text = JSON.stringify(custodyScp(platformContext(platform)));
  if (text.length > SCP_MAX_CHARACTERS)
    throw new UsageError(
      'PLATFORM_CONFIG_INVALID',
      `the service control policy would be ${text.length} characters, over AWS Organizations' ${SCP_MAX_CHARACTERS}`,
      {
        next: 'name fewer administrators in cdktf.json (one role that they assume), then run asc-keys scp again',
      },
    );
  const json = `${text}\n`;
  if (options.out) {
    writeFileSync(options.out, json);
    process.stderr.write(
      `Wrote the service control policy to ${options.out}; attach it to the account ${platform.accountId} (docs/security.md)\n`,
    );
  } else process.stdout.write(json);
  return 0;
}
