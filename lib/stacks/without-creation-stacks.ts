/**
 * Runs `build` while stack traces are captured but not formatted. cdktf records a stack trace
 * of unlimited depth for every token and every complex attribute it creates, to explain token
 * errors; formatting them is about a sixth of a 1,000-customer synth, and asc-keys reads none.
 * V8 formats a stack when `.stack` is first read, so an error thrown here, read after the
 * original formatter is back, still gets its full stack.
 */
export function withoutCreationStacks<T>(build: () => T): T {
  const original = Error.prepareStackTrace;
  Error.prepareStackTrace = () => '';
  try {
    return build();
  } finally {
    Error.prepareStackTrace = original;
  }
}
