import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_RETRY } from '../../apple/retry-policy.js';
import type { ImportCliOptions } from './import.js';

/**
 * The options of `import` (docs/contract.md: import). Declared here, apart from the command, so that the
 * program loads the import code only when it runs. There is no password option on purpose: a
 * hidden --password is accepted only to be refused with the two ways that work (importRequest).
 */
export function importCommandOptions(
  command: Command,
): Command & { action(fn: (o: ImportCliOptions) => Promise<void>): Command } {
  return (
    command
      .description(
        'onboard a customer or rotate its key: check the key, prove it with Apple, store it, write the record',
      )
      .requiredOption('--customer <slug>', "the customer's slug (customers/<slug>.yaml)")
      .option('--app-id <appleId>', "the app's Apple ID in App Store Connect (required but with --discard)")
      .option('--key-id <keyId>', 'the Key ID the customer sent (with --sealed: taken from the block)')
      .option('--issuer-id <uuid>', 'the Issuer ID the customer sent (team keys)')
      .option('--individual', 'an individual key, which has no Issuer ID')
      .option('--p8 <file>', 'the .p8 file as App Store Connect downloaded it')
      .option('--zip <file>', 'a zip holding the .p8 (AES or ZipCrypto)')
      .option(
        '--sealed <file|->',
        'a sealed block from the sealing page (a file, or - for stdin); it names key and issuer',
      )
      // Hidden and never echoed: its value would be the zip's password.
      .addOption(new Option('--password [password]').hideHelp())
      .option(
        '--password-stdin',
        "read the zip's password from stdin (otherwise it is asked for on the terminal)",
      )
      .option('--no-verify', 'do not ask App Store Connect whether it accepts the key')
      .option(
        '--discard',
        "remove the customer's pending (imported, never deployed) key: for a pull request that will not be merged",
      )
      .option('--display-name <name>', 'new customers: displayName of the record')
      .option('--bundle-id <id>', "new customers: the app's bundle ID")
      .option(
        '--contact <"Name <email>">',
        'new customers: a contact at the customer (repeatable)',
        (value: string, previous: string[] = []) => [...previous, value],
      )
      .option('--asc-base-url <url>', 'App Store Connect API base URL (wins over ASC_API_BASE_URL)')
      .option(
        '--retry-budget <seconds>',
        'how long retries of 429, 5xx and network errors from Apple may take',
        (value: string) => {
          if (!/^\d+$/.test(value) || Number(value) < 1)
            throw new InvalidArgumentError('must be a whole number, 1 or more');
          return Number(value);
        },
        DEFAULT_RETRY.budgetMs / 1000,
      ) as Command & { action(fn: (o: ImportCliOptions) => Promise<void>): Command }
  );
}
