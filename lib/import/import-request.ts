import type { Contact } from '../records/customer-record.js';

/** Where `import` takes the key from; a new source (a sealed hand-over) is one more variant. */
export type KeySourceSpec =
  | { readonly kind: 'p8'; readonly path: string }
  | { readonly kind: 'zip'; readonly path: string }
  | { readonly kind: 'sealed'; readonly path: string };

/** The well-formed options of one import (docs/contract.md: import), checked before anything is read. */
export interface ImportRequest {
  readonly customer: string;
  readonly appleId: string;
  readonly keyId: string;
  /** Absent for an individual key (--individual). */
  readonly issuerId?: string;
  readonly source: KeySourceSpec;
  /** Ask Apple before storing. @default true */
  readonly verify: boolean;
  /** For a new customer's record only. */
  readonly displayName?: string;
  readonly bundleId?: string;
  readonly contacts: readonly Contact[];
}
