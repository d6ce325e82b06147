// The CDKTF app (cdktf.json "app"): load the records, build the stacks, synthesize.
import { stacksFromEnvOrExit } from './lib/ci/stack-selection.js';
import { exitOnFindings } from './lib/cli/exit-on-findings.js';
import { loadProject } from './lib/records/load-project.js';
import { synthesize } from './lib/stacks/synthesize.js';

const { records, platform } = exitOnFindings(loadProject());
synthesize({ records, platform, stacks: stacksFromEnvOrExit() });
