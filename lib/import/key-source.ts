/** A source that could not deliver a key. Never carries key material. */
export type KeySourceCode =
  | 'KEY_FILE_UNREADABLE'
  | 'PASSWORD_REQUIRED'
  | 'ZIP_PASSWORD_WRONG'
  | 'ZIP_INVALID'
  | 'ZIP_NO_KEY'
  | 'ZIP_MULTIPLE_KEYS';

export class KeySourceError extends Error {
  constructor(
    readonly code: KeySourceCode,
    message: string,
  ) {
    super(message);
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
