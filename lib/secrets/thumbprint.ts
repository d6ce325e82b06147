import { calculateJwkThumbprint } from 'jose';
import type { PublicJwk } from './key-material.js';

/** The RFC 7638 thumbprint (SHA-256, base64url) of a key's public half: the record's fingerprint. */
export function publicKeyThumbprint(jwk: PublicJwk): Promise<string> {
  return calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, 'sha256');
}
