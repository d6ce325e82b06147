import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { githubClient, type GithubClient } from '../../lib/github/github-client.js';
import { githubFailure, githubSettings } from '../../lib/github/github-settings.js';
import { startGithubFake, type GithubFake } from '../support/github-fake.js';
import { platformSchema } from '../../lib/records/platform-schema.js';
import { EXAMPLE_CONFIG } from '../support/project.js';
import { PLATFORM } from '../support/records.js';

describe('githubSettings: where the records repository is', () => {
  const token = { GITHUB_TOKEN: 'ghs_test' };

  test('the repository of cdktf.json wins over GITHUB_REPOSITORY; the API is github.com unless GITHUB_API_URL says otherwise', () => {
    const configured = platformSchema.parse({
      ...EXAMPLE_CONFIG.context.platform,
      github: { repository: 'acme/records', oidcProvider: 'existing' },
    });
    expect(githubSettings(configured, { ...token, GITHUB_REPOSITORY: 'acme/other' })).toEqual({
      token: 'ghs_test',
      baseUrl: 'https://api.github.com',
      repo: { owner: 'acme', repo: 'records' },
    });
    expect(
      githubSettings(PLATFORM, {
        GH_TOKEN: 'gh',
        GITHUB_REPOSITORY: 'acme/other',
        GITHUB_API_URL: 'https://ghe.acme/api/v3',
      }),
    ).toEqual({ token: 'gh', baseUrl: 'https://ghe.acme/api/v3', repo: { owner: 'acme', repo: 'other' } });
  });

  test('no repository, or one that is not "owner/name": GITHUB_CONFIG_INVALID (exit 2) naming both settings', () => {
    for (const env of [
      token,
      { ...token, GITHUB_REPOSITORY: 'records' },
      { ...token, GITHUB_REPOSITORY: '/records' },
    ])
      expect(() => githubSettings(PLATFORM, env), JSON.stringify(env)).toThrow(
        expect.objectContaining({
          code: 'GITHUB_CONFIG_INVALID',
          exitCode: 2,
          message:
            'no records repository is configured; set github.repository in the platform configuration (cdktf.json), or GITHUB_REPOSITORY to "owner/name"',
        }),
      );
  });
});

describe("githubFailure: GitHub's answer, as Octokit raises it, explained", () => {
  let fake: GithubFake;
  let client: GithubClient;
  // Each test reads its own answer; none changes what the other sees.
  beforeAll(async () => {
    fake = await startGithubFake();
    client = githubClient({ token: fake.token, baseUrl: fake.url, pacing: { writeMs: 0, notifyMs: 0 } });
  });
  afterAll(() => fake.stop());
  const failureOf = async (repo: { owner: string; repo: string }, request: () => Promise<unknown>) =>
    githubFailure(
      await request().then(
        () => expect.unreachable('GitHub accepted the request'),
        (err: unknown) => err,
      ),
      repo,
      'the request issue was opened',
    );

  test('a repository the token cannot see (404): GITHUB_REFUSED, exit 2, the repository to check, what was done', async () => {
    const other = { owner: fake.owner, repo: 'not-there' };
    expect(await failureOf(other, () => client.rest.issues.create({ ...other, title: 't' }))).toMatchObject({
      code: 'GITHUB_REFUSED',
      exitCode: 2,
      message: `GitHub answered 404 for ${fake.owner}/not-there; the request issue was opened; check github.repository in cdktf.json, and that the token can see that repository`,
    });
  });

  test('a request GitHub will not take (422): GITHUB_REFUSED, exit 2, "run again with --debug"', async () => {
    const repo = { owner: fake.owner, repo: fake.repo };
    fake.failNext(
      { method: 'POST', path: /\/issues$/ },
      { status: 422, body: { message: 'Validation Failed', errors: [{ code: 'invalid' }] } },
    );
    expect(await failureOf(repo, () => client.rest.issues.create({ ...repo, title: 't' }))).toMatchObject({
      code: 'GITHUB_REFUSED',
      exitCode: 2,
      message: `GitHub refused the request (422) in ${fake.owner}/${fake.repo}; the request issue was opened; run again with --debug to see what GitHub answered, and report it`,
    });
    expect(fake.issues).toEqual([]);
  });
});
