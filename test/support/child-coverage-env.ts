import { inject } from 'vitest';

// With coverage on, every process a test starts (the CLI through npx, node dist/main.js) inherits
// NODE_V8_COVERAGE and writes its coverage where coverage-provider.ts reads it. Set here, in the
// worker, and not in the config's `env`: that would make the workers write their own as well.
const directory = inject('childCoverageDirectory');
if (directory) process.env.NODE_V8_COVERAGE = directory;
