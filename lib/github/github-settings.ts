import { UnavailableError, UsageError } from '../errors.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import type { Repo } from './issues.js';

export interface GithubSettings {
  readonly token: string;
  readonly baseUrl: string;
  readonly repo: Repo;
}

/**
 * Where the records repository is and how to reach it: the token from GITHUB_TOKEN (as a
 * workflow passes it), the API from GITHUB_API_URL (GitHub Enterprise, tests), the repository
 * from the platform configuration's `github.repository`, or GITHUB_REPOSITORY in a workflow.
 */
export function githubSettings(
  platform: PlatformConfig,
  env: NodeJS.ProcessEnv = process.env,
): GithubSettings {
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (!token)
    throw new UsageError('GITHUB_CONFIG_INVALID', 'no GitHub token (GITHUB_TOKEN is not set)', {
      next: 'set GITHUB_TOKEN to a token that may write issues in the records repository (in a workflow, ${{ github.token }} with "issues: write")',
    });
  const full = platform.github?.repository ?? env.GITHUB_REPOSITORY;
  const [owner, repo] = (full ?? '').split('/');
  if (!owner || !repo)
    throw new UsageError('GITHUB_CONFIG_INVALID', 'no records repository is configured', {
      next: 'set github.repository in the platform configuration (cdktf.json), or GITHUB_REPOSITORY to "owner/name"',
    });
  return { token, baseUrl: env.GITHUB_API_URL || 'https://api.github.com', repo: { owner, repo } };
}

/**
 * A failed GitHub request, explained: a refused token or a repository it cannot see is a
 * configuration error (exit 2); rate limits that outlasted the retries, 5xx and network
 * errors are an outage (exit 3). `done` says what was already done, so nothing is repeated blindly.
 */
export function githubFailure(
  err: unknown,
  repo: Repo,
  done = 'nothing was changed',
): UsageError | UnavailableError {
  const status = (err as { status?: number }).status;
  const where = `${repo.owner}/${repo.repo}`;
  if (status === 401)
    return new UsageError('GITHUB_REFUSED', `GitHub refused the token (401 Bad credentials); ${done}`, {
      next: 'set GITHUB_TOKEN to a valid token',
      cause: err,
    });
  if (status === 404)
    return new UsageError('GITHUB_REFUSED', `GitHub answered 404 for ${where}; ${done}`, {
      next: 'check github.repository in cdktf.json, and that the token can see that repository',
      cause: err,
    });
  if (status === 403 && !/rate limit/i.test((err as Error).message))
    return new UsageError('GITHUB_REFUSED', `GitHub refused the request (403) in ${where}; ${done}`, {
      next: 'give the token "issues: write" (and "pull-requests: write" for intake)',
      cause: err,
    });
  if (status === 422 || status === 400 || status === 410)
    return new UsageError('GITHUB_REFUSED', `GitHub refused the request (${status}) in ${where}; ${done}`, {
      next: 'run again with --debug to see what GitHub answered, and report it',
      cause: err,
    });
  const what = status ? `HTTP ${status}` : ((err as Error).message ?? String(err));
  return new UnavailableError(
    'GITHUB_UNAVAILABLE',
    `GitHub could not be asked (${what}, after retries); ${done}`,
    {
      cause: err,
    },
  );
}
