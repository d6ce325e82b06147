/**
 * Why a sealed block was refused. Stable codes: `import --sealed` prints them and its JSON
 * carries them. Messages never quote the block beyond its `kid`.
 */
export type SealingErrorCode =
  /** No sealed block in the input at all. */
  | 'SEALED_NOT_FOUND'
  /** The block was cut short, as email clients and ticket systems sometimes do. */
  | 'SEALED_TRUNCATED'
  /** Not a block this tool makes: two blocks, foreign characters, another algorithm. */
  | 'SEALED_MALFORMED'
  /** Sealed to a key whose private half this installation does not hold. */
  | 'SEALED_OTHER_KEY'
  /** Sealed to a key retired after its grace period: the customer seals again. */
  | 'SEALED_RETIRED_KEY'
  /** The authentication tag does not match: the block was changed after sealing. */
  | 'SEALED_TAMPERED'
  /** It opens, but what is inside is not a sealed App Store Connect key of a known version. */
  | 'SEALED_PAYLOAD_INVALID'
  /** The page was made for another customer than the one being imported. */
  | 'SEALED_OTHER_CUSTOMER'
  /** A flag on the command line (--key-id, --issuer-id, --individual) disagrees with the block. */
  | 'SEALED_FLAG_MISMATCH';

export class SealingError extends Error {
  constructor(
    readonly code: SealingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SealingError';
  }
}
