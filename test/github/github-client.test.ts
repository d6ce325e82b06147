import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { githubClient, type GithubClient } from '../../lib/github/github-client.js';
import { startGithubFake, type GithubFake } from '../support/github-fake.js';

let fake: GithubFake;
let warnings: string[];
let client: GithubClient;

beforeAll(async () => {
  fake = await startGithubFake();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  warnings = [];
  client = githubClient({
    token: fake.token,
    baseUrl: fake.url,
    secondMs: 1,
    pacing: { writeMs: 0, notifyMs: 0 },
    warn: (m) => warnings.push(m),
  });
});

const repo = () => ({ owner: fake.owner, repo: fake.repo });

describe('githubClient', () => {
  test('follows the Link header through every page of a list', async () => {
    for (let i = 0; i < 205; i++) fake.addIssue({ title: `t${i}`, labels: ['asc-keys:request'] });
    fake.addIssue({ title: 'other', labels: ['bug'] });
    const all = await client.paginate(client.rest.issues.listForRepo, {
      ...repo(),
      labels: 'asc-keys:request',
      per_page: 100,
    });
    expect(all).toHaveLength(205);
    expect(fake.requests.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
  });

  test('sends the token GitHub issued, and a wrong one is refused as GitHub does', async () => {
    await client.rest.issues.listForRepo(repo());
    expect(fake.requests[0]!.headers.authorization).toBe(`token ${fake.token}`);
    const wrong = githubClient({ token: 'nope', baseUrl: fake.url, pacing: { writeMs: 0, notifyMs: 0 } });
    await expect(wrong.rest.issues.listForRepo(repo())).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('Bad credentials'),
    });
  });

  test.each([403, 429] as const)(
    'waits as long as retry-after says after a %i secondary rate limit, then succeeds',
    async (status) => {
      fake.rateLimitNext({ method: 'POST', path: /\/issues$/ }, status, 7);
      const created = await client.rest.issues.create({ ...repo(), title: 'hello' });
      expect(created.status).toBe(201);
      expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
      expect(fake.issues).toHaveLength(1);
      expect(warnings).toEqual([
        expect.stringMatching(/secondary rate limit: POST .* again in 7 s \(retry 1 of 3\)/),
      ]);
    },
  );

  test('waits until x-ratelimit-reset after the primary rate limit', async () => {
    fake.failNext(
      { method: 'GET' },
      {
        status: 403,
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 2),
        },
        body: { message: 'API rate limit exceeded for installation ID 1.', documentation_url: 'x' },
      },
    );
    const listed = await client.rest.issues.listForRepo(repo());
    expect(listed.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
    expect(warnings).toEqual([expect.stringMatching(/primary rate limit/)]);
  });

  test('gives up after the configured number of rate-limit retries and reports the last answer', async () => {
    for (let i = 0; i < 4; i++) fake.rateLimitNext({}, 429, 1);
    await expect(client.rest.issues.listForRepo(repo())).rejects.toMatchObject({ status: 429 });
    expect(fake.requests).toHaveLength(4);
  });

  test('retries a 5xx with backoff, and never a 404 or 422', async () => {
    fake.failNext({}, { status: 502, body: { message: 'Server Error' } });
    expect((await client.rest.issues.listForRepo(repo())).status).toBe(200);
    expect(fake.requests).toHaveLength(2);
    fake.requests.length = 0;
    await expect(client.rest.issues.get({ ...repo(), issue_number: 99 })).rejects.toMatchObject({
      status: 404,
    });
    await expect(client.rest.issues.create({ ...repo(), title: '' })).rejects.toMatchObject({ status: 422 });
    expect(fake.requests).toHaveLength(2);
  });

  test('spaces writes that notify people by the pacing GitHub asks for', async () => {
    const paced = githubClient({
      token: fake.token,
      baseUrl: fake.url,
      pacing: { writeMs: 0, notifyMs: 150 },
    });
    await paced.rest.issues.create({ ...repo(), title: 'a' });
    await paced.rest.issues.create({ ...repo(), title: 'b' });
    const [a, b] = fake.issues;
    // Creation times come from the fake's clock: the second waited for the pacing.
    expect(Date.parse(b!.createdAt) - Date.parse(a!.createdAt)).toBeGreaterThanOrEqual(140);
  });
});
