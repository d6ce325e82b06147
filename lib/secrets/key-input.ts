/**
 * What every key source (a .p8 file, a zip, a sealed hand-over) hands to the one import
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
