/**
 * What every key source (a .p8 file, a zip, later a sealed hand-over) hands to the one import
 * pipeline. In memory only: `pem` is key material and is never printed, logged or written.
 */
export interface KeyInput {
  /** The raw text of the .p8 as it arrived; parsed and repaired by the pipeline. */
  readonly pem: string;
  /** The Key ID that the file's name carries (AuthKey_<KEYID>.p8), when it carries one. */
  readonly keyIdFromName?: string;
  /** The Issuer ID, when the source carries it (a sealed hand-over may). */
  readonly issuerId?: string;
  /** Where the key came from, for messages: a path, or "AuthKey_X.p8 in keys.zip". */
  readonly origin: string;
}

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

/** Text from files and archives, safe to print: control characters escaped, length bounded. */
export function printable(text: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    return code === 10
      ? '\\n'
      : code === 13
        ? '\\r'
        : code === 9
          ? '\\t'
          : `\\x${code.toString(16).padStart(2, '0')}`;
  });
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}
