import { appendFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { readNightlyReports } from './nightly-reports.js';
import {
  decideTrackingIssue,
  TRACKING_LABEL,
  type OpenIssue,
  type TrackingDecision,
} from './tracking-issue.js';

/** The issue operations the nightly run needs; `octokitIssues` provides them in a workflow. */
export interface IssueTracker {
  listOpen(label: string): Promise<OpenIssue[]>;
  create(issue: { title: string; body: string; labels: string[] }): Promise<number>;
  update(number: number, issue: { title: string; body: string }): Promise<void>;
  close(number: number, comment: string): Promise<void>;
}

/** The part of actions/github-script's `github` (an Octokit) that `octokitIssues` calls. */
export interface OctokitLike {
  paginate(route: unknown, params: Record<string, unknown>): Promise<unknown[]>;
  rest: {
    issues: {
      listForRepo: unknown;
      create(params: Record<string, unknown>): Promise<{ data: { number: number } }>;
      update(params: Record<string, unknown>): Promise<unknown>;
      createComment(params: Record<string, unknown>): Promise<unknown>;
    };
  };
}

export function octokitIssues(github: OctokitLike, repo: { owner: string; repo: string }): IssueTracker {
  const issues = github.rest.issues;
  return {
    async listOpen(label) {
      const found = (await github.paginate(issues.listForRepo, {
        ...repo,
        state: 'open',
        labels: label,
        per_page: 100,
      })) as { number: number; body?: string | null; pull_request?: unknown }[];
      // The issues API lists pull requests too.
      return found.filter((i) => !i.pull_request).map((i) => ({ number: i.number, body: i.body ?? '' }));
    },
    async create(issue) {
      return (await issues.create({ ...repo, ...issue })).data.number;
    },
    async update(number, issue) {
      await issues.update({ ...repo, issue_number: number, ...issue });
    },
    async close(number, comment) {
      await issues.createComment({ ...repo, issue_number: number, body: comment });
      await issues.update({ ...repo, issue_number: number, state: 'closed', state_reason: 'completed' });
    },
  };
}

export interface TrackingRun {
  readonly reportsDir: string;
  readonly shards: number;
  readonly date: string;
  readonly runUrl: string;
  /** Where the decision is written for the run's step summary. @default none */
  readonly summaryFile?: string;
}

/** Reads the night's reports, decides, and carries the decision out. */
export async function runTrackingIssue(tracker: IssueTracker, run: TrackingRun): Promise<TrackingDecision> {
  const reports = readNightlyReports(run.reportsDir, run.shards);
  const open = await tracker.listOpen(TRACKING_LABEL);
  const decision = decideTrackingIssue(reports, open, { date: run.date, runUrl: run.runUrl });
  let line: string;
  switch (decision.action) {
    case 'open': {
      const number = await tracker.create({
        title: decision.title,
        body: decision.body,
        labels: [TRACKING_LABEL],
      });
      line = `Opened tracking issue #${number}.`;
      break;
    }
    case 'update':
      await tracker.update(decision.number, { title: decision.title, body: decision.body });
      line = `Updated tracking issue #${decision.number}.`;
      break;
    case 'close':
      await tracker.close(decision.number, decision.comment);
      line = `Closed tracking issue #${decision.number}: a clean night.`;
      break;
    case 'none':
      line = `Tracking issue unchanged (${decision.reason}).`;
  }
  if (run.summaryFile) appendFileSync(run.summaryFile, `## Tracking issue\n\n${line}\n`);
  return decision;
}

/**
 * The workflow's entry, from actions/github-script:
 * `(await import(`${process.env.GITHUB_WORKSPACE}/dist/lib/ci/tracking-issue-action.js`)).fromWorkflow(github, context)`
 * with REPORTS_DIR and SHARDS in the step's environment.
 */
export async function fromWorkflow(
  github: OctokitLike,
  context: { repo: { owner: string; repo: string }; serverUrl: string; runId: number },
  env: NodeJS.ProcessEnv = process.env,
): Promise<TrackingDecision> {
  const shards = Number(env.SHARDS);
  if (!Number.isInteger(shards) || shards < 1)
    throw new UsageError(
      'CI_CONFIG_INVALID',
      `SHARDS must be the nightly matrix's shard count, not "${env.SHARDS ?? ''}"`,
      {
        next: 'set SHARDS in the step to the number of shards of the check job',
      },
    );
  const { owner, repo } = context.repo;
  return runTrackingIssue(octokitIssues(github, context.repo), {
    reportsDir: env.REPORTS_DIR ?? 'reports',
    shards,
    date: new Date().toISOString().slice(0, 10),
    runUrl: `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}`,
    ...(env.GITHUB_STEP_SUMMARY ? { summaryFile: env.GITHUB_STEP_SUMMARY } : {}),
  });
}
