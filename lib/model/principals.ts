import { githubDeployerArns } from './github-oidc.js';
import type { PlatformContext } from './platform-context.js';

/**
 * Who may do what, by role ARN, for the resource policies. One place, so that the
 * secret policies, the KMS key policy and the topic policies never disagree about a principal.
 */

/** The roles that apply the stacks with Terraform: the configured `deployers` and the GitHub
 * deployer role. A secret policy that denied them would lock Terraform out of the secrets it
 * manages. */
export function deployerArns(ctx: PlatformContext): string[] {
  return [...ctx.platform.deployers, ...githubDeployerArns(ctx)];
}

/**
 * Whether the platform has an importer role: when someone may assume it, people
 * (`importerTrustedPrincipals`) or the intake workflow (a `github` block).
 */
export function hasImporterRole(ctx: PlatformContext): boolean {
  return Boolean(ctx.platform.importerTrustedPrincipals?.length || ctx.platform.github);
}

/** The roles that store key values (`asc-keys import`): the importer role, when the platform has one. */
export function importerArns(ctx: PlatformContext): string[] {
  return hasImporterRole(ctx) ? [ctx.names.importerRoleArn] : [];
}

/** Break-glass: the administrators named in the platform configuration. */
export function administratorArns(ctx: PlatformContext): string[] {
  return [...ctx.platform.administrators];
}

/** Distinct, in first-seen order: a principal listed twice in a condition is noise in a diff. */
export function distinct(arns: readonly string[]): string[] {
  return [...new Set(arns)];
}
