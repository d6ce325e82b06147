// The deploy workflow's entry: node dist/lib/ci/deploy-cli.js --affected affected.json
import { main } from './deploy.js';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`deploy: ${(err as Error).message}\n`);
  process.exitCode = 2;
}
