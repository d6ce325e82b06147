import { webcrypto } from 'node:crypto';
import { z } from 'zod';
import { describeIssues } from './describe-issues.js';
import { ecThumbprint, type SealingPublicJwk } from './browser-core.js';

/** One private sealing key. Key material: memory and the sealing secret only. */
export interface SealingPrivateKey {
  /** RFC 7638 thumbprint of the public half: blocks name their key by it. */
  readonly kid: string;
  /** YYYY-MM-DD, UTC */
  readonly createdOn: string;
  readonly privateJwk: {
    readonly kty: 'EC';
    readonly crv: 'P-256';
    readonly x: string;
    readonly y: string;
    readonly d: string;
  };
}

/**
 * The sealing secret's value: every sealing key ever made, newest first. The first one is
 * current (pages seal to it); older ones stay so that blocks sealed before a rotation still open.
 */
export interface SealingKeyRing {
  readonly keys: readonly SealingPrivateKey[];
  /** Keys whose private half was deleted after their grace period: a block sealed to one is refused by name. */
  readonly retired?: readonly RetiredSealingKey[];
}

/** A retired key: only its kid and the day its private half was deleted. */
export interface RetiredSealingKey {
  readonly kid: string;
  /** YYYY-MM-DD, UTC */
  readonly retiredOn: string;
}

export { DEFAULT_SEALING_GRACE_DAYS } from './sealing-grace.js';

/**
 * The ring after a new key joins it: each older key is kept until its successor is `graceDays`
 * old, then retired (its private half deleted, its kid remembered). Retiring bounds what the
 * sealing secret opens: a block sent long ago cannot be opened by whoever reads the ring later.
 */
export function withNewKey(
  before: SealingKeyRing | undefined,
  key: SealingPrivateKey,
  graceDays: number,
  now: Date,
): SealingKeyRing {
  const today = now.toISOString().slice(0, 10);
  const keys = [key, ...(before?.keys ?? [])];
  const kept: SealingPrivateKey[] = [key];
  const retired: RetiredSealingKey[] = [...(before?.retired ?? [])];
  for (let i = 1; i < keys.length; i++) {
    const successor = Date.parse(`${keys[i - 1]!.createdOn}T00:00:00Z`);
    const graceEnds = successor + graceDays * 86_400_000;
    if (now.getTime() >= graceEnds) retired.push({ kid: keys[i]!.kid, retiredOn: today });
    else kept.push(keys[i]!);
  }
  return { keys: kept, ...(retired.length ? { retired } : {}) };
}

export const SEALING_KEYRING_FORMAT = 'asc-keys-sealing-keys/1';

const b64url = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const ringSchema = z.strictObject({
  format: z.literal(SEALING_KEYRING_FORMAT),
  keys: z
    .array(
      z.strictObject({
        kid: b64url,
        createdOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        privateJwk: z.strictObject({
          kty: z.literal('EC'),
          crv: z.literal('P-256'),
          x: b64url,
          y: b64url,
          d: b64url,
        }),
      }),
    )
    .min(1),
  retired: z
    .array(z.strictObject({ kid: b64url, retiredOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }))
    .optional(),
});

/** Reads the secret's value; a problem is described by the schema's paths, never by the value. */
export function parseSealingKeyRing(value: string): SealingKeyRing | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return { problem: 'it is not JSON' };
  }
  const parsed = ringSchema.safeParse(json);
  if (!parsed.success)
    return {
      problem: `it is not a sealing key ring (${SEALING_KEYRING_FORMAT}): ${describeIssues(parsed.error.issues)}`,
    };
  return { keys: parsed.data.keys, ...(parsed.data.retired ? { retired: parsed.data.retired } : {}) };
}

export function serializeSealingKeyRing(ring: SealingKeyRing): string {
  return JSON.stringify({
    format: SEALING_KEYRING_FORMAT,
    keys: ring.keys,
    ...(ring.retired?.length ? { retired: ring.retired } : {}),
  });
}

/** A new P-256 key pair for ECDH-ES, its kid the public key's thumbprint. */
export async function generateSealingKey(now: Date): Promise<SealingPrivateKey> {
  const pair = await webcrypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ]);
  const { x, y, d } = await webcrypto.subtle.exportKey('jwk', pair.privateKey);
  const kid = await ecThumbprint({ crv: 'P-256', x: x!, y: y! });
  return {
    kid,
    createdOn: now.toISOString().slice(0, 10),
    privateJwk: { kty: 'EC', crv: 'P-256', x: x!, y: y!, d: d! },
  };
}

/** The public half, as the page carries it and `sealing-key create` prints it. */
export function sealingPublicJwk(key: SealingPrivateKey): SealingPublicJwk & { alg: 'ECDH-ES'; use: 'enc' } {
  const { x, y } = key.privateJwk;
  return { kty: 'EC', crv: 'P-256', x, y, kid: key.kid, alg: 'ECDH-ES', use: 'enc' };
}
