import { UsageError } from '../errors.js';
import { CUSTODY_STACK } from '../model/trust-zones.js';

/**
 * The stacks to synthesize, for the pull-request and deploy paths: a fleet of 10,000
 * customers takes a minute to synthesize whole, and a change touches a few stacks.
 * `cdktf diff` runs main.ts itself, so the selection reaches it through the environment.
 */
export const STACKS_ENV = 'ASC_KEYS_STACKS';

const STACK_NAME = new RegExp(`^(platform|${CUSTODY_STACK}|customer-[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$`);

/** Stack names from a comma- or whitespace-separated list; undefined (every stack) when unset or blank. */
export function parseStackList(text: string | undefined, setting = STACKS_ENV): string[] | undefined {
  const names = (text ?? '').split(/[\s,]+/).filter(Boolean);
  if (!names.length) return undefined;
  const bad = names.filter((n) => !STACK_NAME.test(n));
  if (bad.length)
    throw new UsageError(
      'USAGE',
      `${setting}: ${bad.join(', ')} ${bad.length > 1 ? 'are not stack names' : 'is not a stack name'}`,
      { next: 'use "platform" or "customer-<slug>", as "asc-keys affected" prints them' },
    );
  return [...new Set(names)];
}

/** For main.ts: the selection in the environment; a bad one is printed and exits 2, like the CLI. */
export function stacksFromEnvOrExit(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  try {
    return parseStackList(env[STACKS_ENV]);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return process.exit(2);
  }
}

/** The record files behind a selection of stacks: `customer-<slug>` is `<slug>.yaml`. */
export function recordFilesOf(stacks: readonly string[]): string[] {
  return stacks.filter((s) => s.startsWith('customer-')).map((s) => `${s.slice('customer-'.length)}.yaml`);
}
