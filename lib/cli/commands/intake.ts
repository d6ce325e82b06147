import { readFileSync, statSync } from 'node:fs';
import { DEFAULT_RETRY } from '../../apple/retry-policy.js';
import { systemClock } from '../../apple/clock.js';
import { DEFAULT_ASC_BASE_URL } from '../../apple/probe-app.js';
import { secretsManagerClient } from '../../aws/clients.js';
import { awsRegion } from '../../aws/environment.js';
import { UsageError } from '../../errors.js';
import { githubClient } from '../../github/github-client.js';
import { githubSettings } from '../../github/github-settings.js';
import { runIntake, type IntakeOutcome } from '../../import/intake.js';
import { EVENT_NEXT_STEP, parseIntakeEvent } from '../../requests/intake-event.js';
import { loadPlatform } from '../../records/load-platform.js';
import { requirePlatform } from '../../records/require-platform.js';
import { emitReport } from '../../reports/emit-report.js';
import { printable } from '../../printable.js';
import type { CommonOptions } from '../common-options.js';

export interface IntakeCliOptions extends CommonOptions {
  /** The webhook payload GitHub wrote for the run: $GITHUB_EVENT_PATH. */
  readonly event: string;
  readonly ascBaseUrl?: string;
}

/** GitHub caps a webhook payload at 25 MB; an issue with a comment is far less. */
const MAX_EVENT_BYTES = 25 * 1024 * 1024;

/**
 * `asc-keys intake --event "$GITHUB_EVENT_PATH"`: the intake workflow's one command
 * (docs/requests.md). The issue's text comes only from the event file, never from options.
 */
export async function intakeCommand(
  options: IntakeCliOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const event = readEvent(options.event);
  // A wrong file is told apart before any setting is asked for.
  parseIntakeEvent(event);
  const platform = requirePlatform(loadPlatform());
  const github = githubSettings(platform, env);
  const region = awsRegion(platform.region, env) || undefined;
  const outcome = await runIntake(event, {
    github: githubClient({ token: github.token, baseUrl: github.baseUrl }),
    repo: github.repo,
    secretsManager: secretsManagerClient(region),
    customersDir: options.customers,
    ...(env.GITHUB_SHA && /^[0-9a-f]{40}$/.test(env.GITHUB_SHA) && { baseSha: env.GITHUB_SHA }),
    ascBaseUrl: options.ascBaseUrl ?? (env.ASC_API_BASE_URL || DEFAULT_ASC_BASE_URL),
    clock: systemClock,
    retry: DEFAULT_RETRY,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  await emitReport(intakeReport(outcome), options);
  return outcome.exitCode;
}

function readEvent(path: string): unknown {
  const shown = printable(path, { max: 200 });
  let text: string;
  try {
    if (statSync(path).size > MAX_EVENT_BYTES)
      throw new UsageError('USAGE', `${shown} is larger than a GitHub event can be`, {
        next: EVENT_NEXT_STEP,
      });
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(
      'USAGE',
      `cannot read the event file ${shown} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { next: EVENT_NEXT_STEP, cause: err },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError('USAGE', `the event file ${shown} is not JSON`, {
      next: EVENT_NEXT_STEP,
      cause: err,
    });
  }
}

function intakeReport(o: IntakeOutcome): Parameters<typeof emitReport>[0] {
  const json = {
    action: o.action,
    code: o.code,
    issue: o.issue,
    customer: o.customer,
    keyId: o.keyId,
    fingerprint: o.fingerprint,
    pullRequest: o.pullRequest,
    message: o.message,
  };
  return {
    command: 'intake',
    text: o.message,
    json,
    markdown: o.message,
    cases: [
      {
        name: o.customer ?? `#${o.issue ?? ''}`,
        outcome: o.action === 'refused' ? (o.exitCode === 3 ? 'inconclusive' : 'failed') : 'passed',
        code: o.code,
        message: o.message,
      },
    ],
    annotations: [],
    exitCode: o.exitCode === 0 ? 0 : o.exitCode === 3 ? 3 : 1,
  };
}
