import { createPrivateKey, webcrypto } from 'node:crypto';
import type { KeyMaterial, KeyProblem } from './key-material.js';

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

const PEM = /^-----BEGIN (EC PRIVATE KEY|PRIVATE KEY)-----\n([A-Za-z0-9+/=\n]+)\n-----END \1-----$/;
const ANY_ARMOUR = /-----BEGIN ([A-Z0-9 ]+)-----/;

/**
 * Parses a stored value (docs/contract.md, Secret references and the stored value): fastlane's JSON or a bare PEM, after repairing
 * what copying keys around usually does to them. The key must be EC P-256, in PKCS#8 or SEC1.
 * Problems are described without quoting the value.
 */
export async function parseKeyValue(value: string): Promise<KeyMaterial | KeyProblem> {
  let text = unwrap(value, false);
  let keyId: string | undefined;
  let issuerId: string | null | undefined;
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return invalid(
        'looks like JSON but is not valid JSON; store it in fastlane\'s format {"key_id", "issuer_id", "key", "in_house"}',
      );
    }
    const o = json as Record<string, unknown>;
    if (typeof o.key !== 'string') return invalid('is JSON without a "key" string holding the PEM');
    if (typeof o.key_id === 'string') keyId = o.key_id;
    if (typeof o.issuer_id === 'string' || o.issuer_id === null) issuerId = o.issuer_id;
    text = unwrap(o.key);
  } else text = unwrap(text);
  if (!text.includes('-----BEGIN')) {
    const decoded = /^[A-Za-z0-9+/=\s]+$/.test(text) ? Buffer.from(text, 'base64').toString('utf8') : '';
    if (!decoded.includes('-----BEGIN')) return invalid('is neither a PEM private key nor base64 of one');
    text = unwrap(decoded);
  }
  const armour = ANY_ARMOUR.exec(text)?.[1];
  if (armour === 'ENCRYPTED PRIVATE KEY')
    return invalid(
      'is an encrypted private key; ask the customer for the .p8 exactly as App Store Connect downloaded it',
    );
  if (armour?.includes('PUBLIC KEY')) return invalid('is a public key; the .p8 file holds the private key');
  if (armour === 'RSA PRIVATE KEY') return invalid('is an RSA key; App Store Connect keys are EC P-256');
  const pem = PEM.exec(text);
  if (!pem)
    return invalid(
      'is not a complete PEM private key (text before the header or after the footer, or a damaged body)',
    );
  const [, type, body] = pem;
  let pkcs8 = Buffer.from(body!.replace(/\n/g, ''), 'base64');
  try {
    // WebCrypto reads PKCS#8 only; a SEC1 key is converted first.
    if (type === 'EC PRIVATE KEY')
      pkcs8 = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'sec1' }).export({
        format: 'der',
        type: 'pkcs8',
      });
    // One import serves the thumbprint and every signature of this run.
    const signingKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, P256, true, ['sign']);
    const { kty, crv, x, y } = await webcrypto.subtle.exportKey('jwk', signingKey);
    return {
      signingKey,
      publicJwk: { kty: kty!, crv: crv!, x: x!, y: y! },
      ...(keyId !== undefined && { keyId }),
      ...(issuerId !== undefined && { issuerId }),
    };
  } catch {
    return diagnose(pkcs8);
  }
}

/** Why a key that is not a readable EC P-256 key is not one; the slow path, for failures only. */
function diagnose(der: Buffer): KeyProblem {
  let key;
  try {
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    return invalid('could not be read as a private key: the body is truncated or corrupted');
  }
  if (key.asymmetricKeyType !== 'ec')
    return invalid(
      `is an ${key.asymmetricKeyType?.toUpperCase() ?? 'unknown'} key; App Store Connect keys are EC P-256`,
    );
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return invalid(
    `is an EC key on ${curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : (curve ?? 'an unknown curve')}; App Store Connect keys are EC P-256`,
  );
}
export function isKeyProblem(v: KeyMaterial | KeyProblem): v is KeyProblem {
  return 'code' in v;
}

/**
 * Undoes a byte-order mark, surrounding quotes and blanks and, in PEM text (not in JSON, whose
 * escapes JSON.parse reads), CRLF and literal "\n".
 */
function unwrap(value: string, pem = true): string {
  let text = value.replace(/^\uFEFF/, '').trim();
  const quoted = /^(["'])([\s\S]*)\1$/.exec(text);
  if (quoted) text = quoted[2]!.trim();
  if (!pem) return text;
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\\r\\n|\\n/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

function invalid(what: string): KeyProblem {
  return { code: 'P8_INVALID', message: `the stored value ${what}` };
}
