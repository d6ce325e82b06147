import type { CustomerRecord } from '../records/customer-record.js';
import type { KeyMaterial } from './key-material.js';

export interface IdMismatch {
  readonly field: 'key_id' | 'issuer_id';
  /** What the record says; null for an individual key's issuer. */
  readonly expected: string | null;
  /** What the stored value says. */
  readonly actual: string | null;
}

/**
 * The record is authoritative for the IDs: where the stored value carries `key_id` or
 * `issuer_id`, they must equal the record's (issuer IDs compared without case).
 */
export function valueIdMismatches(record: CustomerRecord, key: KeyMaterial): IdMismatch[] {
  const mismatches: IdMismatch[] = [];
  if (key.keyId !== undefined && key.keyId !== record.keyId)
    mismatches.push({ field: 'key_id', expected: record.keyId, actual: key.keyId });
  const issuer = record.issuerId ?? null;
  if (
    key.issuerId !== undefined &&
    (key.issuerId?.toLowerCase() ?? null) !== (issuer?.toLowerCase() ?? null)
  ) {
    mismatches.push({ field: 'issuer_id', expected: issuer, actual: key.issuerId });
  }
  return mismatches;
}
