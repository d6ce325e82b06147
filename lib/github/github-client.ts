import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';

const PacedOctokit = Octokit.plugin(retry, throttling);

/** The REST client every GitHub call goes through. */
export type GithubClient = InstanceType<typeof PacedOctokit>;

export interface GithubClientOptions {
  readonly token: string;
  /** The REST API root; GitHub Actions gives it as GITHUB_API_URL. @default https://api.github.com */
  readonly baseUrl?: string;
  /** How often a request that GitHub rate-limited is sent again, after the wait GitHub asks for. @default 3 */
  readonly rateLimitRetries?: number;
  /** Milliseconds in one second of `retry-after` and of the backoff of 5xx answers; tests shrink it. @default 1000 */
  readonly secondMs?: number;
  /**
   * Pause between two writes, and between two writes that notify people (issues, comments,
   * pull requests). GitHub asks integrations to space them so as not to trip its secondary
   * rate limit. @default { writeMs: 1000, notifyMs: 3000 }
   */
  readonly pacing?: { readonly writeMs: number; readonly notifyMs: number };
  /** Where GitHub's warnings go (rate limits waited for). @default stderr */
  readonly warn?: (message: string) => void;
}

/**
 * Octokit with GitHub's retry rules: a 403 or 429 that is a rate limit waits as long as
 * `retry-after` (or `x-ratelimit-reset`) says and is sent again, a bounded number of times;
 * a 5xx is retried with backoff; anything else is the caller's to explain.
 */
export function githubClient(options: GithubClientOptions): GithubClient {
  const retries = options.rateLimitRetries ?? 3;
  const secondMs = options.secondMs ?? 1000;
  const pacing = options.pacing ?? { writeMs: 1000, notifyMs: 3000 };
  const warn = options.warn ?? ((m: string) => process.stderr.write(`${m}\n`));
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      if (retryCount >= retries) return false;
      warn(
        `GitHub's ${kind} rate limit: ${request.method} ${request.url} again in ${retryAfter} s (retry ${retryCount + 1} of ${retries})`,
      );
      return true;
    };
  return new PacedOctokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'asc-keys',
    // Octokit logs every failed request; the caller explains failures once, in its own words.
    log: { debug: () => {}, info: () => {}, warn, error: () => {} },
    retry: { retryAfterBaseValue: secondMs, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    throttle: {
      id: 'asc-keys',
      retryAfterBaseValue: secondMs,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: pacing.writeMs }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: pacing.notifyMs }),
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
  });
}
