import { secretsManagerClient } from '../../aws/clients.js';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { writePublicKeyFile } from '../../sealing/public-key-file.js';
import { SealingKeySecret } from '../../sealing/sealing-key-secret.js';
import { generateSealingKey, sealingPublicJwk } from '../../sealing/sealing-keyring.js';
import { loadPlatform } from '../../records/load-platform.js';
import { requirePlatform } from '../../records/require-platform.js';

export interface SealingKeyCreateOptions {
  readonly format: 'text' | 'json';
  /** Where the public JWK goes, for `sealing-page`. @default sealing-public-key.json */
  readonly publicKey: string;
}

/**
 * `asc-keys sealing-key create`: a new sealing key pair. The private half joins the ring in
 * the sealing secret (older keys stay, so blocks sealed before still open); the public half is
 * printed and written for the pages. Run by an administrator, once at setup and then to rotate.
 */
export async function sealingKeyCreate(
  options: SealingKeyCreateOptions,
  client: SecretsManagerClient = secretsManagerClient(),
  now: Date = new Date(),
): Promise<number> {
  const platform = requirePlatform(loadPlatform());
  const secret = new SealingKeySecret(client, platform.namePrefix);
  const before = await secret.read();
  const key = await generateSealingKey(now);
  const keys = [key, ...(before?.keys ?? [])];
  await secret.write({ keys });
  const publicJwk = sealingPublicJwk(key);
  writePublicKeyFile(options.publicKey, publicJwk);
  const action = before ? 'rotated' : 'created';
  if (options.format === 'json') {
    process.stdout.write(
      `${JSON.stringify({ action, secret: secret.name, kid: key.kid, publicKeyFile: options.publicKey, publicJwk, keptKids: keys.slice(1).map((k) => k.kid) })}\n`,
    );
    return 0;
  }
  process.stdout.write(
    [
      `${action === 'created' ? 'Created' : 'Rotated'} the sealing key ${key.kid} in ${secret.name}.`,
      ...(before
        ? [
            `Older sealing keys kept, so blocks sealed to them still open: ${before.keys.map((k) => k.kid).join(', ')}.`,
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
