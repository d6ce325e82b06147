import { customerOfStack } from '../model/customer-desired.js';
import { shardOf, type Shard } from '../checks/select-customers.js';
import { UsageError } from '../errors.js';
import { CUSTODY_STACK } from '../model/trust-zones.js';
import { parseStackList } from '../stacks/stack-selection.js';

/**
 * Stacks the deploy never applies, whatever `affected` lists: those only administrators apply
 * by hand (what guards the keys). Adding a name here is all it takes to keep one out.
 */
export const NOT_DEPLOYED: ReadonlySet<string> = new Set<string>([CUSTODY_STACK]);

/** GitHub Actions runs at most this many jobs of one matrix. */
export const MAX_SHARDS = 256;

/** Which of the affected stacks one job applies. */
export type DeployPart =
  /** Every stack, platform first, in one job. */
  | { readonly kind: 'all' }
  /** The platform alone: the job every shard waits for. */
  | { readonly kind: 'platform' }
  /** The customer stacks whose slug falls in this shard, by the hash of `--shard`. */
  | { readonly kind: 'shard'; readonly shard: Shard };

export const PLATFORM = 'platform';

/** The customer of a customer stack (callers pass no other kind): the model's inverse of its stack name. */
export const slugOf = (stack: string): string => customerOfStack(stack) ?? stack;

/** The affected stacks the deploy applies: validated names, the administrators' stacks left out. */
export function deployableStacks(affected: readonly string[]): string[] {
  return (parseStackList(affected.filter((s) => !NOT_DEPLOYED.has(s)).join(','), 'affected') ?? []).sort(
    (a, b) => Number(b === PLATFORM) - Number(a === PLATFORM),
  );
}

/** The stacks of one part, in the order they are applied (the platform first). */
export function stacksOfPart(stacks: readonly string[], part: DeployPart): string[] {
  const all = deployableStacks(stacks);
  if (part.kind === 'all') return all;
  if (part.kind === 'platform') return all.filter((s) => s === PLATFORM);
  return all.filter((s) => s !== PLATFORM && shardOf(slugOf(s), part.shard.count) === part.shard.index);
}

export interface DeployMatrix {
  /** Whether the platform job runs. */
  readonly platform: boolean;
  /** The shards that have a customer stack to apply: one job each, none for an empty shard. */
  readonly shards: readonly number[];
}

/** The jobs a deploy needs: a merge that touches one record starts one shard, not all of them. */
export function deployMatrix(stacks: readonly string[], shardCount: number): DeployMatrix {
  if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > MAX_SHARDS)
    throw new UsageError(
      'CI_CONFIG_INVALID',
      `--shards ${shardCount}: the shard count must be a whole number from 1 to ${MAX_SHARDS} (the jobs GitHub runs of one matrix)`,
      { next: 'set SHARDS in deploy.yml' },
    );
  const all = deployableStacks(stacks);
  const shards = new Set(all.filter((s) => s !== PLATFORM).map((s) => shardOf(slugOf(s), shardCount)));
  return { platform: all.includes(PLATFORM), shards: [...shards].sort((a, b) => a - b) };
}
