import type { KeyObject, webcrypto } from 'node:crypto';
import { SignJWT } from 'jose';

export const AUDIENCE = 'appstoreconnect-v1';
/** Apple rejects tokens from clocks that run ahead, so iat is a minute in the past. */
export const BACKDATE_SECONDS = 60;
/** exp - iat; Apple rejects more than 20 minutes, the contract asks for at most 15. */
export const LIFETIME_SECONDS = 10 * 60;

export interface TokenIdentity {
  readonly keyId: string;
  /** Absent for an individual key, whose tokens carry sub "user" instead. */
  readonly issuerId?: string;
}

/** The ES256 JWT that App Store Connect accepts (docs/contract.md: check keys). */
export async function signToken(
  key: webcrypto.CryptoKey | KeyObject,
  identity: TokenIdentity,
  nowMs: number,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000) - BACKDATE_SECONDS;
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: identity.keyId, typ: 'JWT' })
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + LIFETIME_SECONDS);
  return (identity.issuerId === undefined ? jwt.setSubject('user') : jwt.setIssuer(identity.issuerId)).sign(
    key,
  );
}
