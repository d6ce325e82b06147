import { UsageError } from '../errors.js';

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
]);

/**
 * Errors that mean the run cannot work at all (no region, no or bad credentials) become a
 * configuration error (exit 2); anything else is returned for the caller to classify.
 */
export function asConfigurationError(err: unknown): UsageError | undefined {
  const e = err as { name?: string; message?: string };
  if (e.name && CREDENTIAL_ERRORS.has(e.name)) {
    return new UsageError(
      'AWS_CREDENTIALS_MISSING',
      `AWS refused the credentials (${e.name}); configure them as for the AWS CLI (AWS_PROFILE, AWS_ACCESS_KEY_ID, or a role) and try again`,
    );
  }
  if (e.message === 'Region is missing') {
    return new UsageError(
      'AWS_CREDENTIALS_MISSING',
      'no AWS region is configured; set AWS_REGION (or a profile with a region)',
    );
  }
  return undefined;
}

/** Throttling, 5xx and network errors (no HTTP answer at all): the store is unavailable, not the secret. */
export function isTransient(err: unknown): boolean {
  const e = err as {
    name?: string;
    $fault?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode;
  return (
    e.$fault === 'server' ||
    e.$retryable !== undefined ||
    status === undefined ||
    status === 429 ||
    status >= 500 ||
    /Throttl|TooManyRequests|RequestLimitExceeded/.test(e.name ?? '')
  );
}

/** A 403 from AWS is a refusal, whatever the body says (moto's is not even JSON). */
export function isAccessDenied(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'AccessDeniedException' || e.$metadata?.httpStatusCode === 403;
}

/** Throttling, 5xx and network errors that outlasted the SDK's retries. */
export function describeUnavailable(err: unknown): string {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  const status = e.$metadata?.httpStatusCode;
  return `${e.name ?? e.code ?? 'error'}${status ? ` (HTTP ${status})` : ''}`;
}
