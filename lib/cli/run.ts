import { CommanderError } from 'commander';
import { UnavailableError, UsageError } from '../errors.js';
import { printable, withoutWorkflowCommands } from '../printable.js';
import { buildProgram } from './program.js';

/**
 * The one place errors reach the user: a message that says what to do, the stack only with
 * --debug. Returns the exit code (docs/contract.md, Commands).
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
    if (err instanceof UsageError || err instanceof UnavailableError) {
      say(`asc-keys: ${printable(err.message)}\n`);
      if (debug) say(`${stackWithCauses(err)}\n`);
      return err.exitCode;
    }
    // A programming error: a crash, with where it happened under --debug.
    const message = err instanceof Error ? err.message : String(err);
    say(
      `asc-keys: unexpected error: ${printable(message)}\n${debug ? `${stackWithCauses(err)}\n` : 'Run again with --debug to see where it happened, and report it.\n'}`,
    );
    return 2;
  }
}

/** Messages carry names and values from records and remote answers: no line may start a workflow command. */
function say(text: string): void {
  process.stderr.write(withoutWorkflowCommands(text));
}

/** The stack, and the stacks of the errors it wraps (`cause`). */
function stackWithCauses(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(
      current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current),
    );
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts
    .map((p) =>
      p
        .split('\n')
        .map((line) => printable(line))
        .join('\n'),
    )
    .join('\ncaused by: ');
}
