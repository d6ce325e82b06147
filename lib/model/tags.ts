import type { Tags } from './desired-resources.js';

/** The tag value that marks a resource as this tool's: drift lists secrets by it. */
export const MANAGED_BY = 'asc-keys';

/** The tags every platform resource carries. */
export const PLATFORM_TAGS: Tags = { 'managed-by': MANAGED_BY };
