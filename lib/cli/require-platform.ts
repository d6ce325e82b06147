import { UsageError } from '../errors.js';
import type { Project } from '../records/load-project.js';
import type { PlatformConfig } from '../records/platform-schema.js';

/** The checks need the platform configuration; when it has errors they cannot run (exit 2). */
export function requirePlatform(project: Project): PlatformConfig {
  if (project.platform) return project.platform;
  const first = project.findings[0];
  throw new UsageError(
    'PLATFORM_CONFIG_INVALID',
    `the platform configuration has errors${first ? `, first ${first.file}:${first.line}:${first.column} ${first.message}` : ''}; run "asc-keys lint"`,
  );
}
