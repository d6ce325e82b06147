import { UsageError } from '../errors.js';
import type { Finding } from './finding.js';
import type { PlatformConfig } from './platform-schema.js';

/**
 * The platform configuration of a loaded project (or of `loadPlatform()` alone); when it has
 * errors nothing that needs it can run (exit 2).
 */
export function requirePlatform(loaded: {
  readonly platform?: PlatformConfig | undefined;
  readonly findings: readonly Finding[];
}): PlatformConfig {
  if (loaded.platform) return loaded.platform;
  const first = loaded.findings[0];
  throw new UsageError(
    'PLATFORM_CONFIG_INVALID',
    `the platform configuration has errors${first ? `, first ${first.file}:${first.line}:${first.column} ${first.message}` : ''}`,
    { next: 'run "asc-keys lint"' },
  );
}
