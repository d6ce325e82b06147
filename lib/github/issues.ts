import type { GithubClient } from './github-client.js';

export interface Repo {
  readonly owner: string;
  readonly repo: string;
}

export interface Issue {
  readonly number: number;
  readonly open: boolean;
  readonly title: string;
  readonly body: string;
  readonly url: string;
  /** YYYY-MM-DD */
  readonly openedOn: string;
}

export interface IssueComment {
  readonly id: number;
  readonly body: string;
  readonly user: string;
  /** YYYY-MM-DD */
  readonly createdOn: string;
}

/** The issue operations of the requests, in the words of the repository they act on. */
export class Issues {
  constructor(
    private readonly client: GithubClient,
    readonly repo: Repo,
  ) {}

  /** Every open issue with the label (pull requests, which GitHub lists too, left out), oldest first. */
  async listOpen(label: string): Promise<Issue[]> {
    return this.list(label, 'open');
  }

  async list(label: string, state: 'open' | 'closed' | 'all'): Promise<Issue[]> {
    const found = await this.client.paginate(this.client.rest.issues.listForRepo, {
      ...this.repo,
      state,
      labels: label,
      sort: 'created',
      direction: 'asc',
      per_page: 100,
    });
    return found.filter((i) => !i.pull_request).map(toIssue);
  }

  /** The label, created with its description when the repository does not have it yet. */
  async ensureLabel(name: string, description: string, color: string): Promise<void> {
    try {
      await this.client.rest.issues.getLabel({ ...this.repo, name });
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
      try {
        await this.client.rest.issues.createLabel({ ...this.repo, name, description, color });
      } catch (created) {
        // Made in the meantime by another run: that is what was wanted.
        if ((created as { status?: number }).status !== 422) throw created;
      }
    }
  }

  async create(issue: { title: string; body: string; labels: string[] }): Promise<Issue> {
    return toIssue((await this.client.rest.issues.create({ ...this.repo, ...issue })).data);
  }

  async updateBody(number: number, body: string): Promise<void> {
    await this.client.rest.issues.update({ ...this.repo, issue_number: number, body });
  }

  async comment(number: number, body: string): Promise<void> {
    await this.client.rest.issues.createComment({ ...this.repo, issue_number: number, body });
  }

  async comments(number: number): Promise<IssueComment[]> {
    const found = await this.client.paginate(this.client.rest.issues.listComments, {
      ...this.repo,
      issue_number: number,
      per_page: 100,
    });
    return found.map((c) => ({
      id: c.id,
      body: c.body ?? '',
      user: c.user?.login ?? '',
      createdOn: c.created_at.slice(0, 10),
    }));
  }

  async close(number: number, comment: string): Promise<void> {
    await this.comment(number, comment);
    await this.client.rest.issues.update({
      ...this.repo,
      issue_number: number,
      state: 'closed',
      state_reason: 'completed',
    });
  }
}

function toIssue(i: {
  state?: string;
  number: number;
  title: string;
  body?: string | null;
  html_url: string;
  created_at: string;
}): Issue {
  return {
    number: i.number,
    open: i.state !== 'closed',
    title: i.title,
    body: i.body ?? '',
    url: i.html_url,
    openedOn: i.created_at.slice(0, 10),
  };
}
