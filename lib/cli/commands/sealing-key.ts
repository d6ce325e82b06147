import { secretsManagerClient } from '../../aws/clients.js';
import { awsRegion } from '../../aws/environment.js';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { writePublicKeyFile } from '../../sealing/public-key-file.js';
import { SealingKeySecret } from '../../sealing/sealing-key-secret.js';
import {
  DEFAULT_SEALING_GRACE_DAYS,
  generateSealingKey,
  sealingPublicJwk,
  withNewKey,
} from '../../sealing/sealing-keyring.js';
import { loadPlatform } from '../../records/load-platform.js';
import { requirePlatform } from '../../records/require-platform.js';

export interface SealingKeyCreateOptions {
  readonly format: 'text' | 'json';
  /** Where the public JWK goes, for `sealing-page`. @default sealing-public-key.json */
  readonly publicKey: string;
  /** Days an older key keeps opening blocks after this one is made. @default 30 */
  readonly graceDays?: number;
}

/**
 * `asc-keys sealing-key create`: a new sealing key pair. The private half joins the ring in
 * the sealing secret (older keys stay, so blocks sealed before still open); the public half is
 * printed and written for the pages. Run by an administrator, once at setup and then to rotate.
 */
export async function sealingKeyCreate(
  options: SealingKeyCreateOptions,
  client?: SecretsManagerClient,
  now: Date = new Date(),
): Promise<number> {
  const platform = requirePlatform(loadPlatform());
  const secret = new SealingKeySecret(
    client ?? secretsManagerClient(awsRegion(platform.region)),
    platform.namePrefix,
  );
  const before = await secret.read();
  const key = await generateSealingKey(now);
  const ring = withNewKey(before, key, options.graceDays ?? DEFAULT_SEALING_GRACE_DAYS, now);
  const keys = ring.keys;
  const newlyRetired = (ring.retired ?? []).filter((r) => !before?.retired?.some((b) => b.kid === r.kid));
  await secret.write(ring);
  const publicJwk = sealingPublicJwk(key);
  writePublicKeyFile(options.publicKey, publicJwk);
  const action = before ? 'rotated' : 'created';
  if (options.format === 'json') {
    process.stdout.write(
      `${JSON.stringify({ action, secret: secret.name, kid: key.kid, publicKeyFile: options.publicKey, publicJwk, keptKids: keys.slice(1).map((k) => k.kid), retiredKids: newlyRetired.map((k) => k.kid) })}\n`,
    );
    return 0;
  }
  process.stdout.write(
    [
      `${action === 'created' ? 'Created' : 'Rotated'} the sealing key ${key.kid} in ${secret.name}.`,
      ...(keys.length > 1
        ? [
            `Older sealing keys kept for their grace period, so blocks sealed to them still open: ${keys
              .slice(1)
              .map((k) => k.kid)
              .join(', ')}.`,
          ]
        : []),
      ...(newlyRetired.length
        ? [
            `Retired (private half deleted; a block sealed to them is refused with a request for a new one): ${newlyRetired.map((k) => k.kid).join(', ')}.`,
          ]
        : []),
      `Public key (JWK), also written to ${options.publicKey}:`,
      JSON.stringify(publicJwk),
      '',
      'Next steps:',
      `  1. Commit ${options.publicKey} and open a pull request.`,
      '  2. Build the page: npx asc-keys sealing-page --out sealing-page.html (and publish it where the onboarding article links to it).',
      '',
    ].join('\n'),
  );
  return 0;
}
