import { UsageError } from '../errors.js';

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
]);

/** Network errors that can pass: the store is unavailable for a moment, not misconfigured. */
const TRANSIENT_NETWORK = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
]);

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Errors that mean the run cannot work at all (no region, no or bad credentials, an endpoint
 * or region that does not exist) become a configuration error (exit 2) that names the
 * variable and the underlying error; anything else is returned for the caller to classify.
 */
export function asConfigurationError(
  err: unknown,
  env: NodeJS.ProcessEnv = process.env,
): UsageError | undefined {
  const e = err as SdkError;
  const cause = { cause: err };
  // None found is not the same as refused: one needs credentials, the other other credentials.
  if (e.name === 'CredentialsProviderError') {
    return new UsageError('AWS_CREDENTIALS_MISSING', `no AWS credentials were found (${e.name})`, {
      next: 'configure them as for the AWS CLI (AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a role to assume) and try again',
      ...cause,
    });
  }
  if (e.name && CREDENTIAL_ERRORS.has(e.name)) {
    return new UsageError(
      'AWS_CREDENTIALS_MISSING',
      `AWS refused the credentials (${e.name}): they are wrong, expired or of another account`,
      {
        next: 'refresh them (a new session, aws sso login) or check AWS_PROFILE and AWS_ACCESS_KEY_ID, and try again',
        ...cause,
      },
    );
  }
  if (e.message === 'Region is missing') {
    return new UsageError('AWS_CREDENTIALS_MISSING', 'no AWS region is configured', {
      next: 'set AWS_REGION (or a profile with a region)',
      ...cause,
    });
  }
  if (/^Region not accepted/.test(e.message ?? '')) {
    return new UsageError(
      'AWS_CONFIG_INVALID',
      `the AWS region is not valid (${env.AWS_REGION ? `AWS_REGION=${env.AWS_REGION}` : 'from the AWS profile'})`,
      { next: 'set AWS_REGION to a region such as eu-central-1', ...cause },
    );
  }
  const endpoint = env.AWS_ENDPOINT_URL;
  if (e.code === 'ERR_INVALID_URL') {
    return new UsageError(
      'AWS_CONFIG_INVALID',
      `AWS_ENDPOINT_URL=${endpoint ?? ''} is not a URL (Invalid URL)`,
      { next: 'set it to an http(s) URL, or unset it to use AWS', ...cause },
    );
  }
  // An answer that is not AWS's at all (an HTML page, a proxy's error) below 500: whatever
  // answers there is no AWS endpoint, and asking again will not change that. A 403 stays a
  // refusal whatever its body (isAccessDenied): moto's is not JSON either.
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status < 500 && status !== 403 && isNotAnAwsAnswer(e)) {
    return new UsageError(
      'AWS_CONFIG_INVALID',
      endpoint
        ? `AWS_ENDPOINT_URL=${endpoint} answered HTTP ${status} with something that is not an AWS answer (${e.name})`
        : `the AWS endpoint answered HTTP ${status} with something that is not an AWS answer (${e.name})`,
      {
        next: endpoint
          ? 'point it at an AWS endpoint (or moto), or unset it to use AWS'
          : `check AWS_REGION (${env.AWS_REGION ?? 'from the AWS profile'}), any proxy, and AWS_ENDPOINT_URL`,
        ...cause,
      },
    );
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND') {
    return new UsageError(
      'AWS_CONFIG_INVALID',
      endpoint
        ? `nothing answers at AWS_ENDPOINT_URL=${endpoint} (${e.code})`
        : `the AWS endpoint cannot be reached (${e.code})`,
      {
        next: endpoint
          ? 'fix it, or unset it to use AWS'
          : `check AWS_REGION (${env.AWS_REGION ?? 'from the AWS profile'}) and the network`,
        ...cause,
      },
    );
  }
  return undefined;
}

/** The SDK could not read the answer as its protocol: no AWS service sent it. */
function isNotAnAwsAnswer(e: SdkError): boolean {
  return e.name === 'SyntaxError' || /Deserialization error/.test(e.message ?? '');
}

/**
 * Throttling, 5xx and network errors: the store is unavailable, not the secret. Only these are
 * "inconclusive"; any other error is either classified by the caller or a bug, which crashes.
 */
export function isTransient(err: unknown): boolean {
  const e = err as SdkError;
  const status = e.$metadata?.httpStatusCode;
  return (
    e.$fault === 'server' ||
    e.$retryable !== undefined ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    /Throttl|TooManyRequests|RequestLimitExceeded|TimeoutError|RequestTimeout/.test(e.name ?? '') ||
    (e.code !== undefined && TRANSIENT_NETWORK.has(e.code))
  );
}

/** An answer of the AWS service (as opposed to an error raised before or outside a request). */
export function isServiceError(err: unknown): boolean {
  return (err as SdkError).$metadata?.httpStatusCode !== undefined;
}

/** A 403 from AWS is a refusal, whatever the body says (moto's is not even JSON). */
export function isAccessDenied(err: unknown): boolean {
  const e = err as SdkError;
  return e.name === 'AccessDeniedException' || e.$metadata?.httpStatusCode === 403;
}

/** Throttling, 5xx and network errors that outlasted the SDK's retries. */
export function describeUnavailable(err: unknown): string {
  const e = err as SdkError;
  const status = e.$metadata?.httpStatusCode;
  const name =
    [e.name && e.name !== 'Error' ? e.name : undefined, e.code].filter(Boolean).join(' ') || 'error';
  return `${name}${status ? ` (HTTP ${status})` : ''}`;
}
