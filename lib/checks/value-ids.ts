import type { CustomerRecord } from '../records/customer-record.js';
import { ISSUER_ID, KEY_ID } from '../records/patterns.js';
import { showId } from '../secrets/describe-shape.js';
import type { KeyMaterial } from '../secrets/key-material.js';

export interface IdMismatch {
  readonly field: 'key_id' | 'issuer_id';
  /** What the record says; null for an individual key's issuer. */
  readonly expected: string | null;
  /**
   * What the stored value says, safe to print: the ID when it has an ID's shape, otherwise its
   * shape alone ("not a Key ID: 241 characters, looks like a PEM key"), never its content.
   */
  readonly actual: string | null;
}

/**
 * The record is authoritative for the IDs: where the stored value carries `key_id` or
 * `issuer_id`, they must equal the record's (issuer IDs compared without case).
 */
export function valueIdMismatches(record: CustomerRecord, key: KeyMaterial): IdMismatch[] {
  const mismatches: IdMismatch[] = [];
  if (key.keyId !== undefined && key.keyId !== record.keyId)
    mismatches.push({
      field: 'key_id',
      expected: record.keyId,
      actual: showId(key.keyId, KEY_ID, 'a Key ID'),
    });
  const issuer = record.issuerId ?? null;
  if (
    key.issuerId !== undefined &&
    (key.issuerId?.toLowerCase() ?? null) !== (issuer?.toLowerCase() ?? null)
  ) {
    mismatches.push({
      field: 'issuer_id',
      expected: issuer,
      actual: key.issuerId === null ? null : showId(key.issuerId, ISSUER_ID, 'an Issuer ID'),
    });
  }
  return mismatches;
}
