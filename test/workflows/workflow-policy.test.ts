import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { GITHUB_WORKFLOWS } from '../../lib/model/github-oidc.js';
import { DEFAULT_REQUESTS_ENVIRONMENT, githubConfigSchema } from '../../lib/records/github-config-schema.js';
import { ascKeysInvocations, workflow, workflows, type Job, type Workflow } from './workflows.js';

const defaults = githubConfigSchema.parse({ repository: 'acme/asc-keys', oidcProvider: 'existing' });
const steps = (job: Job) => job.steps;

/** Scripts with an expression (GitHub pastes it into the shell before it runs), env with text people wrote. */
function scriptExpressions(w: Workflow): string[] {
  const found: string[] = [];
  for (const [name, job] of Object.entries(w.jobs))
    for (const s of job.steps) {
      if (/\$\{\{/.test(s.run ?? '')) found.push(`${name} ${s.name ?? ''}: an expression in run`);
      for (const [key, value] of Object.entries(s.env ?? {}))
        if (
          /github\.event\.(issue|comment|pull_request|review)\.(title|body)|github\.head_ref|github\.event\.(commits|head_commit)/.test(
            String(value),
          )
        )
          found.push(`${name} ${s.name ?? ''}: env ${key} carries text people wrote`);
    }
  return found;
}
const allJobs = workflows().flatMap((w) => Object.entries(w.jobs).map(([name, job]) => ({ w, name, job })));
const ISSUE_WRITERS = new Set(['tracking-issue', 'follow-up']);
const usesAws = (job: Job) =>
  job.steps.some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));

