/** How long and how often a key's requests to Apple are retried (429, 5xx, network errors). */
export interface RetryPolicy {
  /** Retries of 429, 5xx and network errors end within this budget. @default 30000 */
  readonly budgetMs: number;
  /** @default 8 */
  readonly maxAttempts: number;
  /** The first backoff; it doubles each time, with full jitter. @default 500 */
  readonly baseDelayMs: number;
  /** @default 8000 */
  readonly maxDelayMs: number;
  /** One request's timeout. @default 10000 */
  readonly timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  budgetMs: 30_000,
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  timeoutMs: 10_000,
};
