// The pull-request workflow's entry: node dist/lib/ci/suite-needed-cli.js --affected affected.json --base <ref>
import { main } from './suite-needed.js';

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`suite-needed: ${(err as Error).message}\n`);
  process.exitCode = 2;
}
