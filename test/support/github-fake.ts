import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local GitHub REST API for the endpoints asc-keys calls, answering as GitHub documents them:
 * issues (list with label and state filters, create, update, comments), labels, the
 * collaborator permission endpoint, pull requests, and the git data a pull request is made of
 * (branches as refs, commits of whole file trees, the contents API); pagination through `Link`
 * headers; rate-limit headers on every answer; 401 for a wrong token, 404 for another
 * repository, 422 for invalid input. Every request is recorded, and a test can make the next
 * matching request fail as GitHub does when it rate-limits (403 or 429 with `retry-after`).
 */

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

export interface FakeComment {
  readonly id: number;
  body: string;
  readonly user: string;
  readonly createdAt: string;
}

export interface FakeIssue {
  readonly number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | null;
  labels: string[];
  readonly user: string;
  readonly comments: FakeComment[];
  readonly createdAt: string;
  closedAt: string | null;
  /** Set for pull requests, which GitHub lists among the issues. */
  readonly pull?: { head: string; base: string; merged: boolean };
}

/** A commit: the whole tree of files as it stands after it, and its parent. */
export interface FakeCommit {
  readonly sha: string;
  readonly parent: string | null;
  readonly message: string;
  readonly author: string;
  readonly files: ReadonlyMap<string, string>;
}

export interface CannedAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/** Who may do what: GitHub's repository roles. */
export type RepoRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

const PERMISSION: Record<RepoRole | 'none', string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

export interface GithubFake {
  /** The API root, for Octokit's `baseUrl` and GITHUB_API_URL. */
  readonly url: string;
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  readonly requests: RecordedRequest[];
  readonly issues: FakeIssue[];
  readonly labels: Map<string, { description: string; color: string }>;
  /** Branch name to the SHA of its head commit; "main" is the default branch. */
  readonly refs: Map<string, string>;
  readonly commits: Map<string, FakeCommit>;
  /** A file's content at the head of a branch, or undefined. */
  fileOn(branch: string, path: string): string | undefined;
  /** Commits a file on a branch directly, as a push would (creates the branch from main if new). */
  commitFile(branch: string, path: string, content: string, message?: string): FakeCommit;
  /** Merges a pull request as the merge button does: the files its branch changed, onto the base. */
  mergePull(number: number): FakeCommit;
  /** Users GitHub knows, with their role in the repository (none: not a collaborator). */
  readonly users: Map<string, RepoRole | 'none'>;
  /** Answers the next request that matches with `answer` instead (once per call). */
  failNext(match: { readonly method?: string; readonly path?: RegExp }, answer: CannedAnswer): void;
  /** GitHub's secondary rate limit, as it documents it: 403 or 429, `retry-after` in seconds. */
  rateLimitNext(
    match: { readonly method?: string; readonly path?: RegExp },
    status: 403 | 429,
    retryAfter: number,
  ): void;
  /** An issue as if someone had opened it in the browser. */
  addIssue(issue: {
    title: string;
    body?: string;
    labels?: string[];
    user?: string;
    state?: 'open' | 'closed';
  }): FakeIssue;
  addComment(issueNumber: number, body: string, user: string): FakeComment;
  /** Forgets every issue, label, recorded request, pending fault, branch and commit. */
  reset(): void;
  /** The fake's "now", for created_at and closed_at. */
  clock: () => Date;
  stop(): Promise<void>;
}

/** An issue as the `issues` and `issue_comment` webhook events carry it. */
export const issuePayload = (issue: FakeIssue) => ({
  number: issue.number,
  state: issue.state,
  title: issue.title,
  body: issue.body,
  user: { login: issue.user },
  labels: issue.labels.map((name) => ({ name })),
});

/** The `issue_comment` event GitHub delivers when `user` comments `body` on `issue` (the comment is added to the fake). */
export function commentEvent(fake: GithubFake, issue: FakeIssue, body: string, user: string) {
  const comment = fake.addComment(issue.number, body, user);
  return {
    action: 'created',
    issue: issuePayload(issue),
    comment: { id: comment.id, body, user: { login: user } },
    repository: { full_name: `${fake.owner}/${fake.repo}` },
    sender: { login: user },
  };
}

const DOCS = 'https://docs.github.com/rest';

/** Git's object ID of a file's content, as the contents API answers it. */
const blobSha = (content: string): string => {
  const bytes = Buffer.from(content);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
};

