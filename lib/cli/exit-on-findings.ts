import type { Project } from '../records/load-project.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import { findingLine } from '../reports/findings-report.js';

/** For main.ts: print the findings and exit 1 when a record or the platform has an error. */
export function exitOnFindings(project: Project): Project & { platform: PlatformConfig } {
  for (const f of project.findings) process.stderr.write(`${findingLine(f)}\n`);
  if (!project.platform || project.findings.some((f) => f.severity === 'error')) process.exit(1);
  return { ...project, platform: project.platform };
}
