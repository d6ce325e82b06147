import { createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';

/** The RFC 7638 thumbprint (SHA-256, base64url) of a key's public half: the record's fingerprint. */
export async function publicKeyThumbprint(key: KeyObject): Promise<string> {
  const jwk = createPublicKey(key).export({ format: 'jwk' }) as JWK;
  return calculateJwkThumbprint({ kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! }, 'sha256');
}
