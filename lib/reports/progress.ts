/** A progress line on stderr, only when stderr is a terminal (never in CI logs or pipes). */
export function progressLine(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ((done: number, total: number) => void) | undefined {
  if (!stream.isTTY) return undefined;
  return (done, total) => {
    stream.write(`\r${label}: ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

/**
 * A line on stderr while a command waits (a retry's pause), only when stderr is a terminal: in
 * CI logs and pipes the final message says it all. It starts by clearing a progress counter.
 */
export function waitingLine(
  stream: NodeJS.WriteStream = process.stderr,
): ((line: string) => void) | undefined {
  if (!stream.isTTY) return undefined;
  return (line) => {
    stream.write(`\r\x1b[2K${line}\n`);
  };
}
