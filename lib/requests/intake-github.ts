import type { GithubClient } from '../github/github-client.js';
import type { Repo } from '../github/issues.js';

/** The repository roles that may hand a key over on a request issue: triage and above. */
export const TRIAGE_OR_HIGHER = ['triage', 'write', 'maintain', 'admin'] as const;

export interface PullRequestRef {
  readonly number: number;
  readonly url: string;
  readonly state: 'open' | 'merged' | 'closed';
}

/**
 * What intake asks of GitHub besides issues: the author's role, and a pull request made of one
 * commit on a new branch, written through the REST API (refs and contents) rather than git in
 * the runner, so that the workflow holds no git credentials and GitHub signs the commit.
 */
export class IntakeGithub {
  constructor(
    private readonly client: GithubClient,
    readonly repo: Repo,
  ) {}

  /**
   * The user's role through the collaborator permission endpoint; `role_name` names custom
   * roles too, so their `triage` permission decides for those. Not a collaborator: "none".
   */
  async roleOf(user: string): Promise<{ readonly role: string; readonly mayTriage: boolean }> {
    try {
      const { data } = await this.client.rest.repos.getCollaboratorPermissionLevel({
        ...this.repo,
        username: user,
      });
      const role = data.role_name || data.permission;
      const known = (TRIAGE_OR_HIGHER as readonly string[]).includes(role);
      return { role, mayTriage: known || data.user?.permissions?.triage === true };
    } catch (err) {
      if ((err as { status?: number }).status === 404) return { role: 'none', mayTriage: false };
      throw err;
    }
  }

  async defaultBranch(): Promise<string> {
    return (await this.client.rest.repos.get({ ...this.repo })).data.default_branch;
  }

  async headOf(branch: string): Promise<string | undefined> {
    try {
      return (await this.client.rest.git.getRef({ ...this.repo, ref: `heads/${branch}` })).data.object.sha;
    } catch (err) {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    }
  }

  /** The newest pull request from `branch`, open, merged or closed. */
  async pullFrom(branch: string): Promise<PullRequestRef | undefined> {
    const found = await this.client.paginate(this.client.rest.pulls.list, {
      ...this.repo,
      head: `${this.repo.owner}:${branch}`,
      state: 'all',
      per_page: 100,
    });
    const newest = found.sort((a, b) => b.number - a.number)[0];
    if (!newest) return undefined;
    const merged = (newest as { merged?: boolean }).merged === true || Boolean(newest.merged_at);
    return {
      number: newest.number,
      url: newest.html_url,
      state: merged ? 'merged' : newest.state === 'open' ? 'open' : 'closed',
    };
  }

  /**
   * `path` with `content` on `branch`, which starts at `baseSha` when it does not exist yet.
   * Run again, it finds the branch and the file as it left them and writes nothing twice.
   */
  async commitFile(change: {
    readonly branch: string;
    readonly baseSha: string;
    readonly path: string;
    readonly content: string;
    readonly message: string;
  }): Promise<void> {
    const { branch, path } = change;
    if ((await this.headOf(branch)) === undefined) {
      try {
        await this.client.rest.git.createRef({
          ...this.repo,
          ref: `refs/heads/${branch}`,
          sha: change.baseSha,
        });
      } catch (err) {
        // Made in the meantime by a run of the same request: that is the branch wanted.
        if ((err as { status?: number }).status !== 422) throw err;
      }
    }
    let sha: string | undefined;
    let before: string | undefined;
    try {
      const { data } = await this.client.rest.repos.getContent({ ...this.repo, path, ref: branch });
      if (!Array.isArray(data) && data.type === 'file') {
        sha = data.sha;
        before = Buffer.from(data.content, 'base64').toString('utf8');
      }
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
    if (before === change.content) return;
    await this.client.rest.repos.createOrUpdateFileContents({
      ...this.repo,
      path,
      branch,
      message: change.message,
      content: Buffer.from(change.content).toString('base64'),
      ...(sha !== undefined && { sha }),
    });
  }

  /** Opens the pull request, or finds the one already open from `head`. */
  async openPull(pull: {
    readonly head: string;
    readonly base: string;
    readonly title: string;
    readonly body: string;
  }): Promise<PullRequestRef> {
    try {
      const { data } = await this.client.rest.pulls.create({ ...this.repo, ...pull });
      return { number: data.number, url: data.html_url, state: 'open' };
    } catch (err) {
      if ((err as { status?: number }).status !== 422) throw err;
      const existing = await this.pullFrom(pull.head);
      if (existing?.state !== 'open') throw err;
      return existing;
    }
  }

  async comment(issue: number, body: string): Promise<void> {
    await this.client.rest.issues.createComment({ ...this.repo, issue_number: issue, body });
  }
}