class Answer extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const notFound = () => new Answer(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
const invalid = (errors: unknown[]) =>
  new Answer(422, { message: 'Validation Failed', errors, documentation_url: DOCS, status: '422' });

export async function startGithubFake(
  options: { readonly owner?: string; readonly repo?: string; readonly token?: string } = {},
): Promise<GithubFake> {
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'asc-keys';
  const token = options.token ?? 'ghs_fake-token-for-tests';
  const requests: RecordedRequest[] = [];
  const issues: FakeIssue[] = [];
  const labels = new Map<string, { description: string; color: string }>();
  const refs = new Map<string, string>();
  const commits = new Map<string, FakeCommit>();
  let commitCount = 0;
  const makeCommit = (
    parent: string | null,
    files: ReadonlyMap<string, string>,
    message: string,
    author: string,
  ): FakeCommit => {
    const sha = createHash('sha1')
      .update(`commit ${++commitCount} ${parent ?? ''} ${message}`)
      .digest('hex');
    const commit = { sha, parent, message, author, files: new Map(files) };
    commits.set(sha, commit);
    return commit;
  };
  const resetGit = () => {
    refs.clear();
    commits.clear();
    refs.set('main', makeCommit(null, new Map(), 'Initial commit', 'octocat').sha);
  };
  resetGit();
  const headOf = (branch: string): FakeCommit | undefined => {
    const sha = refs.get(branch);
    return sha === undefined ? undefined : commits.get(sha);
  };
  const users = new Map<string, RepoRole | 'none'>([['github-actions[bot]', 'write']]);
  const canned: { match: { method?: string; path?: RegExp }; answer: CannedAnswer }[] = [];
  let nextId = 1000;
  let url = '';

  const fake: GithubFake = {
    get url() {
      return url;
    },
    token,
    owner,
    repo,
    requests,
    issues,
    labels,
    refs,
    commits,
    users,
    clock: () => new Date(),
    failNext(match, answer) {
      canned.push({ match, answer });
    },
    rateLimitNext(match, status, retryAfter) {
      canned.push({
        match,
        answer: {
          status,
          headers: { 'retry-after': String(retryAfter), 'x-ratelimit-remaining': '4990' },
          body: {
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
            documentation_url:
              'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
            status: String(status),
          },
        },
      });
    },
    addIssue(issue) {
      const created: FakeIssue = {
        number: issues.length + 1,
        title: issue.title,
        body: issue.body ?? '',
        state: issue.state ?? 'open',
        stateReason: null,
        labels: [...(issue.labels ?? [])],
        user: issue.user ?? 'octocat',
        comments: [],
        createdAt: fake.clock().toISOString(),
        closedAt: issue.state === 'closed' ? fake.clock().toISOString() : null,
      };
      for (const l of created.labels) if (!labels.has(l)) labels.set(l, { description: '', color: 'ededed' });
      issues.push(created);
      return created;
    },
    addComment(issueNumber, body, user) {
      const issue = issues.find((i) => i.number === issueNumber);
      if (!issue) throw new Error(`no issue #${issueNumber}`);
      const comment = { id: nextId++, body, user, createdAt: fake.clock().toISOString() };
      issue.comments.push(comment);
      return comment;
    },
    fileOn(branch, path) {
      return headOf(branch)?.files.get(path);
    },
    commitFile(branch, path, content, message = `Update ${path}`) {
      const head = headOf(branch) ?? headOf('main')!;
      const commit = makeCommit(head.sha, new Map([...head.files, [path, content]]), message, 'octocat');
      refs.set(branch, commit.sha);
      return commit;
    },
    mergePull(number) {
      const pull = issues.find((i) => i.number === number && i.pull);
      if (!pull || pull.state !== 'open') throw new Error(`no open pull request #${number}`);
      const head = headOf(pull.pull!.head)!;
      const base = headOf(pull.pull!.base)!;
      // The files the branch changed since it left the base's history, laid onto the base.
      let fork: FakeCommit | undefined = head;
      const baseHistory = new Set<string>();
      for (let c: FakeCommit | undefined = base; c; c = c.parent ? commits.get(c.parent) : undefined)
        baseHistory.add(c.sha);
      while (fork && !baseHistory.has(fork.sha)) fork = fork.parent ? commits.get(fork.parent) : undefined;
      const files = new Map(base.files);
      for (const [path, content] of head.files)
        if (fork?.files.get(path) !== content) files.set(path, content);
      const merged = makeCommit(base.sha, files, `Merge pull request #${number}`, 'octocat');
      refs.set(pull.pull!.base, merged.sha);
      pull.pull!.merged = true;
      pull.state = 'closed';
      pull.closedAt = fake.clock().toISOString();
      return merged;
    },
    reset() {
      requests.length = 0;
      issues.length = 0;
      canned.length = 0;
      labels.clear();
      resetGit();
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  const issueJson = (i: FakeIssue) => ({
    id: 100_000 + i.number,
    number: i.number,
    url: `${url}/repos/${owner}/${repo}/issues/${i.number}`,
    html_url: `https://github.com/${owner}/${repo}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.stateReason,
    labels: i.labels.map((name) => ({ name, ...labels.get(name) })),
    user: { login: i.user, type: i.user.endsWith('[bot]') ? 'Bot' : 'User' },
    comments: i.comments.length,
    created_at: i.createdAt,
    closed_at: i.closedAt,
    ...(i.pull && {
      pull_request: { url: `${url}/repos/${owner}/${repo}/pulls/${i.number}` },
    }),
  });
  const commentJson = (issue: FakeIssue, c: FakeComment) => ({
    id: c.id,
    body: c.body,
    user: { login: c.user, type: c.user.endsWith('[bot]') ? 'Bot' : 'User' },
    created_at: c.createdAt,
    html_url: `https://github.com/${owner}/${repo}/issues/${issue.number}#issuecomment-${c.id}`,
  });
  const pullJson = (i: FakeIssue) => ({
    number: i.number,
    html_url: `https://github.com/${owner}/${repo}/pull/${i.number}`,
    title: i.title,
    body: i.body,
    state: i.state,
    merged: i.pull!.merged,
    merged_at: i.pull!.merged ? i.closedAt : null,
    head: { ref: i.pull!.head, sha: refs.get(i.pull!.head) ?? null },
    base: { ref: i.pull!.base },
    user: { login: i.user },
  });

  const refJson = (branch: string, sha: string) => ({
    ref: `refs/heads/${branch}`,
    url: `${url}/repos/${owner}/${repo}/git/refs/heads/${branch}`,
    object: { sha, type: 'commit', url: `${url}/repos/${owner}/${repo}/git/commits/${sha}` },
  });
  const contentJson = (path: string, content: string) => ({
    type: 'file',
    encoding: 'base64',
    size: Buffer.byteLength(content),
    name: path.split('/').at(-1),
    path,
    sha: blobSha(content),
    content: Buffer.from(content).toString('base64'),
  });

  /** One page of `items` with GitHub's Link header (first, prev, next, last). */
  function page<T>(items: T[], query: Record<string, string>, path: string): Answer {
    const perPage = Math.min(Math.max(Number(query.per_page ?? 30) || 30, 1), 100);
    const current = Math.max(Number(query.page ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const link = (p: number, rel: string) => {
      const q = new URLSearchParams({ ...query, per_page: String(perPage), page: String(p) });
      return `<${url}${path}?${q.toString()}>; rel="${rel}"`;
    };
    const links = [
      ...(current > 1 ? [link(current - 1, 'prev'), link(1, 'first')] : []),
      ...(current < last ? [link(current + 1, 'next'), link(last, 'last')] : []),
    ];
    return new Answer(
      200,
      items.slice((current - 1) * perPage, current * perPage),
      links.length ? { link: links.join(', ') } : {},
    );
  }

  function issueOf(number: string, allowPull = true): FakeIssue {
    const issue = issues.find((i) => i.number === Number(number));
    if (!issue || (!allowPull && issue.pull)) throw notFound();
    return issue;
  }

  function requireFields(body: Record<string, unknown>, resource: string, fields: string[]): void {
    const missing = fields.filter((f) => typeof body[f] !== 'string' || body[f] === '');
    if (missing.length) throw invalid(missing.map((field) => ({ resource, field, code: 'missing_field' })));
  }

  function route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: Record<string, unknown>,
    login: string,
  ): Answer {
    const repoPath = `/repos/${owner}/${repo}`;
    if (path === '/user' && method === 'GET') return new Answer(200, { login });
    if (!path.startsWith(`${repoPath}/`) && path !== repoPath) throw notFound();
    const rest = path.slice(repoPath.length);
    let m: RegExpExecArray | null;
    if (rest === '' && method === 'GET')
      return new Answer(200, { full_name: `${owner}/${repo}`, default_branch: 'main', private: true });
    if (rest === '/issues' && method === 'GET') {
      const state = query.state ?? 'open';
      const wanted = (query.labels ?? '').split(',').filter(Boolean);
      const found = issues
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => wanted.every((l) => i.labels.includes(l)))
        .filter((i) => !query.creator || i.user === query.creator)
        .sort((a, b) => (query.direction === 'asc' ? a.number - b.number : b.number - a.number));
      return page(found.map(issueJson), query, path);
    }
    if (rest === '/issues' && method === 'POST') {
      requireFields(body, 'Issue', ['title']);
      const created = fake.addIssue({
        title: String(body.title),
        body: typeof body.body === 'string' ? body.body : '',
        labels: Array.isArray(body.labels) ? body.labels.map(String) : [],
        user: login,
      });
      return new Answer(201, issueJson(created), { location: `${url}${repoPath}/issues/${created.number}` });
    }
    if ((m = /^\/issues\/(\d+)$/.exec(rest))) {
      const issue = issueOf(m[1]!);
      if (method === 'GET') return new Answer(200, issueJson(issue));
      if (method === 'PATCH') {
        if (typeof body.title === 'string') issue.title = body.title;
        if (typeof body.body === 'string') issue.body = body.body;
        if (Array.isArray(body.labels)) issue.labels = body.labels.map(String);
        if (body.state === 'closed' || body.state === 'open') {
          if (body.state === 'closed' && issue.state === 'open') issue.closedAt = fake.clock().toISOString();
          if (body.state === 'open') issue.closedAt = null;
          issue.state = body.state;
          issue.stateReason =
            body.state === 'closed'
              ? body.state_reason === 'not_planned'
                ? 'not_planned'
                : 'completed'
              : issue.stateReason === null
                ? null
                : 'reopened';
        }
        return new Answer(200, issueJson(issue));
      }
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = issueOf(m[1]!);
      if (method === 'GET')
        return page(
          issue.comments.map((c) => commentJson(issue, c)),
          query,
          path,
        );
      if (method === 'POST') {
        requireFields(body, 'IssueComment', ['body']);
        return new Answer(201, commentJson(issue, fake.addComment(issue.number, String(body.body), login)));
      }
    }
    if ((m = /^\/labels\/([^/]+)$/.exec(rest)) && method === 'GET') {
      const name = decodeURIComponent(m[1]!);
      const label = labels.get(name);
      if (!label) throw notFound();
      return new Answer(200, { name, ...label });
    }
    if (rest === '/labels' && method === 'POST') {
      requireFields(body, 'Label', ['name']);
      const name = String(body.name);
      if (labels.has(name)) throw invalid([{ resource: 'Label', code: 'already_exists', field: 'name' }]);
      const label = {
        description: typeof body.description === 'string' ? body.description : '',
        color: typeof body.color === 'string' ? body.color : 'ededed',
      };
      labels.set(name, label);
      return new Answer(201, { name, ...label });
    }
    if ((m = /^\/collaborators\/([^/]+)\/permission$/.exec(rest)) && method === 'GET') {
      const user = decodeURIComponent(m[1]!);
      const role = users.get(user);
      if (role === undefined)
        throw new Answer(404, { message: `${user} is not a user`, documentation_url: DOCS, status: '404' });
      const rank = ['none', 'read', 'triage', 'write', 'maintain', 'admin'].indexOf(role);
      return new Answer(200, {
        permission: PERMISSION[role],
        role_name: role,
        user: {
          login: user,
          permissions: {
            pull: rank >= 1,
            triage: rank >= 2,
            push: rank >= 3,
            maintain: rank >= 4,
            admin: rank >= 5,
          },
        },
      });
    }
    // Octokit sends the ref's slashes encoded (heads%2Fmain); GitHub takes both.
    if ((m = /^\/git\/ref\/heads\/(.+)$/.exec(decodeURIComponent(rest))) && method === 'GET') {
      const branch = m[1]!;
      const sha = refs.get(branch);
      if (!sha) throw notFound();
      return new Answer(200, refJson(branch, sha));
    }
    if (rest === '/git/refs' && method === 'POST') {
      requireFields(body, 'Reference', ['ref', 'sha']);
      const branch = /^refs\/heads\/(.+)$/.exec(String(body.ref))?.[1];
      if (!branch)
        throw new Answer(422, {
          message: 'Reference name must start with refs/ and have at least two slashes.',
          documentation_url: DOCS,
          status: '422',
        });
      if (!commits.has(String(body.sha)))
        throw new Answer(422, { message: 'Object does not exist', documentation_url: DOCS, status: '422' });
      if (refs.has(branch))
        throw new Answer(422, {
          message: 'Reference already exists',
          documentation_url: DOCS,
          status: '422',
        });
      refs.set(branch, String(body.sha));
      return new Answer(201, refJson(branch, String(body.sha)));
    }
    if ((m = /^\/contents\/(.+)$/.exec(rest))) {
      const path = decodeURIComponent(m[1]!);
      if (method === 'GET') {
        const branch = query.ref ?? 'main';
        const head = headOf(branch);
        const content = head?.files.get(path);
        if (content === undefined) throw notFound();
        return new Answer(200, contentJson(path, content));
      }
      if (method === 'PUT') {
        requireFields(body, 'Content', ['message', 'content']);
        const branch = typeof body.branch === 'string' ? body.branch : 'main';
        const head = headOf(branch);
        if (!head)
          throw new Answer(404, {
            message: `Branch ${branch} not found`,
            documentation_url: DOCS,
            status: '404',
          });
        const before = head.files.get(path);
        if (before !== undefined && body.sha === undefined)
          throw invalid([{ resource: 'Content', field: 'sha', code: 'missing_field' }]);
        if (before !== undefined && body.sha !== blobSha(before))
          throw new Answer(409, {
            message: `${path} does not match ${String(body.sha)}`,
            documentation_url: DOCS,
            status: '409',
          });
        const content = Buffer.from(String(body.content), 'base64').toString('utf8');
        const commit = makeCommit(
          head.sha,
          new Map([...head.files, [path, content]]),
          String(body.message),
          login,
        );
        refs.set(branch, commit.sha);
        return new Answer(before === undefined ? 201 : 200, {
          content: contentJson(path, content),
          commit: { sha: commit.sha, message: commit.message, parents: [{ sha: head.sha }] },
        });
      }
    }
    if (rest === '/pulls' && method === 'POST') {
      requireFields(body, 'PullRequest', ['title', 'head', 'base']);
      const head = String(body.head).replace(new RegExp(`^${owner}:`), '');
      if (!refs.has(head) || !refs.has(String(body.base)))
        throw invalid([
          { resource: 'PullRequest', field: refs.has(head) ? 'base' : 'head', code: 'invalid' },
        ]);
      if (issues.some((i) => i.pull?.head === head && i.state === 'open'))
        throw invalid([
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${owner}:${head}.`,
          },
        ]);
      const created: FakeIssue = {
        number: issues.length + 1,
        title: String(body.title),
        body: typeof body.body === 'string' ? body.body : '',
        state: 'open',
        stateReason: null,
        labels: [],
        user: login,
        comments: [],
        createdAt: fake.clock().toISOString(),
        closedAt: null,
        pull: { head, base: String(body.base), merged: false },
      };
      issues.push(created);
      return new Answer(201, pullJson(created));
    }
    if (rest === '/pulls' && method === 'GET') {
      const state = query.state ?? 'open';
      const head = query.head?.replace(new RegExp(`^${owner}:`), '');
      const found = issues
        .filter((i) => i.pull && (state === 'all' || i.state === state))
        .filter((i) => !head || i.pull!.head === head);
      return page(found.map(pullJson), query, path);
    }
    throw notFound();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const parsed = new URL(req.url ?? '/', url);
    const query = Object.fromEntries(parsed.searchParams);
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const method = req.method ?? 'GET';
    requests.push({ method, path: parsed.pathname, query, headers: req.headers, body });
    const reset = Math.floor(fake.clock().getTime() / 1000) + 3600;
    const send = (a: { status: number; body?: unknown; headers?: Record<string, string> }) => {
      res.writeHead(a.status, {
        'content-type': 'application/json; charset=utf-8',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-reset': String(reset),
        'x-ratelimit-used': '1',
        'x-ratelimit-resource': 'core',
        'x-github-api-version-selected': '2022-11-28',
        ...a.headers,
      });
      res.end(a.body === undefined ? '' : JSON.stringify(a.body));
    };
    const i = canned.findIndex(
      (c) =>
        (!c.match.method || c.match.method === method) &&
        (!c.match.path || c.match.path.test(parsed.pathname)),
    );
    if (i >= 0) {
      send(canned.splice(i, 1)[0]!.answer);
      return;
    }
    const auth = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (auth !== token) {
      send({ status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } });
      return;
    }
    try {
      const login = 'github-actions[bot]';
      send(route(method, parsed.pathname, query, (body ?? {}) as Record<string, unknown>, login));
    } catch (err) {
      if (err instanceof Answer) send(err);
      else send({ status: 500, body: { message: String(err) } });
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
