import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join, normalize } from 'node:path';
import { UsageError } from '../../errors.js';
import { isInsideRoot, normalizeCustomersDir } from '../../records/customers-dir.js';
import { SLUG } from '../../records/patterns.js';
import { loadProject } from '../../records/load-project.js';
import { emitReport } from '../../reports/emit-report.js';
import type { CommonOptions } from '../common-options.js';
import type { Finding } from '../../records/finding.js';
import { requirePlatform } from '../../records/require-platform.js';
import { findingAnnotation, findingLine } from '../../reports/findings-report.js';
import { printable } from '../../printable.js';
import { recordFilesOf } from '../../stacks/stack-selection.js';
import { secretsNotReady } from './secrets-ready.js';

export interface AffectedOptions extends CommonOptions {
  readonly base: string;
  /**
   * Also ask AWS (DescribeSecret) whether each affected customer stack's secret is there for
   * Terraform to adopt, and holds the key its record names. @default false: affected is offline
   */
  readonly aws?: boolean;
}

/** Files whose change touches every stack: the platform configuration and the code that builds stacks. */
const EVERYTHING = [/^cdktf\.json$/, /^main\.ts$/, /^lib\//, /^package(-lock)?\.json$/];

/**
 * The stacks a change touches, for pull-request CI: a record added, changed or removed touches
 * its customer's stack; the platform configuration or the code touches every stack. Compares
 * the merge base of --base and HEAD with the working tree.
 */
export async function affected(
  options: AffectedOptions,
  env: NodeJS.ProcessEnv = process.env,
  now: Date = new Date(),
): Promise<number> {
  const dir = normalizeCustomersDir(options.customers);
  if (!isInsideRoot(dir))
    throw new UsageError('USAGE', `--customers ${options.customers} is outside the repository`, {
      next: 'run affected from the repository root with the records inside it',
    });
  const changed = changedFiles(options.base);
  const all = changed.some((f) => EVERYTHING.some((re) => re.test(f)));
  // Changed record files count even when deleted: their stack is to be destroyed.
  const records = changed
    .filter((f) => normalize(dirname(f)) === dir && f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'))
    // A file whose name is no slug is no customer's stack (lint reports it).
    .filter((slug) => SLUG.test(slug));
  // Every stack: the records are loaded (and linted) only then.
  const customers = [
    ...records,
    ...(all ? loadProject({ customersDir: options.customers }).records.map((r) => r.customer) : []),
  ];
  const stacks = [
    ...(all ? ['platform'] : []),
    ...[...new Set(customers)].sort().map((c) => `customer-${c}`),
  ];
  // A record that is gone from the working tree: the deploy destroys its stack. Said on stderr,
  // since stdout is the list that CI hands to synth --stack.
  const removed = [...new Set(records)]
    .filter((slug) => !existsSync(join(dir, `${slug}.yaml`)))
    .sort()
    .map((slug) => `customer-${slug}`);
  if (options.format === 'text')
    for (const stack of removed)
      process.stderr.write(
        `asc-keys: ${stack}: its record was removed, so the deploy destroys this stack: the customer's reminders, and the secret with the platform's recovery window (secretRecoveryWindowDays)\n`,
      );
  const notReady = options.aws
    ? await secretsOf(
        options.customers,
        stacks.filter((s) => !removed.includes(s)),
        env,
        now,
      )
    : [];
  // Like the removed stacks, on stderr in text: stdout stays the list for synth --stack.
  if (options.format === 'text')
    for (const f of notReady) process.stderr.write(`asc-keys: ${findingLine(f)}\n`);
  const exitCode = notReady.length ? 1 : 0;
  await emitReport(
    {
      command: 'affected',
      text: stacks.length ? stacks.join('\n') : `no stack is affected by the changes since ${options.base}`,
      json: {
        base: options.base,
        all,
        stacks,
        files: changed,
        removed,
        ...(options.aws && { findings: notReady }),
      },
      markdown: [
        stacks.length
          ? stacks
              .map((s) => `- ${s}${removed.includes(s) ? ' (record removed: the deploy destroys it)' : ''}`)
              .join('\n')
          : 'no stack affected',
        ...notReady.map((f) => `- ${printable(f.file)}: ${f.code} ${printable(f.message)}`),
      ].join('\n\n'),
      cases: notReady.map((f) => ({
        name: `${printable(f.file)} ${f.code}`,
        file: printable(f.file),
        outcome: 'failed' as const,
        code: f.code,
        message: printable(f.message),
      })),
      annotations: notReady.map(findingAnnotation),
      exitCode,
    },
    options,
  );
  return exitCode;
}

/** --aws: the records of the affected customer stacks whose secret is not ready for their deploy. */
async function secretsOf(
  customers: string,
  stacks: readonly string[],
  env: NodeJS.ProcessEnv,
  now: Date,
): Promise<Finding[]> {
  const files = recordFilesOf(stacks);
  if (!files.length) return [];
  // Lint reports the records that fail it; only valid ones name a secret to ask about.
  const project = loadProject({ customersDir: customers, onlyFiles: files });
  return secretsNotReady(project.records, requirePlatform(project), env, now);
}

function changedFiles(base: string): string[] {
  const git = (...args: string[]): string => {
    try {
      return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const stderr = String((err as { stderr?: string }).stderr ?? '')
        .trim()
        .split('\n')[0];
      throw new UsageError(
        'USAGE',
        `git cannot compare with --base ${base} (${stderr || 'not a git repository'})`,
        {
          next: 'fetch that ref (actions/checkout with fetch-depth: 0) and run from the repository root',
          cause: err,
        },
      );
    }
  };
  // A ref is never an option to git: "--base=--output=x" must not reach git as one.
  if (base.startsWith('-'))
    throw new UsageError('USAGE', `--base ${base} is not a git ref`, {
      next: 'name a branch, tag or commit, e.g. origin/main',
    });
  const commit = git('rev-parse', '--verify', '--end-of-options', `${base}^{commit}`).trim();
  const mergeBase = git('merge-base', commit, 'HEAD').trim();
  // --no-renames: a renamed record is its old stack removed and its new stack added. -z: names
  // come unquoted, whatever characters they hold; "--" ends the options.
  const tracked = git('diff', '--name-only', '--no-renames', '-z', mergeBase, '--').split('\0');
  const untracked = git('ls-files', '-z', '--others', '--exclude-standard', '--').split('\0');
  return [...new Set([...tracked, ...untracked].filter(Boolean))].sort();
}
