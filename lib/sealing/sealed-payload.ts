import { z } from 'zod';
import { describeIssues } from './describe-issues.js';
import { FINGERPRINT, ISSUER_ID, KEY_ID, SLUG } from '../records/patterns.js';
import { SealingError } from './sealing-error.js';

/** The format version the page writes and import reads. A new field that changes meaning bumps it. */
export const SEALED_PAYLOAD_VERSION = 1;

const payloadSchema = z.union([
  z.strictObject({
    v: z.literal(SEALED_PAYLOAD_VERSION),
    customer: z.string().regex(SLUG).optional(),
    keyId: z.string().regex(KEY_ID),
    issuerId: z.string().regex(ISSUER_ID),
    fingerprint: z.string().regex(FINGERPRINT),
    key: z.string().max(4096),
  }),
  z.strictObject({
    v: z.literal(SEALED_PAYLOAD_VERSION),
    customer: z.string().regex(SLUG).optional(),
    keyId: z.string().regex(KEY_ID),
    individual: z.literal(true),
    fingerprint: z.string().regex(FINGERPRINT),
    key: z.string().max(4096),
  }),
]);

/**
 * What a sealed block holds: the key's PEM, its Key ID, the Issuer ID or "individual", the
 * fingerprint the page showed the customer and, from a customer's own page, their slug.
 */
export interface SealedPayload {
  readonly customer?: string;
  readonly keyId: string;
  /** Absent for individual keys. */
  readonly issuerId?: string;
  readonly keyType: 'team' | 'individual';
  readonly fingerprint: string;
  /** The private key. Key material: memory only, never printed. */
  readonly pem: string;
}

export function parseSealedPayload(plaintext: Uint8Array): SealedPayload {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    throw invalid('it is not JSON');
  }
  const version = (json as { v?: unknown } | null)?.v;
  if (typeof version === 'number' && version !== SEALED_PAYLOAD_VERSION)
    throw invalid(
      `it is format version ${version}, and this asc-keys reads version ${SEALED_PAYLOAD_VERSION}; update asc-keys`,
    );
  const parsed = payloadSchema.safeParse(json);
  // zod's issues name paths and expectations, never the values, so they are safe to print.
  if (!parsed.success) throw invalid(describeIssues(parsed.error.issues));
  const p = parsed.data;
  return {
    ...(p.customer && { customer: p.customer }),
    keyId: p.keyId,
    ...('issuerId' in p && { issuerId: p.issuerId }),
    keyType: 'issuerId' in p ? 'team' : 'individual',
    fingerprint: p.fingerprint,
    pem: p.key,
  };
}

function invalid(why: string): SealingError {
  return new SealingError(
    'SEALED_PAYLOAD_INVALID',
    `the sealed block opened, but its content is not usable: ${why}`,
    { next: 'ask the customer to seal the key again with the current page' },
  );
}
