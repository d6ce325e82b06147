import type { AppleCode } from '../apple/check-with-apple.js';
import type { Finding } from '../records/finding.js';
import type { SealedSourceCode } from '../sealing/sealed-source.js';
import type { KeySourceSpec } from './import-request.js';
import type { KeySourceCode } from './key-source.js';

/** The codes of an import's outcome: OK, the key checks of `check keys`, and import's own. */
export type ImportCode =
  | AppleCode
  | KeySourceCode
  | SealedSourceCode
  | 'P8_INVALID'
  | 'KEY_ID_MISMATCH'
  | 'RECORD_INVALID'
  | 'SECRET_SCHEME'
  | 'SECRET_ACCESS_DENIED'
  | 'SECRET_SCHEDULED_FOR_DELETION'
  | 'SECRET_NOT_OURS'
  | 'AWS_UNAVAILABLE'
  | 'AWS_ERROR'
  | 'RECORD_UNWRITABLE'
  | 'INTERRUPTED';

export type ImportAction = 'created' | 'rotated' | 'unchanged' | 'refused';

/** import's JSON (docs/contract.md) document, plus what the text output needs. */
export interface ImportResult {
  readonly customer: string;
  readonly keyId: string;
  /** The new key's thumbprint, once it was parsed. */
  readonly fingerprint: string | null;
  /** The reference of the secret that holds the key; null when nothing was stored. */
  readonly secret: string | null;
  readonly action: ImportAction;
  /** The record written or updated (or already up to date); null when refused. */
  readonly record: string | null;
  readonly code: ImportCode;
  readonly message: string;
  /** On rotation: the Key ID that the customer revokes once publishing uses the new one. */
  readonly previousKeyId?: string;
  /** Apple was asked (not --no-verify). */
  readonly verified: boolean;
  readonly warnings: readonly Finding[];
  /** Where the key came from, for the next steps (not in the JSON document). */
  readonly source?: KeySourceSpec['kind'];
}

/**
 * 0 done, 1 the key or its record is refused, 2 usage or configuration (for --sealed: options
 * that disagree with the block, an unreadable sealing key), 3 Apple or AWS could not be asked.
 */
export function exitCodeOf(code: ImportCode): number {
  switch (code) {
    case 'OK':
      return 0;
    case 'APPLE_UNAVAILABLE':
    case 'APPLE_UNEXPECTED':
    case 'AWS_UNAVAILABLE':
      return 3;
    case 'KEY_FILE_UNREADABLE':
    case 'PASSWORD_REQUIRED':
    case 'ZIP_PASSWORD_WRONG':
    case 'SECRET_SCHEME':
    case 'SECRET_ACCESS_DENIED':
    case 'SECRET_SCHEDULED_FOR_DELETION':
    case 'SECRET_NOT_OURS':
    case 'AWS_ERROR':
    case 'RECORD_UNWRITABLE':
    case 'SEALED_OTHER_CUSTOMER':
    case 'SEALED_FLAG_MISMATCH':
    case 'SEALING_KEY_UNAVAILABLE':
      return 2;
    case 'INTERRUPTED':
      return 130;
    default:
      return 1;
  }
}
