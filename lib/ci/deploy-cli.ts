// The deploy workflow's entry: node dist/lib/ci/deploy-cli.js <matrix|stacks|apply> --affected affected.json … [--debug]
import { reportError } from '../report-error.js';
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

const argv = process.argv.slice(2);
const debug = argv.includes('--debug');
try {
  process.exitCode = await main(
    argv.filter((a) => a !== '--debug'),
    { stdout: (text) => process.stdout.write(text), signal: cancelled.signal },
  );
} catch (err) {
  process.exitCode = reportError(err, { program: 'deploy', debug });
}