describe('the workflows, as the issue asks', () => {
  test('every action is pinned to a full commit SHA, with its version in a comment', () => {
    for (const w of workflows())
      for (const line of w.text.split('\n').filter((l) => /^\s*(- )?uses:/.test(l)))
        expect(line, w.file).toMatch(/uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test('least privilege: nothing at the top, each job names what it needs', () => {
    for (const w of workflows()) expect(w.permissions, w.file).toEqual({});
    for (const { w, name, job } of allJobs) {
      expect(job.permissions, `${w.file} ${name}`).toBeDefined();
      // Only a job that asks AWS for credentials gets an OIDC token.
      expect(job.permissions!['id-token'] === 'write', `${w.file} ${name}`).toBe(usesAws(job));
      if (w.file === 'intake.yml') continue;
      // Only the nightly's tracking and key-request jobs write issues (intake is checked below).
      expect(job.permissions!.issues === 'write', `${w.file} ${name}`).toBe(ISSUE_WRITERS.has(name));
      const writes = Object.entries(job.permissions!).filter(([k, p]) => p === 'write' && k !== 'id-token');
      expect(writes.length, `${w.file} ${name}`).toBeLessThanOrEqual(1);
      expect(job.permissions!.contents).toBe('read');
    }
    // Intake: the answer on the request, the pull request and its branch, the importer role; nothing else.
    expect(workflow('intake.yml').jobs.intake!.permissions).toEqual({
      contents: 'write',
      issues: 'write',
      'pull-requests': 'write',
      'id-token': 'write',
    });
  });

  test('no expression in a script, and no text people wrote (titles, bodies, branch names) in a step env', () => {
    for (const w of workflows()) expect(scriptExpressions(w), w.file).toEqual([]);
  });

  test('that check finds a comment pasted into a script or handed over in env', () => {
    const intake = workflow('intake.yml');
    const pasted = intake.text.replace(
      'run: npx asc-keys intake --event "$GITHUB_EVENT_PATH"',
      'run: echo "${{ github.event.comment.body }}" > block.txt',
    );
    const handed = intake.text.replace(
      'GITHUB_TOKEN: ${{ github.token }}',
      'GITHUB_TOKEN: ${{ github.token }}\n          BODY: ${{ github.event.issue.body }}',
    );
    for (const text of [pasted, handed]) {
      expect(text).not.toBe(intake.text);
      expect(
        scriptExpressions({ file: 'intake.yml', text, ...(parse(text) as Omit<Workflow, 'file' | 'text'>) }),
      ).toHaveLength(1);
    }
  });

  test('intake: request issues and their comments, on the default branch, one run per request at a time, as the importer', () => {
    const w = workflow('intake.yml');
    expect(w.on).toEqual({ issues: { types: ['opened', 'edited'] }, issue_comment: { types: ['created'] } });
    expect(w.file).toBe(GITHUB_WORKFLOWS.importer);
    expect(w.text).toMatch(
      /concurrency:\n {2}group: intake-\$\{\{ github\.event\.issue\.number \}\}\n {2}cancel-in-progress: false/,
    );
    const job = w.jobs.intake!;
    expect(job.if).toContain(`github.ref == 'refs/heads/${defaults.defaultBranch}'`);
    expect(job.if).toContain("contains(github.event.issue.labels.*.name, 'asc-keys:request')");
    expect(job.if).toContain('!github.event.issue.pull_request');
    expect(job.environment).toBeUndefined();
    const aws = job.steps.find((s) => s.uses?.startsWith('aws-actions/'))!;
    expect(aws.with?.['role-to-assume']).toBe('${{ vars.ASC_KEYS_IMPORTER_ROLE_ARN }}');
    const run = job.steps.filter((s) => s.run).at(-1)!;
    expect(ascKeysInvocations(run.run!)).toEqual([['intake', '--event', '$GITHUB_EVENT_PATH']]);
    expect(run.env).toEqual({ GITHUB_TOKEN: '${{ github.token }}' });
  });

  test('Node 24, and checkouts that keep no credentials', () => {
    for (const { w, name, job } of allJobs)
      for (const s of steps(job)) {
        if (s.uses?.startsWith('actions/setup-node@'))
          expect(s.with?.['node-version'], `${w.file} ${name}`).toBe(24);
        if (s.uses?.startsWith('actions/checkout@'))
          expect(s.with?.['persist-credentials'], `${w.file} ${name}`).toBe(false);
      }
  });

  test('pull requests: planner role only, no key read, no AWS step unless a stack is affected', () => {
    const pr = workflow('pull-request.yml');
    expect(pr.on).toEqual({ pull_request: { branches: [defaults.defaultBranch] } });
    expect(pr.text).not.toMatch(/VALIDATOR|DEPLOYER/);
    const commands = Object.values(pr.jobs).flatMap((j) =>
      j.steps.flatMap((s) => (s.run ? ascKeysInvocations(s.run) : [])),
    );
    expect(commands.some((args) => args[0] === 'check' || args[0] === 'import')).toBe(false);
    expect(usesAws(pr.jobs.check!)).toBe(false);
    expect(pr.jobs.plan!.if).toBe("needs.check.outputs.stacks != ''");
    expect(pr.jobs.check!.steps.find((s) => s.id === 'affected')!.run).toContain(
      'npx asc-keys affected --base "origin/${BASE_REF}" --format json',
    );
    const aws = pr.jobs.plan!.steps.find((s) => s.uses?.startsWith('aws-actions/'))!;
    expect(aws.with?.['role-to-assume']).toBe('${{ vars.ASC_KEYS_PLANNER_ROLE_ARN }}');
    const diff = pr.jobs.plan!.steps.find((s) => s.run?.includes('cdktf diff'))!;
    expect(diff.run).toContain('ASC_KEYS_STACKS="$stack" cdktf diff "$stack"');
    // cdktf-cli at the version of cdktf, read from package.json rather than written twice.
    expect(pr.text).toContain(`"cdktf-cli@$(node -p "require('./package.json').dependencies.cdktf")"`);
  });

  test('deploy: the default branch; the platform job first, then one job per shard, all in the environment the deployer role trusts', () => {
    const d = workflow('deploy.yml');
    expect(d.on).toEqual({ push: { branches: [defaults.defaultBranch] } });
    expect(d.text).toMatch(/concurrency:\n {2}group: deploy\n {2}cancel-in-progress: false/);
    expect(Object.keys(d.jobs)).toEqual(['affected', 'platform', 'customers']);
    const { affected, platform, customers } = d.jobs as Record<string, Job>;
    // The affected job asks neither AWS nor the environment; it finds the last successful deploy.
    expect(usesAws(affected!)).toBe(false);
    expect(affected!.environment).toBeUndefined();
    const find = affected!.steps.find((s) => s.id === 'affected')!.run!;
    expect(find).toContain('gh run list --workflow deploy.yml --branch "$BRANCH" --status success');
    expect(find).toContain(
      'node dist/lib/ci/deploy-cli.js matrix --affected affected.json --shards "$SHARDS" >> "$GITHUB_OUTPUT"',
    );
    for (const job of [platform!, customers!]) {
      expect(job.environment).toBe(defaults.deployEnvironment);
      const aws = job.steps.find((s) => s.uses?.startsWith('aws-actions/'))!;
      expect(aws.with?.['role-to-assume']).toBe('${{ vars.ASC_KEYS_DEPLOYER_ROLE_ARN }}');
      // Each job computes the same affected stacks from the base the affected job found.
      expect(job.steps.find((s) => s.run?.includes('affected'))!.run).toContain(
        'npx asc-keys affected --base "$BASE" --format json > affected.json',
      );
    }
    expect(platform!.if).toBe("needs.affected.outputs.platform == 'true'");
    expect(platform!.steps.at(-1)!.run).toBe(
      'node dist/lib/ci/deploy-cli.js apply --affected affected.json --platform',
    );
    // The shards: after the platform (or without it), never after it failed; one failure stops no other shard.
    expect(customers!.needs).toEqual(['affected', 'platform']);
    expect(customers!.if).toContain(
      "(needs.platform.result == 'success' || needs.platform.result == 'skipped')",
    );
    expect(customers!.if).toContain("needs.affected.outputs.shards != '[]'");
    expect(customers!.strategy).toEqual({
      'fail-fast': false,
      matrix: { shard: '${{ fromJSON(needs.affected.outputs.shards) }}' },
    });
    expect(Number(d.env!.SHARDS)).toBeGreaterThan(1);
    expect(customers!.steps.at(-1)!.run).toBe(
      'node dist/lib/ci/deploy-cli.js apply --affected affected.json --shard "${SHARD}/${SHARDS}"',
    );
  });

  test('nightly: a schedule and on demand, on the default branch, shards 1..SHARDS, JUnit uploaded, exit 3 retried once', () => {
    const n = workflow('nightly.yml');
    expect(Object.keys(n.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const shards = Number(n.env!.SHARDS);
    const check = n.jobs.check!;
    expect(check.strategy!.matrix!.shard).toEqual(Array.from({ length: shards }, (_, i) => i + 1));
    expect(check.if).toBe(`github.ref == 'refs/heads/${defaults.defaultBranch}'`);
    const aws = check.steps.find((s) => s.uses?.startsWith('aws-actions/'))!;
    expect(aws.with?.['role-to-assume']).toBe('${{ vars.ASC_KEYS_VALIDATOR_ROLE_ARN }}');
    const keys = check.steps.find((s) => s.id === 'keys')!.run!;
    expect(ascKeysInvocations(keys)).toEqual([
      [
        'check',
        'keys',
        '--shard',
        '${SHARD}/${SHARDS}',
        '--format',
        'json',
        '--junit',
        'reports/keys-${SHARD}.xml',
      ],
    ]);
    expect(keys).toContain('for attempt in 1 2; do');
    expect(keys).toContain('if [ "$code" != 3 ] || [ "$attempt" = 2 ]; then break; fi');
    const upload = check.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload).toMatchObject({ if: '${{ !cancelled() }}', with: { path: 'reports/' } });
    const tracking = n.jobs['tracking-issue']!;
    expect(tracking.needs).toBe('check');
    expect(tracking.if).toContain('!cancelled()');
    expect(tracking.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))?.with).toMatchObject({
      pattern: 'reports-*',
      path: 'reports',
    });
  });

  test('nightly key requests: the requester role in the requests environment, issues written with the job token, no event data in a run line', () => {
    const n = workflow('nightly.yml');
    const job = n.jobs['follow-up']!;
    expect(job.permissions).toEqual({ contents: 'read', issues: 'write', 'id-token': 'write' });
    // The requester role trusts only this environment of nightly.yml on the default branch.
    expect(job.environment).toBe(DEFAULT_REQUESTS_ENVIRONMENT);
    expect(job.if).toBe(
      `github.ref == 'refs/heads/${defaults.defaultBranch}' && vars.ASC_KEYS_REQUESTER_ROLE_ARN != ''`,
    );
    const aws = job.steps.find((s) => s.uses?.startsWith('aws-actions/'))!;
    expect(aws.with?.['role-to-assume']).toBe('${{ vars.ASC_KEYS_REQUESTER_ROLE_ARN }}');
    const run = job.steps.find((s) => s.run?.includes('follow-up'))!;
    expect(ascKeysInvocations(run.run!)).toEqual([
      ['follow-up', '--format', 'json', '--junit', 'reports/follow-up.xml'],
    ]);
    expect(run.env).toEqual({ GITHUB_TOKEN: '${{ github.token }}' });
    // The check jobs stay outside any environment: they can never assume the requester, nor it the validator.
    expect(n.jobs.check!.environment).toBeUndefined();
    for (const { w, job: j } of allJobs)
      for (const s of j.steps) expect(s.run ?? '', w.file).not.toMatch(/\$\{\{\s*github\.event/);
  });
});
