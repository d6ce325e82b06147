import type { webcrypto } from 'node:crypto';
import type { Clock } from './clock.js';
import { probeApp } from './probe-app.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry-policy.js';
import { signToken, type TokenIdentity } from './token.js';

export type AppleCode =
  | 'OK'
  | 'KEY_REJECTED'
  | 'ROLE_INSUFFICIENT'
  | 'AGREEMENT_MISSING'
  | 'APP_NOT_FOUND'
  | 'APPLE_UNAVAILABLE'
  | 'APPLE_UNEXPECTED';

export interface AppleVerdict {
  readonly code: AppleCode;
  readonly message: string;
  /** How many requests it took: one, two after a 401, more after retries. */
  readonly requests: number;
  /** Apple's last answer, summarised (status, code, its words): absent when it accepted the key. */
  readonly said?: string;
}

/** A retry about to wait: which attempt failed, how, and how long until the next one. */
export interface AppleRetry {
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly said: string;
  readonly delayMs: number;
}

export interface AppleCheckOptions {
  readonly baseUrl: string;
  readonly clock: Clock;
  readonly retry?: RetryPolicy;
  /** @default Math.random */
  readonly random?: () => number;
  /** Told before each wait between attempts, so that a person is not left without a word. */
  readonly onRetry?: (retry: AppleRetry) => void;
}

/**
 * Proves that App Store Connect accepts a token signed by `key` for the app. A 401 is asked
 * again once with a fresh token (KEY_REJECTED after two); 429, 5xx and network errors are
 * retried with backoff and jitter, honouring Retry-After, until the budget runs out
 * (APPLE_UNAVAILABLE: never "invalid" because Apple was unavailable).
 */
export async function checkWithApple(
  key: webcrypto.CryptoKey,
  identity: TokenIdentity,
  appleId: string,
  options: AppleCheckOptions,
): Promise<AppleVerdict> {
  const retry = options.retry ?? DEFAULT_RETRY;
  const random = options.random ?? Math.random;
  const { clock } = options;
  const deadline = clock.now() + retry.budgetMs;
  let requests = 0;
  let unauthorizedBefore = false;
  let failures = 0;
  for (;;) {
    const token = await signToken(key, identity, clock.now());
    const answer = await probeApp(options.baseUrl, appleId, token, retry.timeoutMs);
    requests++;
    switch (answer.kind) {
      case 'ok':
        return {
          code: 'OK',
          requests,
          message: `App Store Connect accepted a token signed by key ${identity.keyId} for app ${appleId}`,
        };
      case 'unauthorized':
        if (unauthorizedBefore) {
          return {
            code: 'KEY_REJECTED',
            requests,
            said: answer.summary,
            message: `App Store Connect rejected key ${identity.keyId} twice (${answer.summary}): the key was revoked, or the record's Key ID or Issuer ID is wrong. Ask the customer's admin whether the key is still active under Users and Access > Integrations; if it is not, ask for a new one and import it (docs/rotation.md: import, then merge, then deploy)`,
          };
        }
        unauthorizedBefore = true;
        continue;
      case 'role':
        return {
          code: 'ROLE_INSUFFICIENT',
          requests,
          said: answer.summary,
          message: `the key's role may not read app ${appleId} (${answer.summary}); ask the customer for a key with the App Manager role`,
        };
      case 'agreement':
        return {
          code: 'AGREEMENT_MISSING',
          requests,
          said: answer.summary,
          message: `the customer's App Store Connect agreements are missing or expired (${answer.summary}); their Account Holder must accept the latest agreements under Business`,
        };
      case 'not-found':
        return {
          code: 'APP_NOT_FOUND',
          requests,
          said: answer.summary,
          message: `key ${identity.keyId} sees no app ${appleId} (${answer.summary}); check app.appleId in the record, or whether the key belongs to the app's team`,
        };
      case 'unexpected':
        return {
          code: 'APPLE_UNEXPECTED',
          requests,
          said: answer.summary,
          message: `App Store Connect answered something asc-keys does not know (${answer.summary}); check --asc-base-url or ASC_API_BASE_URL, run again, and report it if it persists`,
        };
      case 'retryable': {
        unauthorizedBefore = false;
        failures++;
        const backoff = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (failures - 1)) * random();
        const delay = Math.max(answer.retryAfterMs ?? 0, backoff);
        if (failures >= retry.maxAttempts || clock.now() + delay > deadline) {
          return {
            code: 'APPLE_UNAVAILABLE',
            requests,
            said: answer.summary,
            message: `App Store Connect did not answer usefully in ${requests} attempt${requests === 1 ? '' : 's'} (last: ${answer.summary}); nothing is known about this key, run again later`,
          };
        }
        options.onRetry?.({
          attempt: failures,
          maxAttempts: retry.maxAttempts,
          said: answer.summary,
          delayMs: delay,
        });
        await clock.sleep(delay);
      }
    }
  }
}

/** The waiting line of a retry: what it waits for, which attempt failed and how, and for how long. */
export function describeAppleRetry(r: AppleRetry): string {
  const seconds = Math.max(1, Math.round(r.delayMs / 1000));
  return `waiting for App Store Connect: attempt ${r.attempt} of up to ${r.maxAttempts} got ${r.said}; asking again in ${seconds} s`;
}
