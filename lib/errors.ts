/**
 * Errors the user can act on. The top-level handler prints `message` alone (the stack only
 * with --debug) and exits with `exitCode`. Messages never carry key material.
 */
export type UsageErrorCode =
  | 'USAGE'
  | 'CUSTOMERS_DIR_UNREADABLE'
  | 'PLATFORM_CONFIG_INVALID'
  | 'AWS_CREDENTIALS_MISSING'
  | 'AWS_CONFIG_INVALID'
  | 'ASC_BASE_URL_INVALID'
  | 'AWS_UNAVAILABLE'
  | 'OUTPUT_UNWRITABLE'
  | 'SEALING_KEY_UNAVAILABLE'
  | 'GITHUB_CONFIG_INVALID'
  | 'GITHUB_REFUSED'
  | 'EMAIL_REFUSED';

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly code: UsageErrorCode,
    message: string,
    /** The error this one explains (shown with --debug). */
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/**
 * A service that the command needs (GitHub, SES) could not be asked: a real outage, not a
 * mistake to fix. Exit 3, "inconclusive"; the message says what was and was not done.
 */
export class UnavailableError extends Error {
  readonly exitCode = 3;
  constructor(
    readonly code: 'GITHUB_UNAVAILABLE' | 'EMAIL_UNAVAILABLE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UnavailableError';
  }
}
