import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_RETRY } from '../apple/retry-policy.js';
import { DEFAULT_CONCURRENCY } from '../checks/default-concurrency.js';
import type { CheckDriftCliOptions } from './commands/check-drift.js';
import type { CheckKeysCliOptions } from './commands/check-keys.js';
import { importCommandOptions } from './commands/import-options.js';
import { withCommonOptions, type CommonOptions } from './common-options.js';
import { registerSealingCommands } from './commands/sealing-commands.js';

/**
 * The command tree. Each action returns its exit code; commands are imported when they run so
 * that `lint` never pays for loading cdktf or the AWS SDK.
 */
export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('asc-keys')
    .description('App Store Connect API keys of our customers, as infrastructure as code')
    .showHelpAfterError()
    .exitOverride();

  withCommonOptions(
    program.command('lint').description('check the records and the platform configuration'),
  ).action(async (o: CommonOptions) => {
    const { lint } = await import('./commands/lint.js');
    setExitCode(await lint(o));
  });

  withCommonOptions(program.command('synth').description('lint, then synthesize the Terraform stacks'))
    .option('--out <dir>', 'where to write the stacks', 'cdktf.out')
    .option(
      '--stack <name>',
      'only this stack, as `affected` names it (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(async (o: CommonOptions & { out: string; stack?: string[] }) => {
      const { synth } = await import('./commands/synth.js');
      setExitCode(await synth(o));
    });

  withCommonOptions(program.command('status').description("each key's age and rotation due day (offline)"), [
    'text',
    'json',
    'markdown',
  ]).action(async (o: CommonOptions) => {
    const { status } = await import('./commands/status.js');
    setExitCode(await status(o));
  });

  const check = program.command('check').description('checks for CI');
  withSelection(
    withCommonOptions(
      check.command('keys').description('can each stored key still sign a token App Store Connect accepts?'),
    ),
  )
    .option(
      '--concurrency <n>',
      'App Store Connect requests in flight at once',
      positiveInt,
      DEFAULT_CONCURRENCY,
    )
    .option('--asc-base-url <url>', 'App Store Connect API base URL (wins over ASC_API_BASE_URL)')
    .option(
      '--retry-budget <seconds>',
      "how long one key's retries of 429, 5xx and network errors may take",
      positiveInt,
      DEFAULT_RETRY.budgetMs / 1000,
    )
    .action(async (o: CheckKeysCliOptions) => {
      const { checkKeysCommand } = await import('./commands/check-keys.js');
      setExitCode(await checkKeysCommand(o));
    });

  withSelection(
    withCommonOptions(check.command('drift').description('does live AWS match the records?')),
  ).action(async (o: CheckDriftCliOptions) => {
    const { checkDriftCommand } = await import('./commands/check-drift.js');
    setExitCode(await checkDriftCommand(o));
  });

  importCommandOptions(withCommonOptions(program.command('import'))).action(async (o) => {
    const { importCommand } = await import('./commands/import.js');
    setExitCode(await importCommand(o));
  });

  withCommonOptions(
    program.command('affected').description('the stacks a change touches, for pull-request CI'),
  )
    .requiredOption('--base <git ref>', 'compare with the merge base of this ref and HEAD')
    .action(async (o: CommonOptions & { base: string }) => {
      const { affected } = await import('./commands/affected.js');
      setExitCode(await affected(o));
    });

  registerSealingCommands(program, setExitCode);

  return program;
}

/** --customer (repeatable) and --shard, for the checks. */
function withSelection(command: Command): Command {
  return command
    .option(
      '--customer <slug>',
      'only this customer (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--shard <i/n>', 'only the customers in shard i of n');
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('must be a whole number, 1 or more');
  return n;
}
