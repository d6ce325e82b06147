import type { SecretReference } from './reference.js';

/** Why a value could not be read; the codes of check keys (docs/contract.md) (P8_INVALID: a file too large to be a key). */
export type ReadFailureCode = 'SECRET_NOT_FOUND' | 'SECRET_ACCESS_DENIED' | 'P8_INVALID' | 'AWS_UNAVAILABLE';

/**
 * The outcome of reading one secret. `value` is key material: it is parsed and dropped, and
 * never logged, printed or written anywhere.
 */
export type SecretRead =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly code: ReadFailureCode; readonly message: string };

/** A place keys live. A new scheme is one new implementation of this. */
export interface SecretStore {
  readonly scheme: SecretReference['scheme'];
  /** Reads many secrets at once; the map is keyed by `reference.raw`. */
  readMany(references: readonly SecretReference[]): Promise<Map<string, SecretRead>>;
}
