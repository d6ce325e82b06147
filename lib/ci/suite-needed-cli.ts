// The pull-request workflow's entry: node dist/lib/ci/suite-needed-cli.js --affected affected.json --base <ref> [--debug]
import { reportError } from '../report-error.js';
import { main } from './suite-needed.js';

const argv = process.argv.slice(2);
try {
  process.exitCode = main(argv.filter((a) => a !== '--debug'));
} catch (err) {
  process.exitCode = reportError(err, { program: 'suite-needed', debug: argv.includes('--debug') });
}
