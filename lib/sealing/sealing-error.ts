import { AscKeysError, type AscKeysErrorOptions, type ErrorCatalogue } from '../errors.js';

const SEND_AGAIN = 'ask the customer to seal the key again on the page and send the whole block';

/**
 * Why a sealed block was refused. Stable codes: `import --sealed` prints them and its JSON
 * carries them. Messages never quote the block beyond its `kid`. Exit 2 where the engineer's
 * flags disagree with the block, 1 where the block itself is refused.
 */
export const SEALING_ERRORS = {
  /** No sealed block in the input at all. */
  SEALED_NOT_FOUND: { exitCode: 1, nextStep: 'give import the email or the text that holds the block' },
  /** The block was cut short, as email clients and ticket systems sometimes do. */
  SEALED_TRUNCATED: { exitCode: 1, nextStep: SEND_AGAIN },
  /** Not a block this tool makes: two blocks, foreign characters, another algorithm. */
  SEALED_MALFORMED: { exitCode: 1, nextStep: SEND_AGAIN },
  /** Sealed to a key whose private half this installation does not hold. */
  SEALED_OTHER_KEY: {
    exitCode: 1,
    nextStep: 'send the customer the current sealing page and ask them to seal again',
  },
  /** Sealed to a key retired after its grace period: nobody can open it any more. */
  SEALED_RETIRED_KEY: {
    exitCode: 1,
    nextStep: 'ask the customer to seal the key again with the current page',
  },
  /** The authentication tag does not match: the block was changed after sealing. */
  SEALED_TAMPERED: { exitCode: 1, nextStep: SEND_AGAIN },
  /** It opens, but what is inside is not a sealed App Store Connect key of a known version. */
  SEALED_PAYLOAD_INVALID: { exitCode: 1, nextStep: SEND_AGAIN },
  /** The page was made for another customer than the one being imported. */
  SEALED_OTHER_CUSTOMER: { exitCode: 2, nextStep: 'import it for the customer the page was made for' },
  /** A flag on the command line (--key-id, --issuer-id, --individual) disagrees with the block. */
  SEALED_FLAG_MISMATCH: {
    exitCode: 2,
    nextStep: 'leave the flag out (the block names the key) or check which key the customer sent',
  },
} as const satisfies ErrorCatalogue<string>;

export type SealingErrorCode = keyof typeof SEALING_ERRORS;

export class SealingError extends AscKeysError<SealingErrorCode> {
  constructor(code: SealingErrorCode, what: string, options?: AscKeysErrorOptions) {
    super(SEALING_ERRORS, code, what, options);
    this.name = 'SealingError';
  }
}
