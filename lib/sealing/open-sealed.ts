import { compactDecrypt, decodeProtectedHeader, importJWK } from 'jose';
import { extractCompactJwe } from './sealed-block.js';
import { parseSealedPayload, type SealedPayload } from './sealed-payload.js';
import { SealingError } from './sealing-error.js';
import type { SealingKeyRing } from './sealing-keyring.js';

/**
 * Opens a sealed block with the key its `kid` names. Every refusal is a SealingError with a
 * stable code: cut short, changed on the way, sealed to a key this installation lacks.
 */
export async function openSealedBlock(text: string, ring: SealingKeyRing): Promise<SealedPayload> {
  const compact = extractCompactJwe(text);
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(compact);
  } catch (err) {
    throw new SealingError(
      'SEALED_TAMPERED',
      'the sealed block was changed on the way: its header is unreadable',
      { cause: err },
    );
  }
  if (header.alg !== 'ECDH-ES' || header.enc !== 'A256GCM')
    throw new SealingError(
      'SEALED_MALFORMED',
      'this is not a sealed block of asc-keys: it uses another algorithm than ECDH-ES with A256GCM',
    );
  const kid =
    typeof header.kid === 'string' && /^[A-Za-z0-9_-]{43}$/.test(header.kid) ? header.kid : undefined;
  const key = kid ? ring.keys.find((k) => k.kid === kid) : undefined;
  const retired = kid ? ring.retired?.find((k) => k.kid === kid) : undefined;
  if (!key && retired)
    throw new SealingError(
      'SEALED_RETIRED_KEY',
      `the block was sealed to the sealing key ${retired.kid}, retired on ${retired.retiredOn} (its private half is deleted, so nobody can open the block any more)`,
    );
  if (!key)
    throw new SealingError(
      'SEALED_OTHER_KEY',
      `the block was sealed to ${kid ? `the sealing key ${kid}` : 'an unnamed key'}, and the sealing secret holds only ${ring.keys
        .map((k) => k.kid)
        .join(', ')}: it was made with another installation's page, or that key was removed`,
      { next: 'send the customer the current page' },
    );
  let plaintext: Uint8Array;
  try {
    const privateKey = await importJWK(key.privateJwk, 'ECDH-ES');
    ({ plaintext } = await compactDecrypt(compact, privateKey, {
      keyManagementAlgorithms: ['ECDH-ES'],
      contentEncryptionAlgorithms: ['A256GCM'],
    }));
  } catch (err) {
    throw new SealingError(
      'SEALED_TAMPERED',
      'the sealed block does not open: it was changed or damaged on the way (a character altered, a line lost)',
      { next: 'ask the customer to send it again as an attachment (a .txt file)', cause: err },
    );
  }
  try {
    return parseSealedPayload(plaintext);
  } finally {
    plaintext.fill(0);
  }
}

/** What the engineer said on the command line; each flag given must agree with the block. */
export interface SealedExpectations {
  readonly customer: string;
  readonly keyId?: string;
  readonly issuerId?: string;
  readonly individual?: boolean;
}

export function checkSealedExpectations(payload: SealedPayload, flags: SealedExpectations): void {
  if (payload.customer !== undefined && payload.customer !== flags.customer)
    throw new SealingError(
      'SEALED_OTHER_CUSTOMER',
      `the block was made with the page for customer "${payload.customer}", not "${flags.customer}"`,
      { next: 'check which customer sent it' },
    );
  if (flags.keyId !== undefined && flags.keyId !== payload.keyId)
    throw new SealingError(
      'SEALED_FLAG_MISMATCH',
      `--key-id ${flags.keyId} disagrees with the block, which holds key ${payload.keyId}`,
      { next: 'leave --key-id out (the block names the key) or check which key the customer sent' },
    );
  if (flags.issuerId !== undefined && flags.issuerId.toLowerCase() !== payload.issuerId?.toLowerCase())
    throw new SealingError(
      'SEALED_FLAG_MISMATCH',
      payload.issuerId
        ? `--issuer-id ${flags.issuerId} disagrees with the block's Issuer ID ${payload.issuerId}`
        : `--issuer-id was given, but the customer sealed an individual key`,
      {
        next: payload.issuerId
          ? 'leave --issuer-id out or ask the customer which is right'
          : 'leave --issuer-id out',
      },
    );
  if (flags.individual && payload.keyType === 'team')
    throw new SealingError(
      'SEALED_FLAG_MISMATCH',
      `--individual was given, but the block holds a team key of issuer ${payload.issuerId}`,
      { next: 'leave --individual out' },
    );
}
