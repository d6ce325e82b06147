import { webcrypto } from 'node:crypto';

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
