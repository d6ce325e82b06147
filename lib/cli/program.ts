import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_RETRY } from '../apple/retry-policy.js';
import { DEFAULT_CONCURRENCY } from '../checks/default-concurrency.js';
import { UsageError } from '../errors.js';
import type { CheckDriftCliOptions } from './commands/check-drift.js';
import type { CheckKeysCliOptions } from './commands/check-keys.js';
import type { FollowUpCliOptions } from './commands/follow-up.js';
import type { IntakeCliOptions } from './commands/intake.js';
import type { RequestCliOptions } from './commands/request.js';
import { importCommandOptions } from './commands/import-options.js';
import { nonEmpty, withCommonOptions, type CommonOptions } from './common-options.js';
import { registerSealingCommands } from './commands/sealing-commands.js';

const TOP_LEVEL_HELP = `
Exit codes:
  0  all good
  1  findings: lint errors, invalid keys, drift
  2  usage or configuration error (bad options, unreadable directory, no AWS credentials)
  3  inconclusive: nothing invalid, but Apple or AWS could not be asked (retry, do not page)

Environment:
  AWS_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID, ...  the standard AWS SDK configuration
  AWS_ENDPOINT_URL       another AWS endpoint (for tests)
  ASC_API_BASE_URL       App Store Connect API base URL (--asc-base-url wins)
  GITHUB_ACTIONS=true    also print findings as workflow annotations
  GITHUB_STEP_SUMMARY    append the report to this file (the job's step summary)

Run "asc-keys help <command> [<subcommand>]" for a command's options.
`;

/**
 * The command tree. Each action returns its exit code; commands are imported when they run so
 * that `lint` never pays for loading cdktf or the AWS SDK.
 */
export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('asc-keys')
    .description('App Store Connect API keys of our customers, as infrastructure as code')
    .version(packageVersion(), '-V, --version', 'print the version of asc-keys')
    .showHelpAfterError()
    .helpCommand(false)
    .addHelpText('after', TOP_LEVEL_HELP)
    .exitOverride();

  withCommonOptions(
    program.command('lint').description('check the records and the platform configuration'),
  ).action(async (o: CommonOptions) => {
    const { lint } = await import('./commands/lint.js');
    setExitCode(await lint(o));
  });

  withCommonOptions(program.command('synth').description('lint, then synthesize the Terraform stacks'))
    .option('--out <dir>', 'where to write the stacks', nonEmpty, 'cdktf.out')
    .option(
      '--stack <name>',
      'only this stack, as `affected` names it (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--aws',
      "also ask AWS (DescribeSecret) that each customer stack's secret exists and holds its record's key",
    )
    .action(async (o: CommonOptions & { out: string; stack?: string[]; aws?: boolean }) => {
      const { synth } = await import('./commands/synth.js');
      setExitCode(await synth(o));
    });

  withCommonOptions(program.command('status').description("each key's age and rotation due day (offline)"), [
    'text',
    'json',
    'markdown',
  ])
    .option('--aws', 'also list the imports awaiting merge (asks AWS: ListSecrets, and each staged Key ID)')
    .action(async (o: CommonOptions & { aws?: boolean }) => {
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
    .option('--asc-base-url <url>', 'App Store Connect API base URL (wins over ASC_API_BASE_URL)', nonEmpty)
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

  program
    .command('scp')
    .description(
      'the service control policy that keeps everyone but the administrators from what guards the keys',
    )
    .option('--out <file>', 'write it to this file instead of stdout')
    .action(async (o: { out?: string }) => {
      const { scp } = await import('./commands/scp.js');
      setExitCode(scp(o));
    });

  withCommonOptions(
    program.command('affected').description('the stacks a change touches, for pull-request CI'),
  )
    .requiredOption('--base <git ref>', 'compare with the merge base of this ref and HEAD', nonEmpty)
    .option(
      '--aws',
      "also ask AWS (DescribeSecret) that each affected customer stack's secret exists and holds its record's key",
    )
    .action(async (o: CommonOptions & { base: string; aws?: boolean }) => {
      const { affected } = await import('./commands/affected.js');
      setExitCode(await affected(o));
    });

  withCommonOptions(
    program
      .command('request')
      .description("open a customer's key request (a GitHub issue), and with --send email it"),
  )
    .requiredOption('--customer <slug>', 'the customer', nonEmpty)
    .addOption(
      new Option('--reason <reason>', 'why we need a key (default: rotation when a record exists)').choices([
        'rotation',
        'onboarding',
      ]),
    )
    .option('--send', "also email the message to the customer's contacts (requests.email)")
    .option('--app-id <appleId>', "new customers: the app's Apple ID", nonEmpty)
    .option('--display-name <name>', 'new customers: how to name them', nonEmpty)
    .option(
      '--contact <"Name <email>">',
      'new customers: who to send it to (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(async (o: RequestCliOptions) => {
      const { requestCommand } = await import('./commands/request.js');
      setExitCode(await requestCommand(o));
    });

  withCommonOptions(
    program
      .command('follow-up')
      .description('nightly: open requests for keys that fall due, remind, and prove old keys revoked'),
  )
    .option('--asc-base-url <url>', 'App Store Connect API base URL (wins over ASC_API_BASE_URL)', nonEmpty)
    .action(async (o: FollowUpCliOptions) => {
      const { followUpCommand } = await import('./commands/follow-up.js');
      setExitCode(await followUpCommand(o));
    });

  withCommonOptions(
    program
      .command('intake')
      .description('workflow: import a sealed block posted on a key request, and open its pull request'),
  )
    .requiredOption('--event <file>', 'the GitHub event of the run ($GITHUB_EVENT_PATH)', nonEmpty)
    .option('--asc-base-url <url>', 'App Store Connect API base URL (wins over ASC_API_BASE_URL)', nonEmpty)
    .action(async (o: IntakeCliOptions) => {
      const { intakeCommand } = await import('./commands/intake.js');
      setExitCode(await intakeCommand(o));
    });

  registerSealingCommands(program, setExitCode);

  // "help check keys" walks the tree (commander's own help command stops at the first name).
  program
    .command('help')
    .description('show the help of a command, e.g. "help check keys"')
    .argument('[command...]', 'the command and its subcommand')
    .action((names: string[]) => {
      let target: Command = program;
      for (const name of names) {
        const next = target.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (!next)
          throw new UsageError('USAGE', `no command "${names.join(' ')}"`, {
            next: 'run "asc-keys help" for the list',
          });
        target = next;
      }
      target.outputHelp();
    });

  return program;
}

/** --customer (repeatable) and --shard, for the checks. */
function withSelection(command: Command): Command {
  return command
    .option(
      '--customer <slug>',
      'only this customer (repeatable)',
      (value: string, previous: string[] = []) => [...previous, nonEmpty(value)],
    )
    .option('--shard <i/n>', 'only the customers in shard i of n', nonEmpty);
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('must be a whole number, 1 or more');
  return n;
}

/** The version in package.json, two directories above dist/lib/cli (and lib/cli in tests). */
function packageVersion(): string {
  for (const up of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'asc-keys' && pkg.version) return pkg.version;
    } catch {
      // not at this level
    }
  }
  return 'unknown';
}
