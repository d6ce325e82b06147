/**
 * The two trust zones of the stacks. What guards the keys (both KMS keys and their policies,
 * every role and its trust, the sealing key's secret, the alert rules, the alerts topic and its
 * subscriptions, the GitHub OIDC provider) lives in the custody stack, which only the
 * administrators apply, from their own machines. The deployer zone is the rest (the platform
 * stack's reminders topic and schedule group, the customer stacks): the GitHub deployer applies
 * it, and its own policy denies it every change to the custody zone.
 */
export type TrustZone = 'administrators' | 'deployer';

/** The administrators' stack: `affected` never lists it and the deploy workflow never applies it. */
export const CUSTODY_STACK = 'custody';

const ADMINISTRATORS_STACKS: ReadonlySet<string> = new Set([CUSTODY_STACK]);

/** The zone a stack belongs to, by its name. */
export function stackZone(stack: string): TrustZone {
  return ADMINISTRATORS_STACKS.has(stack) ? 'administrators' : 'deployer';
}

/** Who applies a stack of the zone, as plans and docs say it. */
export const ZONE_APPLIER: Readonly<Record<TrustZone, string>> = {
  administrators: 'the administrators, from their own machines (never the deploy workflow)',
  deployer: 'the deploy workflow (GitHub deployer role)',
};
