import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { githubClient } from '../../lib/github/github-client.js';
import { IntakeGithub } from '../../lib/requests/intake-github.js';
import { startGithubFake, type GithubFake } from '../support/github-fake.js';

/**
 * Two runs of intake for one request (a re-run while the first is still going): what the first
 * made on GitHub, the second finds and uses; nothing is made twice. Against the GitHub fake,
 * which answers a duplicate as GitHub does (422).
 */
describe('IntakeGithub: runs that overlap make one branch, one commit, one pull request', () => {
  let github: GithubFake;
  let intake: IntakeGithub;
  const BRANCH = 'asc-keys/intake/acme-corp-NEWKEY0001';
  beforeAll(async () => {
    github = await startGithubFake();
    intake = new IntakeGithub(
      githubClient({ token: github.token, baseUrl: github.url, pacing: { writeMs: 0, notifyMs: 0 } }),
      { owner: github.owner, repo: github.repo },
    );
  });
  afterAll(() => github.stop());
  beforeEach(() => github.reset());

  const change = () => ({
    branch: BRANCH,
    baseSha: github.refs.get('main')!,
    path: 'customers/acme-corp.yaml',
    content: 'customer: acme-corp\n',
    message: 'Rotate acme-corp: key NEWKEY0001',
  });
  const pull = { head: BRANCH, base: 'main', title: 'Rotate acme-corp: key NEWKEY0001', body: 'request #1' };

  test('the branch made by the other run between its check and its creation is used: one commit on it', async () => {
    // The other run creates the branch after this one found none.
    github.failNext(
      { method: 'GET', path: /\/git\/ref\/heads/ },
      { status: 404, body: { message: 'Not Found' } },
    );
    github.commitFile(BRANCH, 'README.md', 'the other run\n');
    await intake.commitFile(change());
    expect(github.fileOn(BRANCH, 'customers/acme-corp.yaml')).toBe('customer: acme-corp\n');
    const commits = github.requests.filter((r) => r.method === 'PUT');
    expect(commits).toHaveLength(1);
    // Run again: the file is there as wanted; nothing is written.
    await intake.commitFile(change());
    expect(github.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  test('the pull request the other run opened is the one returned, not a second', async () => {
    await intake.commitFile(change());
    const first = await intake.openPull(pull);
    const second = await intake.openPull(pull);
    expect(second).toEqual(first);
    expect(first.state).toBe('open');
    expect(github.issues.filter((i) => i.pull)).toHaveLength(1);
  });

  test("GitHub's 422 for another reason (the branch is not there) is not taken for an open pull request", async () => {
    await expect(intake.openPull(pull)).rejects.toMatchObject({ status: 422 });
    expect(github.issues).toEqual([]);
  });
});
