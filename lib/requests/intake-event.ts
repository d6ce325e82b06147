import { z } from 'zod';
import { UsageError } from '../errors.js';
import { REQUEST_LABEL } from './request-issue.js';

/**
 * The parts of a GitHub `issues` or `issue_comment` webhook payload that intake reads. GitHub
 * writes the payload; the people who wrote the issue and the comment wrote the text in it, so
 * the text is only ever searched for sealed blocks, never printed or run.
 */
const user = z.object({ login: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}(\[bot\])?$/) });
const issue = z.object({
  number: z.number().int().positive(),
  state: z.string(),
  body: z.string().nullish(),
  user,
  labels: z.array(z.object({ name: z.string() })).default([]),
  pull_request: z.unknown().optional(),
});
const payload = z.object({
  action: z.string(),
  issue,
  comment: z.object({ id: z.number().int(), body: z.string().nullish(), user }).optional(),
  changes: z.object({ body: z.unknown().optional() }).optional(),
  sender: user,
});

/** Where intake's event comes from, for every error about it. */
export const EVENT_NEXT_STEP =
  'intake reads the event file of an "issues" or "issue_comment" workflow run: give --event "$GITHUB_EVENT_PATH"';

/** One event, reduced to what intake needs. */
export interface IntakeEvent {
  /** `issues` (the issue's body) or `issue_comment` (a comment on it). */
  readonly kind: 'issues' | 'issue_comment';
  readonly action: string;
  readonly issueNumber: number;
  readonly issueOpen: boolean;
  readonly labels: readonly string[];
  readonly isPullRequest: boolean;
  /** The issue's body: where the request's own data lives (written by asc-keys request). */
  readonly issueBody: string;
  /** The text that may hold a sealed block: the comment, or the issue's body. */
  readonly text: string;
  /** Who wrote that text: the commenter, or whoever opened or edited the issue. */
  readonly author: string;
  /** Where the text is, in words: "comment 1234" or "the issue's description". */
  readonly where: string;
  /** An edit that left the body as it was (a title or label change) brings no new block. */
  readonly bodyChanged: boolean;
}

/**
 * The event as GitHub delivered it to the workflow ($GITHUB_EVENT_PATH). Which event it is
 * follows from its shape: only `issue_comment` payloads carry a comment. Anything else is a
 * usage error (exit 2) that says what the file is not.
 */
export function parseIntakeEvent(json: unknown): IntakeEvent {
  const parsed = payload.safeParse(json);
  if (!parsed.success)
    throw new UsageError(
      'USAGE',
      `the event is not an "issues" or "issue_comment" event of GitHub (${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || 'the payload'}: ${i.message}`)
        .join('; ')})`,
      { next: EVENT_NEXT_STEP },
    );
  const e = parsed.data;
  const common = {
    action: e.action,
    issueNumber: e.issue.number,
    issueOpen: e.issue.state === 'open',
    labels: e.issue.labels.map((l) => l.name),
    isPullRequest: e.issue.pull_request !== undefined && e.issue.pull_request !== null,
    issueBody: e.issue.body ?? '',
  };
  if (e.comment)
    return {
      ...common,
      kind: 'issue_comment',
      text: e.comment.body ?? '',
      author: e.comment.user.login,
      where: `comment ${e.comment.id}`,
      bodyChanged: true,
    };
  return {
    ...common,
    kind: 'issues',
    text: e.issue.body ?? '',
    // An edit is the editor's text: the sender, not the one who opened the issue.
    author: e.sender.login,
    where: "the issue's description",
    bodyChanged: e.action !== 'edited' || e.changes?.body !== undefined,
  };
}

/** Why an event is none of intake's business, or undefined when it is. */
export function notForIntake(event: IntakeEvent): string | undefined {
  if (event.isPullRequest) return `#${event.issueNumber} is a pull request, not a key request`;
  if (!event.labels.includes(REQUEST_LABEL)) return `#${event.issueNumber} is not labelled ${REQUEST_LABEL}`;
  if (!event.issueOpen) return `the key request #${event.issueNumber} is closed`;
  const wanted = event.kind === 'issues' ? ['opened', 'edited'] : ['created'];
  if (!wanted.includes(event.action))
    return `${event.kind} events with action "${event.action}" bring no new text`;
  if (!event.bodyChanged) return `the edit of #${event.issueNumber} left its description as it was`;
  return undefined;
}
