import { AscKeysError } from './errors.js';
import { printable, withoutWorkflowCommands } from './printable.js';

export interface ReportErrorOptions {
  /** The name the line starts with: "asc-keys", or a CI script's. */
  readonly program: string;
  /** Print the stack and every cause too. */
  readonly debug: boolean;
  readonly write?: (text: string) => void;
}

/**
 * The one top-level handler, for the CLI and the CI scripts alike: an error of ours prints its
 * message (what happened; the next step) and exits with its code; anything else is a crash,
 * exit 2, with where it happened under --debug. The stack and the whole chain of causes only
 * with --debug, every line escaped, none able to start a workflow command. Returns the exit code.
 */
export function reportError(err: unknown, options: ReportErrorOptions): number {
  const say = (text: string): void =>
    (options.write ?? ((t) => process.stderr.write(t)))(withoutWorkflowCommands(text));
  const chain = options.debug ? `${stackWithCauses(err)}\n` : '';
  if (err instanceof AscKeysError) {
    say(`${options.program}: ${printable(err.message)}\n${chain}`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  say(
    `${options.program}: unexpected error: ${printable(message)}\n${options.debug ? chain : 'Run again with --debug to see where it happened, and report it.\n'}`,
  );
  return 2;
}

/** The stack, and the stack of every error it wraps (`cause`), to the end of the chain. */
export function stackWithCauses(err: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  for (let current: unknown = err; current !== undefined && !seen.has(current);) {
    seen.add(current);
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
