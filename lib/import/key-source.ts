import { AscKeysError, type AscKeysErrorOptions, type ErrorCatalogue } from '../errors.js';

/** Why a source could not deliver a key: 2 for what the engineer can fix, 1 for what the customer sent. */
export const KEY_SOURCE_ERRORS = {
  KEY_FILE_UNREADABLE: { exitCode: 2, nextStep: 'check the path' },
  PASSWORD_REQUIRED: {
    exitCode: 2,
    nextStep: 'give the password with --password-stdin, or run in a terminal',
  },
  ZIP_PASSWORD_WRONG: {
    exitCode: 2,
    nextStep: 'check the password with the customer (the archive is unchanged)',
  },
  ZIP_INVALID: { exitCode: 1, nextStep: 'ask the customer to send it again' },
  ZIP_NO_KEY: {
    exitCode: 1,
    nextStep: 'ask the customer for the .p8 exactly as App Store Connect downloaded it',
  },
  ZIP_MULTIPLE_KEYS: { exitCode: 1, nextStep: 'ask the customer which key is for this app' },
} as const satisfies ErrorCatalogue<string>;

export type KeySourceCode = keyof typeof KEY_SOURCE_ERRORS;

/** A source that could not deliver a key. Never carries key material. */
export class KeySourceError extends AscKeysError<KeySourceCode> {
  constructor(code: KeySourceCode, what: string, options?: AscKeysErrorOptions) {
    super(KEY_SOURCE_ERRORS, code, what, options);
    this.name = 'KeySourceError';
  }
}

/** AuthKey_<KEYID>.p8, also with a browser's duplicate-download suffix: AuthKey_<KEYID> (1).p8. */
const AUTH_KEY_NAME = /^AuthKey_([A-Z0-9]{10})(?: ?\(\d+\))?\.p8$/;

/** The Key ID a file name carries, or undefined for a name that is not Apple's. */
export function keyIdOfFileName(name: string): string | undefined {
  return AUTH_KEY_NAME.exec(name)?.[1];
}

/** A .p8 is a few hundred bytes; anything larger is not one (and is not read into memory whole). */
export const MAX_KEY_FILE_BYTES = 64 * 1024;
