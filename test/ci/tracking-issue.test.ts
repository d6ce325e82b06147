import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { DriftFinding } from '../../lib/checks/check-drift.js';
import type { KeyCheckResult } from '../../lib/checks/check-keys.js';
import { readNightlyReports } from '../../lib/ci/nightly-reports.js';
import {
  fromWorkflow,
  octokitIssues,
  runTrackingIssue,
  type IssueTracker,
  type OctokitLike,
} from '../../lib/ci/tracking-issue-action.js';
import {
  decideTrackingIssue,
  issueBody,
  TRACKING_MARKER,
  TRACKING_TITLE,
} from '../../lib/ci/tracking-issue.js';
import { driftReport } from '../../lib/reports/drift-report.js';
import { keysReport } from '../../lib/reports/keys-report.js';
import { record } from '../support/records.js';

const NIGHT = { date: '2026-11-28', runUrl: 'https://github.com/acme/asc-keys/actions/runs/7' };
// A message carries text the issue must never repeat (here: what a careless report might say).
const SECRET_TEXT = 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg';

function key(
  customer: string,
  status: KeyCheckResult['status'],
  code: KeyCheckResult['code'],
): KeyCheckResult {
  return {
    customer,
    file: `customers/${customer}.yaml`,
    keyId: '2X9R4HXF34',
    status,
    code,
    message: `${code}: ${SECRET_TEXT}`,
    rotationDue: '2027-06-01',
    rotationOverdue: false,
    ageDays: 300,
    position: { line: 5, column: 1 },
  };
}

function drift(customer: string | null, kind: DriftFinding['kind'], field: string | null): DriftFinding {
  return {
    customer,
    resource: `aws_secretsmanager_secret.${customer ?? 'x'}`,
    kind,
    field,
    expected: SECRET_TEXT,
    actual: SECRET_TEXT,
    message: SECRET_TEXT,
  };
}

/** A reports directory as the nightly shards leave it, written by the real report builders. */
function reports(
  shards: { keys?: KeyCheckResult[] | 'absent'; drift?: DriftFinding[] | 'absent' | 'garbage' }[],
) {
  const dir = mkdtempSync(join(tmpdir(), 'asc-keys-nightly-'));
  shards.forEach((s, i) => {
    if (s.keys !== 'absent')
      writeFileSync(join(dir, `keys-${i + 1}.json`), JSON.stringify(keysReport(s.keys ?? []).json));
    if (s.drift === 'garbage') writeFileSync(join(dir, `drift-${i + 1}.json`), '{"summ');
    else if (s.drift !== 'absent') {
      const selected = (s.keys === 'absent' ? [] : (s.keys ?? [])).map((k) =>
        record({ customer: k.customer }),
      );
      writeFileSync(
        join(dir, `drift-${i + 1}.json`),
        JSON.stringify(driftReport(selected, s.drift ?? []).json),
      );
    }
  });
  return dir;
}

/** An in-memory issue list, the way GitHub keeps it. */
class MemoryTracker implements IssueTracker {
  issues: {
    number: number;
    title: string;
    body: string;
    labels: string[];
    state: string;
    comments: string[];
  }[] = [];
  async listOpen(label: string) {
    return this.issues
      .filter((i) => i.state === 'open' && i.labels.includes(label))
      .map((i) => ({ number: i.number, body: i.body }));
  }
  async create(issue: { title: string; body: string; labels: string[] }) {
    const number = this.issues.length + 1;
    this.issues.push({ ...issue, number, state: 'open', comments: [] });
    return number;
  }
  async update(number: number, issue: { title: string; body: string }) {
    Object.assign(this.issues[number - 1]!, issue);
  }
  async close(number: number, comment: string) {
    this.issues[number - 1]!.comments.push(comment);
    this.issues[number - 1]!.state = 'closed';
  }
}

const run = (tracker: IssueTracker, dir: string, shards: number) =>
  runTrackingIssue(tracker, { reportsDir: dir, shards, ...NIGHT });

