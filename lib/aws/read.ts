import pLimit from 'p-limit';
import { UsageError } from '../errors.js';
import { asConfigurationError, describeUnavailable, isAccessDenied, isTransient } from './errors.js';

/** AWS could not be read, so the drift check has no answer: exit 2, run again later. */
export class AwsReadError extends UsageError {
  /** `explanation`: what the failure means and what to do, where the caller knows better. */
  constructor(
    operation: string,
    err: unknown,
    explanation?: { readonly what: string; readonly next: string },
  ) {
    super('AWS_UNAVAILABLE', `${operation} failed: ${explanation?.what ?? describeUnavailable(err)}`, {
      next: explanation?.next ?? nextStep(err),
      cause: err,
    });
    this.name = 'AwsReadError';
  }
}

/** An outage passes; a refusal needs the role that may read; anything else, both. */
function nextStep(err: unknown): string {
  if (isTransient(err)) return 'AWS did not answer; run again later';
  if (isAccessDenied(err)) return 'run it with the validator role, which may read everything drift compares';
  return 'run again later, with the validator role';
}

const NOT_FOUND = new Set([
  'ResourceNotFoundException',
  'NotFoundException',
  'NoSuchEntityException',
  'NotFound',
]);

/** One read: a missing resource is `undefined` where `missingOk`, any other failure (after the SDK's retries) is exit 2. */
export async function call<T>(operation: string, run: () => Promise<T>): Promise<T>;
export async function call<T>(
  operation: string,
  run: () => Promise<T>,
  missingOk: true,
): Promise<T | undefined>;
export async function call<T>(
  operation: string,
  run: () => Promise<T>,
  missingOk = false,
): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    if (missingOk && NOT_FOUND.has((err as { name?: string }).name ?? '')) return undefined;
    throw asConfigurationError(err) ?? new AwsReadError(operation, err);
  }
}

/** Every item of every page, as one read (a failure on any page fails the whole list). */
export async function collect<P, T>(
  operation: string,
  pages: AsyncIterable<P>,
  items: (page: P) => T[] | undefined,
): Promise<T[]> {
  return call(operation, async () => {
    const all: T[] = [];
    for await (const page of pages) all.push(...(items(page) ?? []));
    return all;
  });
}

/** AWS tag lists as a map. */
export const tagMap = (
  tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): Record<string, string> => Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

/** Runs `read` for each item, `concurrency` at a time, into a map. */
export async function readEach<K, V>(
  keys: readonly K[],
  concurrency: number,
  read: (key: K) => Promise<V>,
): Promise<Map<K, V>> {
  const limit = pLimit(concurrency);
  return new Map(await Promise.all(keys.map((k) => limit(async () => [k, await read(k)] as const))));
}
