/**
 * Errors the user can act on. The top-level handler prints `message` alone (the stack only
 * with --debug) and exits with `exitCode`. Messages never carry key material.
 */
export type UsageErrorCode =
  | 'USAGE'
  | 'CUSTOMERS_DIR_UNREADABLE'
  | 'PLATFORM_CONFIG_INVALID'
  | 'AWS_CREDENTIALS_MISSING'
  | 'AWS_UNAVAILABLE'
  | 'OUTPUT_UNWRITABLE'
  | 'SEALING_KEY_UNAVAILABLE';

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly code: UsageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
