import { webcrypto } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { ecThumbprint, type SealingPublicJwk } from './browser-core.js';

/**
 * The current sealing key's public half, committed beside cdktf.json: pages are built from it
 * without any AWS access, and reviewers see a rotation as a diff.
 */
export const DEFAULT_PUBLIC_KEY_FILE = 'sealing-public-key.json';

export function writePublicKeyFile(file: string, jwk: SealingPublicJwk): void {
  try {
    writeFileSync(file, `${JSON.stringify(jwk, null, 2)}\n`);
  } catch (err) {
    throw new UsageError(
      'OUTPUT_UNWRITABLE',
      `cannot write the public key to ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: err },
    );
  }
}

/** Reads and checks it: a P-256 public key (never a private one), its kid its thumbprint. */
export async function readPublicKeyFile(file: string): Promise<SealingPublicJwk> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      'SEALING_KEY_UNAVAILABLE',
      code === 'ENOENT'
        ? `there is no sealing public key at ${file}`
        : `cannot read the sealing public key ${file} (${code ?? 'not JSON'})`,
      {
        next: 'an administrator creates it with "asc-keys sealing-key create" (see docs/operations.md, "Sealed hand-over")',
        cause: err,
      },
    );
  }
  if ('d' in json)
    throw new UsageError('SEALING_KEY_UNAVAILABLE', `${file} holds a private key`, {
      next: 'rotate the sealing key ("asc-keys sealing-key create"), then delete this file\'s private half from the repository and never commit it again',
    });
  const { kty, crv, x, y, kid } = json;
  const b64 = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v);
  if (kty !== 'EC' || crv !== 'P-256' || !b64(x) || !b64(y) || kid !== (await ecThumbprint({ crv, x, y })))
    throw new UsageError(
      'SEALING_KEY_UNAVAILABLE',
      `${file} is not a sealing public key (an EC P-256 JWK whose kid is its RFC 7638 thumbprint)`,
      { next: 'write it again with "asc-keys sealing-key create"' },
    );
  try {
    // A point off the curve would only fail in the customer's browser; refuse it here.
    await webcrypto.subtle.importKey(
      'jwk',
      { kty, crv, x, y },
      { name: 'ECDH', namedCurve: 'P-256' },
      false,
      [],
    );
  } catch (err) {
    throw new UsageError('SEALING_KEY_UNAVAILABLE', `${file} is not a valid P-256 public key`, {
      next: 'write it again with "asc-keys sealing-key create"',
      cause: err,
    });
  }
  return { kty, crv, x, y, kid };
}
