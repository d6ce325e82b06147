/**
 * What a code means to whoever runs asc-keys: the exit code, and the next step when the place
 * that throws knows no better one. Every code of every error class has an entry, so no failure
 * reaches the user without something to do next.
 */
export interface ErrorCodeInfo {
  readonly exitCode: number;
  readonly nextStep: string;
}

export type ErrorCatalogue<C extends string> = Readonly<Record<C, ErrorCodeInfo>>;

export interface AscKeysErrorOptions {
  /** What to do next, where the caller knows better than the code's catalogue entry. */
  readonly next?: string;
  /** The error this one explains: kept whole, and printed with --debug. */
  readonly cause?: unknown;
}

/**
 * The one error base: a stable code (printed, and carried by JSON output), the exit code, what
 * happened, and the next step as a field of its own. `message` is "what; next step", the line
 * the top-level handler prints (the stack and every cause only with --debug). Messages never
 * carry key material.
 */
export abstract class AscKeysError<C extends string = string> extends Error {
  readonly exitCode: number;
  readonly nextStep: string;

  protected constructor(
    catalogue: ErrorCatalogue<C>,
    readonly code: C,
    /** What happened, without the next step. */
    readonly what: string,
    options: AscKeysErrorOptions = {},
  ) {
    const info = catalogue[code];
    const nextStep = options.next ?? info.nextStep;
    super(`${what}; ${nextStep}`, 'cause' in options ? { cause: options.cause } : undefined);
    this.exitCode = info.exitCode;
    this.nextStep = nextStep;
  }
}

/** Usage and configuration errors of every command: exit 2, naming the option or setting. */
export const USAGE_ERRORS = {
  USAGE: { exitCode: 2, nextStep: 'run "asc-keys help" for the commands and their options' },
  CUSTOMERS_DIR_UNREADABLE: {
    exitCode: 2,
    nextStep: 'run from the repository root or pass --customers <dir>',
  },
  PLATFORM_CONFIG_INVALID: { exitCode: 2, nextStep: 'run "asc-keys lint"' },
  AWS_CREDENTIALS_MISSING: {
    exitCode: 2,
    nextStep: 'give the run AWS credentials (a profile, environment variables or a role)',
  },
  AWS_CONFIG_INVALID: { exitCode: 2, nextStep: 'fix the AWS setting it names, or unset it' },
  ASC_BASE_URL_INVALID: {
    exitCode: 2,
    nextStep: 'give the App Store Connect API base URL, or unset ASC_API_BASE_URL',
  },
  AWS_UNAVAILABLE: { exitCode: 2, nextStep: 'run again later' },
  OUTPUT_UNWRITABLE: { exitCode: 2, nextStep: 'check that the directory exists and can be written' },
  SEALING_KEY_UNAVAILABLE: {
    exitCode: 2,
    nextStep: 'an administrator checks the sealing key with "asc-keys sealing-key create"',
  },
  CI_CONFIG_INVALID: { exitCode: 2, nextStep: "fix the workflow step's input it names" },
  GITHUB_CONFIG_INVALID: {
    exitCode: 2,
    nextStep: 'set GITHUB_TOKEN, and github.repository in cdktf.json (or GITHUB_REPOSITORY)',
  },
  GITHUB_REFUSED: {
    exitCode: 2,
    nextStep: 'give GITHUB_TOKEN a token that may write issues in the records repository',
  },
  EMAIL_REFUSED: {
    exitCode: 2,
    nextStep: 'make requests.email in cdktf.json a verified SES identity in this region',
  },
} as const satisfies ErrorCatalogue<string>;

export type UsageErrorCode = keyof typeof USAGE_ERRORS;

/** Errors the user can act on: exit 2, a message that says what to do. */
export class UsageError extends AscKeysError<UsageErrorCode> {
  constructor(code: UsageErrorCode, what: string, options?: AscKeysErrorOptions) {
    super(USAGE_ERRORS, code, what, options);
    this.name = 'UsageError';
  }
}

/**
 * A service that the command needs (GitHub, SES) could not be asked: a real outage, not a
 * mistake to fix. Exit 3, "inconclusive"; the message says what was and was not done.
 */
export const UNAVAILABLE_ERRORS = {
  GITHUB_UNAVAILABLE: { exitCode: 3, nextStep: 'run the command again later' },
  EMAIL_UNAVAILABLE: { exitCode: 3, nextStep: 'run the command again later' },
} as const satisfies ErrorCatalogue<string>;

export type UnavailableErrorCode = keyof typeof UNAVAILABLE_ERRORS;

export class UnavailableError extends AscKeysError<UnavailableErrorCode> {
  constructor(code: UnavailableErrorCode, what: string, options?: AscKeysErrorOptions) {
    super(UNAVAILABLE_ERRORS, code, what, options);
    this.name = 'UnavailableError';
  }
}
