import { UsageError } from '../errors.js';
import { loadPlatform } from '../records/load-platform.js';
import type { PlatformConfig } from '../records/platform-schema.js';

/** The platform configuration alone (no records are read); with errors, nothing can be done (exit 2). */
export function loadPlatformOrFail(): PlatformConfig {
  const { platform, findings } = loadPlatform();
  if (platform) return platform;
  const first = findings[0];
  throw new UsageError(
    'PLATFORM_CONFIG_INVALID',
    `the platform configuration has errors${first ? `, first ${first.file}:${first.line}:${first.column} ${first.message}` : ''}; run "asc-keys lint"`,
  );
}
