import { z } from 'zod';

// GitHub's rules: an owner is 1 to 39 letters, digits and single hyphens, neither first nor
// last; a repository name is 1 to 100 letters, digits, ".", "_" and "-", but not "." or "..".
const OWNER = '[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}';
const NAME = '(?!\\.{1,2}$)[A-Za-z0-9._-]{1,100}';

/**
 * The trust policies compare `sub` with StringEquals, where "*" and "?" are plain characters,
 * and ":" separates the claim's parts; a value with any of them would read like a wildcard or
 * name another claim, so none is accepted.
 */
const branch = z.string().regex(/^(?!\/|.*\/$|.*\/\/|.*\.\.|.*\.lock$|.*@\{)[A-Za-z0-9._/-]{1,244}$/, {
  error: 'must be a branch name such as "main" (letters, digits, ".", "_", "-" and "/"; no wildcard)',
});

const environment = z
  .string()
  .regex(/^[A-Za-z0-9._ -]{1,255}$/, {
    error: 'must be a GitHub environment name (letters, digits, ".", "_", "-" and spaces; no wildcard)',
  })
  .refine((s) => s.trim() === s, { error: 'must not start or end with a space' });

export const githubConfigSchema = z.strictObject({
  /** `owner/name` of the repository whose workflows may assume the roles. */
  repository: z.string().regex(new RegExp(`^${OWNER}/${NAME}$`), {
    error: 'must be the repository as "owner/name", for example "acme/asc-keys" (no wildcard)',
  }),
  /**
   * The account has one IAM OIDC provider per issuer URL: "create" when this stack owns it,
   * "existing" when the account already has one for token.actions.githubusercontent.com.
   */
  oidcProvider: z.enum(['create', 'existing'], {
    error: 'must be "create" (the platform stack creates the account\'s GitHub OIDC provider) or "existing"',
  }),
  /** The branch that deploys and runs the nightly checks. @default "main" */
  defaultBranch: branch.default('main'),
  /** The GitHub environment of the deploy job; its protection rules gate every apply. @default "asc-keys" */
  deployEnvironment: environment.default('asc-keys'),
  /**
   * The GitHub environment of the nightly's key-request job (`asc-keys follow-up`): the
   * requester role trusts that job alone, never the nightly's checks. @default "asc-keys-requests"
   */
  requestsEnvironment: environment.optional(),
});

/** The requests environment when github.requestsEnvironment is not set. */
export const DEFAULT_REQUESTS_ENVIRONMENT = 'asc-keys-requests';

export type GithubConfig = z.output<typeof githubConfigSchema>;
