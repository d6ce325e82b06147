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
