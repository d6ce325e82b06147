import type { PlatformConfig } from '../records/platform-schema.js';
import { platformNames, type PlatformNames } from './platform-names.js';

/** What every model file needs: the validated platform configuration and its derived names. */
export interface PlatformContext {
  readonly platform: PlatformConfig;
  readonly names: PlatformNames;
}

export function platformContext(platform: PlatformConfig): PlatformContext {
  return { platform, names: platformNames(platform) };
}
