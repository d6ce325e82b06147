import { CommanderError } from 'commander';
import { UsageError } from '../errors.js';
import { buildProgram } from './program.js';

/**
 * The one place errors reach the user: a message that says what to do, the stack only with
 * --debug. Returns the exit code (CONTRACT section 3).
 */
export async function run(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
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
    if (err instanceof UsageError) {
      process.stderr.write(`asc-keys: ${err.message}\n`);
      if (debug) process.stderr.write(`${err.stack}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `asc-keys: unexpected error: ${message}\n${debug ? `${(err as Error).stack}\n` : 'Run again with --debug to see where it happened, and report it.\n'}`,
    );
    return 2;
  }
}
