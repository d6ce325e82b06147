import { CommanderError } from 'commander';
import { reportAwsWaits } from '../aws/waits.js';
import { printable } from '../printable.js';
import { reportError } from '../report-error.js';
import { waitingLine } from '../reports/progress.js';
import { buildProgram } from './program.js';

/**
 * The one place errors reach the user: a message that says what to do, the stack only with
 * --debug (lib/report-error.ts). Returns the exit code (docs/contract.md, Commands).
 */
export async function run(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const waiting = waitingLine();
  reportAwsWaits(waiting && ((line) => waiting(`asc-keys: ${printable(line)}`)));
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; commander has already printed its message.
      return err.exitCode === 0 ? 0 : 2;
    }
    return reportError(err, { program: 'asc-keys', debug });
  }
}
