import { Option, type Command } from 'commander';
import { DEFAULT_PUBLIC_KEY_FILE } from '../../sealing/public-key-file.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_SEALING_GRACE_DAYS } from '../../sealing/sealing-grace.js';
import type { SealingKeyCreateOptions } from './sealing-key.js';
import type { SealingPageCliOptions } from './sealing-page.js';

/** `sealing-key create` and `sealing-page`: the sealed hand-over (docs/sealed-hand-over.md). */
export function registerSealingCommands(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('sealing-key')
    .description('the key pair that customers seal their API keys to')
    .command('create')
    .description('make a new sealing key (first setup or rotation); older ones stay readable')
    .addOption(
      new Option('--format <format>', 'output format on stdout').choices(['text', 'json']).default('text'),
    )
    .option('--public-key <file>', 'where to write the public key, for sealing-page', DEFAULT_PUBLIC_KEY_FILE)
    .addOption(
      new Option(
        '--grace-days <days>',
        'days older keys keep opening blocks after this one is made; then they are retired',
      )
        .default(DEFAULT_SEALING_GRACE_DAYS)
        .argParser(graceDays),
    )
    .option('--debug', 'show stack traces of errors')
    .action(async (o: SealingKeyCreateOptions) => {
      const { sealingKeyCreate } = await import('./sealing-key.js');
      setExitCode(await sealingKeyCreate(o));
    });

  program
    .command('sealing-page')
    .description('write the self-contained page on which customers seal their API key')
    .requiredOption('--out <file>', 'the HTML file to write')
    .option(
      '--customer <slug>',
      'a page for this customer only: it names them and the block carries the slug',
    )
    .option('--display-name <name>', 'how the page names the customer (with --customer)')
    .option('--public-key <file>', 'the sealing public key', DEFAULT_PUBLIC_KEY_FILE)
    .option('--debug', 'show stack traces of errors')
    .action(async (o: SealingPageCliOptions) => {
      const { sealingPageCommand } = await import('./sealing-page.js');
      setExitCode(await sealingPageCommand(o));
    });
}

function graceDays(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 3650)
    throw new UsageError('USAGE', `--grace-days ${text} is not a whole number of days from 0 to 3650`, {
      next: `give one (default ${DEFAULT_SEALING_GRACE_DAYS}); 0 retires every older key now`,
    });
  return n;
}