describe('the nightly tracking issue', () => {
  test('reads customers and codes from every shard, and nothing else', () => {
    const dir = reports([
      { keys: [key('acme-corp', 'invalid', 'KEY_REJECTED'), key('globex', 'valid', 'OK')] },
      {
        keys: [key('initech', 'inconclusive', 'APPLE_UNAVAILABLE')],
        drift: [drift('initech', 'changed', 'tags.owner'), drift(null, 'unmanaged', null)],
      },
    ]);
    expect(readNightlyReports(dir, 2)).toEqual({
      keys: [
        { customer: 'acme-corp', status: 'invalid', code: 'KEY_REJECTED' },
        { customer: 'initech', status: 'inconclusive', code: 'APPLE_UNAVAILABLE' },
      ],
      drift: [
        {
          customer: 'initech',
          kind: 'changed',
          resource: 'aws_secretsmanager_secret.initech',
          field: 'tags.owner',
        },
        { customer: null, kind: 'unmanaged', resource: 'aws_secretsmanager_secret.x', field: null },
      ],
      missing: [],
      checked: 3,
    });
  });

  test('an invalid key opens the issue, labelled asc-keys, listing customers and codes', async () => {
    const tracker = new MemoryTracker();
    const dir = reports([
      { keys: [key('acme-corp', 'invalid', 'KEY_REJECTED'), key('globex', 'valid', 'OK')] },
      {
        keys: [key('initech', 'inconclusive', 'APPLE_UNAVAILABLE')],
        drift: [drift('initech', 'missing', null)],
      },
    ]);
    expect((await run(tracker, dir, 2)).action).toBe('open');
    expect(tracker.issues).toHaveLength(1);
    const issue = tracker.issues[0]!;
    expect(issue).toMatchObject({ title: TRACKING_TITLE, labels: ['asc-keys'], state: 'open' });
    expect(issue.body).toBe(
      [
        TRACKING_MARKER,
        `The nightly check of 2026-11-28 ([run](${NIGHT.runUrl})) found 1 invalid keys and 1 drift findings.`,
        'This issue is updated every night while anything is wrong and closes itself after a clean night.',
        'What to do: see "The nightly alarm" in the README; the run\'s JUnit artifacts and step summary have the details.',
        'Keys change in one order: import, then merge, then deploy. A key or value mismatch right after a merge means its deploy has not run yet; a pending import is merged or discarded (asc-keys import --discard). Never delete a secret or store an older key as a first step: docs/rotation.md.',
        '',
        '## Invalid keys',
        '',
        '| customer | code |',
        '| --- | --- |',
        '| `acme-corp` | `KEY_REJECTED` |',
        '',
        '## Drift',
        '',
        '| customer | kind | resource | field |',
        '| --- | --- | --- | --- |',
        '| `initech` | `missing` | `aws_secretsmanager_secret.initech` |  |',
        '',
        '## Inconclusive after a retry',
        '',
        '| customer | code |',
        '| --- | --- |',
        '| `initech` | `APPLE_UNAVAILABLE` |',
        '',
        '## What to do',
        '',
        '1. A secret (or its current value) is missing: import the key that the record names (`asc-keys import --customer <slug> …`, on a branch), then merge, then deploy. Never apply the customer stack first: it adopts the secret and fails without it.',
        '2. Apple refuses a key: ask the customer for a new one (`asc-keys request`), then import, then merge, then deploy.',
        '',
      ].join('\n'),
    );
    expect(issue.body).not.toContain(SECRET_TEXT.slice(0, 24));
  });

  test('drift alone opens it too; the next bad night updates the same issue', async () => {
    const tracker = new MemoryTracker();
    await run(
      tracker,
      reports([{ keys: [key('globex', 'valid', 'OK')], drift: [drift('globex', 'value', 'fingerprint')] }]),
      1,
    );
    const second = await run(
      tracker,
      reports([
        { keys: [key('globex', 'invalid', 'SECRET_NOT_FOUND')], drift: [drift('globex', 'missing', null)] },
      ]),
      1,
    );
    expect(second).toMatchObject({ action: 'update', number: 1 });
    expect(tracker.issues).toHaveLength(1);
    expect(tracker.issues[0]!.body).toContain('| `globex` | `SECRET_NOT_FOUND` |');
    expect(tracker.issues[0]!.body).not.toContain('fingerprint');
  });

  test('a clean night closes the open issue with a comment; the next clean night does nothing', async () => {
    const tracker = new MemoryTracker();
    await run(tracker, reports([{ keys: [key('globex', 'invalid', 'APP_NOT_FOUND')] }]), 1);
    const clean = reports([
      { keys: [key('globex', 'valid', 'OK')] },
      { keys: [key('acme-corp', 'valid', 'OK')] },
    ]);
    expect(await run(tracker, clean, 2)).toMatchObject({ action: 'close', number: 1 });
    expect(tracker.issues[0]).toMatchObject({
      state: 'closed',
      comments: [`Clean night on 2026-11-28: 2 keys valid, no drift ([run](${NIGHT.runUrl})). Closing.`],
    });
    expect(await run(tracker, clean, 2)).toEqual({
      action: 'none',
      reason: 'clean night: 2 keys valid, no drift',
    });
    expect(tracker.issues).toHaveLength(1);
  });

  test('inconclusive keys or a missing report prove nothing: the open issue stays open', async () => {
    const tracker = new MemoryTracker();
    await run(tracker, reports([{ keys: [key('globex', 'invalid', 'KEY_REJECTED')] }]), 1);
    expect(
      await run(tracker, reports([{ keys: [key('globex', 'inconclusive', 'AWS_UNAVAILABLE')] }]), 1),
    ).toEqual({
      action: 'none',
      reason: 'not a clean night: 1 keys inconclusive after a retry',
    });
    expect(
      await run(
        tracker,
        reports([{ keys: [key('globex', 'valid', 'OK')] }, { keys: 'absent', drift: 'garbage' }]),
        2,
      ),
    ).toEqual({ action: 'none', reason: 'not a clean night: no report from keys 2/2, drift 2/2' });
    expect(tracker.issues[0]!.state).toBe('open');
  });

  test('only our own issue counts: another issue with the label is left alone', () => {
    const r = readNightlyReports(reports([{ keys: [key('globex', 'valid', 'OK')] }]), 1);
    expect(decideTrackingIssue(r, [{ number: 3, body: "someone else's" }], NIGHT)).toMatchObject({
      action: 'none',
    });
    const bad = readNightlyReports(reports([{ keys: [key('globex', 'invalid', 'KEY_REJECTED')] }]), 1);
    expect(
      decideTrackingIssue(
        bad,
        [
          { number: 3, body: 'x' },
          { number: 9, body: TRACKING_MARKER },
          { number: 5, body: TRACKING_MARKER },
        ],
        NIGHT,
      ),
    ).toMatchObject({ action: 'update', number: 5 });
  });

  test('a customer named by an AWS tag cannot break out of its table cell; long lists are cut', () => {
    const hostile = drift('x` | <img src=x>\n# hi', 'unmanaged', null);
    const many = Array.from({ length: 400 }, (_, i) => key(`c-${i}`, 'invalid', 'KEY_REJECTED'));
    const r = readNightlyReports(reports([{ keys: many, drift: [hostile] }]), 1);
    const d = decideTrackingIssue(r, [], NIGHT);
    if (d.action !== 'open') throw new Error(d.action);
    expect(d.body).toContain('| `x?????img?src=x????hi` | `unmanaged` |');
    expect(d.body).toContain('…and 100 more.');
    expect(d.body.length).toBeLessThan(65_536);
  });

  test('in a workflow: Octokit calls for list, create, update and close, and the step summary', async () => {
    const calls: [string, Record<string, unknown>][] = [];
    let listed: unknown[] = [];
    const github: OctokitLike = {
      paginate: async (_route, params) => (calls.push(['list', params]), listed),
      rest: {
        issues: {
          listForRepo: 'listForRepo',
          create: async (p) => (calls.push(['create', p]), { data: { number: 12 } }),
          update: async (p) => (calls.push(['update', p]), {}),
          createComment: async (p) => (calls.push(['comment', p]), {}),
        },
      },
    };
    const context = { repo: { owner: 'acme', repo: 'asc-keys' }, serverUrl: 'https://github.com', runId: 7 };
    const summary = join(mkdtempSync(join(tmpdir(), 'asc-keys-summary-')), 'summary.md');
    const env = (dir: string) => ({ REPORTS_DIR: dir, SHARDS: '1', GITHUB_STEP_SUMMARY: summary });

    await fromWorkflow(github, context, env(reports([{ keys: [key('globex', 'invalid', 'KEY_REJECTED')] }])));
    expect(calls.map(([c]) => c)).toEqual(['list', 'create']);
    expect(calls[0]![1]).toEqual({
      owner: 'acme',
      repo: 'asc-keys',
      state: 'open',
      labels: 'asc-keys',
      per_page: 100,
    });
    expect(calls[1]![1]).toMatchObject({
      owner: 'acme',
      repo: 'asc-keys',
      title: TRACKING_TITLE,
      labels: ['asc-keys'],
    });
    expect(calls[1]![1].body).toContain('/acme/asc-keys/actions/runs/7');

    // A pull request with the label is not our issue.
    listed = [
      { number: 4, body: TRACKING_MARKER, pull_request: {} },
      { number: 12, body: TRACKING_MARKER },
    ];
    calls.length = 0;
    await fromWorkflow(github, context, env(reports([{ keys: [key('globex', 'valid', 'OK')] }])));
    expect(calls.map(([c, p]) => [c, p.issue_number ?? null, p.state ?? null])).toEqual([
      ['list', null, 'open'],
      ['comment', 12, null],
      ['update', 12, 'closed'],
    ]);
    expect(readFileSync(summary, 'utf8')).toBe(
      '## Tracking issue\n\nOpened tracking issue #12.\n## Tracking issue\n\nClosed tracking issue #12: a clean night.\n',
    );
    await expect(fromWorkflow(github, context, { SHARDS: 'four' })).rejects.toThrow(
      'SHARDS must be the nightly matrix\'s shard count, not "four"',
    );
    expect(octokitIssues).toBeTypeOf('function');
  });
});

