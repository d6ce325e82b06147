import { createHash, webcrypto } from 'node:crypto';

/**
 * The value import stores (docs/contract.md, Secret references and the stored value): fastlane's JSON, with the key re-encoded as
 * PKCS#8 PEM from the parsed key, so that the same key always makes the same bytes, whatever
 * repairs it needed and whether it arrived as PKCS#8 or SEC1. Key material: never printed.
 */
export async function fastlaneValue(
  signingKey: webcrypto.CryptoKey,
  keyId: string,
  issuerId: string | undefined,
): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', signingKey));
  const body = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  der.fill(0);
  const pem = `-----BEGIN PRIVATE KEY-----\n${body}-----END PRIVATE KEY-----\n`;
  return JSON.stringify({ key_id: keyId, issuer_id: issuerId ?? null, key: pem, in_house: false });
}

/**
 * The ClientRequestToken, and so the version ID, of a value: derived from the secret's name and
 * the value, so that storing the same key twice is one version (Secrets Manager ignores a put
 * whose token and value it already has). A SHA-256 of a value holding 256 bits of key does
 * not reveal the key.
 */
export function versionToken(secretName: string, value: string): string {
  const h = createHash('sha256')
    .update('asc-keys import v1\0')
    .update(secretName)
    .update('\0')
    .update(value)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
