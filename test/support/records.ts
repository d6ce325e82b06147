import type { CustomerRecord } from '../../lib/records/customer-record.js';
import { platformSchema, type PlatformConfig } from '../../lib/records/platform-schema.js';
import { EXAMPLE_CONFIG } from './project.js';

export const PLATFORM: PlatformConfig = platformSchema.parse(EXAMPLE_CONFIG.context.platform);

/** A valid record, built in memory, for tests that do not exercise loading. */
export function record(overrides: Partial<CustomerRecord> = {}): CustomerRecord {
  const customer = overrides.customer ?? 'acme-corp';
  const pos = { line: 1, column: 1 };
  return {
    file: `customers/${customer}.yaml`,
    customer,
    appleId: '1234567890',
    keyId: '2X9R4HXF34',
    issuerId: '57246542-96fe-1a63-e053-0824d011072a',
    keyType: 'team',
    role: 'APP_MANAGER',
    secret: {
      scheme: 'aws-sm',
      raw: `aws-sm:asc-keys/${customer}`,
      secretId: `asc-keys/${customer}`,
      name: `asc-keys/${customer}`,
    },
    fingerprint: 'DOx8dVGPO3YbdqXUWixkPuZ1Bp-Y0TA-DoIC347i6R4',
    createdOn: '2026-06-01',
    rotation: { maxAgeDays: 365, remindDaysBefore: [30, 7, 0] },
    contacts: [],
    positions: { customer: pos, appleId: pos, apiKey: pos, keyId: pos, secret: pos },
    ...overrides,
  };
}
