import type { SecretReference } from '../secrets/reference.js';
import type { Position } from './finding.js';
import type { Role } from './patterns.js';
import type { RotationPolicy } from './platform-schema.js';

export interface Contact {
  readonly name?: string;
  readonly email: string;
}

/**
 * A validated customer record with the platform's rotation defaults applied. Metadata only:
 * the key itself never lives in a record (see KeyMaterial in lib/secrets for that).
 */
export interface CustomerRecord {
  /** The path as reached through --customers, for findings and annotations. */
  readonly file: string;
  readonly customer: string;
  readonly displayName?: string;
  readonly appleId: string;
  readonly bundleId?: string;
  readonly keyId: string;
  /** Absent for individual keys. */
  readonly issuerId?: string;
  readonly keyType: 'team' | 'individual';
  readonly role: Role;
  readonly secret: SecretReference;
  readonly fingerprint: string;
  /** YYYY-MM-DD */
  readonly createdOn: string;
  readonly rotation: RotationPolicy;
  readonly contacts: readonly Contact[];
  /** Where fields stand in the file: `apiKey` for annotations about the key, the rest for duplicates. */
  readonly positions: Readonly<Record<'customer' | 'appleId' | 'apiKey' | 'keyId' | 'secret', Position>>;
}