describe('the runbook of the tracking issue', () => {
  const steps = (body: string): string[] =>
    body
      .slice(body.indexOf('## What to do'))
      .split('\n')
      .filter((l) => /^\d+\. /.test(l));

  test('one step for each kind of problem the night found, each in the order import, then merge, then deploy', () => {
    const body = issueBody(
      {
        keys: [{ customer: 'a', status: 'invalid', code: 'KEY_ID_MISMATCH' }],
        drift: [
          drift('b', 'pending', 'AWSPENDING'),
          drift('c', 'changed', 'deletion'),
          drift(null, 'unmanaged', null),
          { ...drift('d', 'changed', 'tags.owner'), resource: 'aws_scheduler_schedule.d' },
        ],
        missing: [],
        checked: 1,
      },
      NIGHT,
    );
    const found = steps(body);
    expect(found.map((l) => l.split(':')[0])).toEqual([
      '1. A stored key differs from its record',
      '2. A secret is scheduled for deletion',
      '3. An import was never merged',
      '4. Something differs from the records',
      '5. A secret no record names (an import awaiting merge is never one)',
    ]);
    expect(found[1]).toMatch(/restore it .* then deploy; once that day has passed, import a new key/);
    expect(found[2]).toContain('asc-keys import --discard --customer <slug>');
    // The issue lists codes, never a report's message.
    expect(body).not.toContain(SECRET_TEXT.slice(0, 24));
  });

  test('no step when nothing but inconclusive keys was found', () => {
    const body = issueBody(
      {
        keys: [{ customer: 'a', status: 'inconclusive', code: 'APPLE_UNAVAILABLE' }],
        drift: [],
        missing: [],
        checked: 0,
      },
      NIGHT,
    );
    expect(body).not.toContain('## What to do');
  });
});
