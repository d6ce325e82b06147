import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { platformContext } from '../../lib/model/platform-context.js';
import type { Project } from '../../lib/records/load-project.js';
import { storeAsImport, type MotoClients } from '../support/apply-desired-state.js';
import { fastlaneValue } from '../support/key-fixtures.js';
import type { TestKey } from '../support/keys.js';
import { tempProject, type TempProject } from '../support/project.js';

export interface GeneratedCustomer {
  readonly slug: string;
  readonly appleId: string;
  readonly keyId: string;
  readonly issuerId: string;
}

/** The i-th generated customer: unique slug, Apple ID and Key ID. */
export function generatedCustomer(i: number): GeneratedCustomer {
  const n = String(i).padStart(6, '0');
  return {
    slug: `customer-${n}`,
    appleId: String(1_000_000_000 + i),
    keyId: `K${n}ABC`,
    issuerId: `${n}00-96fe-1a63-e053-0824d011072a`,
  };
}

/** A temporary project with `count` valid records; `fingerprint(i)` gives each key's thumbprint. */
export function generateCustomers(
  count: number,
  fingerprint: (i: number) => string = () => 'DOx8dVGPO3YbdqXUWixkPuZ1Bp-Y0TA-DoIC347i6R4',
  secret: (slug: string) => string = (slug) => `aws-sm:asc-keys/${slug}`,
): TempProject {
  const project = tempProject({});
  for (let i = 0; i < count; i++) {
    const c = generatedCustomer(i);
    writeFileSync(
      join(project.customers, `${c.slug}.yaml`),
      [
        `customer: ${c.slug}`,
        'app:',
        `  appleId: "${c.appleId}"`,
        'apiKey:',
        `  keyId: ${c.keyId}`,
        `  issuerId: ${c.issuerId}`,
        `  secret: ${secret(c.slug)}`,
        `  fingerprint: ${fingerprint(i)}`,
        '  createdOn: 2026-06-01',
        '',
      ].join('\n'),
    );
  }
  return project;
}

/**
 * Every generated customer's key, stored as asc-keys import stores it before the record is
 * merged (one test key for all, under each customer's own Key ID and Issuer ID).
 */
export async function storeGeneratedKeys(
  clients: MotoClients,
  loaded: Project,
  key: TestKey,
  now: Date,
): Promise<void> {
  const ctx = platformContext(loaded.platform!);
  for (const [i, r] of loaded.records.entries()) {
    const c = generatedCustomer(i);
    await storeAsImport(
      clients,
      customerDesiredState(r, ctx, now).secret!,
      fastlaneValue(key, { keyId: c.keyId, issuerId: c.issuerId }),
    );
  }
}
