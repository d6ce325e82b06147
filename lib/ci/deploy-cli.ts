// The deploy workflow's entry: node dist/lib/ci/deploy-cli.js <matrix|stacks|apply> --affected affected.json …
import { UsageError } from '../errors.js';
import { main } from './deploy-command.js';

// A cancelled job is signalled: no stack starts after it, and the running ones stop cleanly
// (each Terraform interrupted once). Later signals change nothing.
const cancelled = new AbortController();
const cancel = (signal: NodeJS.Signals): void => {
  if (cancelled.signal.aborted) return;
  process.stderr.write(
    `deploy: ${signal}: starting no more stacks; letting the running ones finish cleanly\n`,
  );
  cancelled.abort();
};
process.on('SIGINT', cancel);
process.on('SIGTERM', cancel);

try {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    signal: cancelled.signal,
  });
} catch (err) {
  process.stderr.write(`deploy: ${(err as Error).message}\n`);
  process.exitCode = err instanceof UsageError ? err.exitCode : 2;
}
