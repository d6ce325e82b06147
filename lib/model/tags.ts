import type { Tags } from './desired-resources.js';

/** Every tag key asc-keys sets or reads, spelt once; policies name them in their conditions. */
export const TAG = {
  /** Marks a resource as this tool's: drift lists secrets by it, roles are scoped by it. */
  managedBy: 'managed-by',
  customer: 'customer',
  app: 'app',
  keyId: 'key-id',
} as const;

/** The value of `managed-by` on everything of this tool's. */
export const MANAGED_BY = 'asc-keys';

/** The tags every platform resource carries. */
export const PLATFORM_TAGS: Tags = { [TAG.managedBy]: MANAGED_BY };

/** The tags a key secret carries: the importer may set these and no others. */
export const SECRET_TAG_KEYS = [TAG.customer, TAG.app, TAG.keyId, TAG.managedBy] as const;

export type SecretTags = Readonly<Record<(typeof SECRET_TAG_KEYS)[number], string>>;
