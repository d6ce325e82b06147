import type { webcrypto } from 'node:crypto';

/** The public half of an EC P-256 key as a JWK: what the thumbprint is computed from. */
export interface PublicJwk {
  readonly kty: string;
  readonly crv: string;
  readonly x: string;
  readonly y: string;
}

/**
 * A parsed key: the one type in asc-keys that carries key material. It is kept apart from
 * the records' metadata and lives in memory only; a CryptoKey never prints its material.
 */
export interface KeyMaterial {
  /** Imported once, for every token this run signs with it. */
  readonly signingKey: webcrypto.CryptoKey;
  readonly publicJwk: PublicJwk;
  /** From the fastlane JSON, when the value carried it. */
  readonly keyId?: string;
  /** From the fastlane JSON; null when the value says it is an individual key. */
  readonly issuerId?: string | null;
}

export type KeyProblem = { readonly code: 'P8_INVALID'; readonly message: string };
