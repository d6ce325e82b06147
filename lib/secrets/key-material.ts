import type { KeyObject } from 'node:crypto';

/**
 * A parsed key: the one type in asc-keys that carries key material. It is kept apart from
 * the records' metadata, lives in memory only, and a KeyObject never prints its material.
 */
export interface KeyMaterial {
  readonly privateKey: KeyObject;
  /** From the fastlane JSON, when the value carried it. */
  readonly keyId?: string;
  /** From the fastlane JSON; null when the value says it is an individual key. */
  readonly issuerId?: string | null;
}

export type KeyProblem = { readonly code: 'P8_INVALID'; readonly message: string };
