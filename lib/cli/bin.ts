#!/usr/bin/env node
import { fromRepositoryRoot } from './repository-root.js';
import { run } from './run.js';

// The AWS SDK warns on every run under Node 20 that its releases after January 2027 need
// Node 22. The lock file pins the SDK, so the notice is noise in nightly logs (docs/security.md
// says so), and setting the variable yourself wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// From a subdirectory, the command runs at the repository root, with the paths it was given.
const { root, argv } = fromRepositoryRoot(process.argv.slice(2));
if (root !== undefined) process.chdir(root);

// Exit only once stdout has drained, so that piped JSON is never cut short.
process.exitCode = await run(argv);
