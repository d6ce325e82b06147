// The CDKTF app (cdktf.json "app"): load the records, build the stacks, synthesize.
import { recordFilesOf, stacksFromEnvOrExit } from './lib/stacks/stack-selection.js';
import { exitOnFindings } from './lib/cli/exit-on-findings.js';
import { loadProject } from './lib/records/load-project.js';
import { synthesize } from './lib/stacks/synthesize.js';

// ASC_KEYS_STACKS (pull-request and deploy CI): only those stacks, from only their records.
const stacks = stacksFromEnvOrExit();
const { records, platform } = exitOnFindings(loadProject(stacks ? { onlyFiles: recordFilesOf(stacks) } : {}));
synthesize({ records, platform, ...(stacks ? { stacks } : {}) });
