import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

/** Whether a pull request needs the tool's own tests, and why, in a sentence for the log. */
export interface SuiteDecision {
  readonly needed: boolean;
  readonly reason: string;
}

/**
 * A pull request that changes records only (files under the customers directory) or only the
 * platform settings in cdktf.json's `context` is proved by lint, `affected` and the plan: the
 * tool did not change. Anything else (code, dependencies, workflows, tests, the rest of
 * cdktf.json) runs the suite. `cdktfBefore` and `cdktfAfter` are the file's text at the merge
 * base and now (undefined where it does not exist).
 */
export function suiteNeeded(
  files: readonly string[],
  cdktfBefore: string | undefined,
  cdktfAfter: string | undefined,
  customersDir = 'customers',
): SuiteDecision {
  const prefix = `${customersDir.replace(/\/+$/, '')}/`;
  const other = files.filter((f) => !f.startsWith(prefix) && f !== 'cdktf.json');
  if (other.length)
    return {
      needed: true,
      reason: `${other[0]}${other.length > 1 ? ` and ${other.length - 1} more` : ''} changed`,
    };
  if (files.includes('cdktf.json') && !sameOutsideContext(cdktfBefore, cdktfAfter))
    return { needed: true, reason: 'cdktf.json changed outside its context (the platform settings)' };
  return { needed: false, reason: 'only records and platform settings changed' };
}

function sameOutsideContext(before: string | undefined, after: string | undefined): boolean {
  /** cdktf.json without its context, comparable as text; undefined when missing or not JSON (lint reports it). */
  const outside = (text: string | undefined): string | undefined => {
    if (text === undefined) return undefined;
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      return JSON.stringify(
        Object.entries(parsed)
          .filter(([k]) => k !== 'context')
          .sort(([a], [b]) => a.localeCompare(b)),
      );
    } catch {
      return undefined;
    }
  };
  const [a, b] = [outside(before), outside(after)];
  // Missing or unparsable on either side: the suite runs, to be safe.
  return a !== undefined && a === b;
}

/**
 * The pull-request workflow's step: reads the files of `asc-keys affected --format json`,
 * cdktf.json at the merge base of --base and now, and writes `suite=true|false` to
 * $GITHUB_OUTPUT with its reason on stdout.
 */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        affected: { type: 'string' },
        base: { type: 'string' },
        customers: { type: 'string', default: 'customers' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError('CI_CONFIG_INVALID', (err as Error).message, {
      next: 'run it as suite-needed-cli.js --affected <file> --base <git ref> [--customers <dir>]',
      cause: err,
    });
  }
  if (!values.affected || !values.base)
    throw new UsageError('CI_CONFIG_INVALID', '--affected <file> and --base <git ref> are required', {
      next: 'give it the JSON of "asc-keys affected" and the pull request\'s base branch',
    });
  const { files } = JSON.parse(readFileSync(values.affected, 'utf8')) as { files: string[] };
  const git = (...args: string[]): string =>
    execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const mergeBase = git('merge-base', '--end-of-options', values.base, 'HEAD').trim();
  let before: string | undefined;
  try {
    before = git('show', `${mergeBase}:cdktf.json`);
  } catch {
    before = undefined;
  }
  let after: string | undefined;
  try {
    after = readFileSync('cdktf.json', 'utf8');
  } catch {
    after = undefined;
  }
  const decision = suiteNeeded(files, before, after, values.customers);
  process.stdout.write(`${decision.needed ? 'the suite runs' : 'no suite'}: ${decision.reason}\n`);
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `suite=${decision.needed}\n`);
  return 0;
}
