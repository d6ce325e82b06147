import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/support/project.ts, or dist/test/support/project.js in `npm run bench`). */
const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, HERE.endsWith(join('dist', 'test', 'support')) ? '../../..' : '../..');

export const EXAMPLE_CONFIG = JSON.parse(readFileSync(join(REPO, 'cdktf.json'), 'utf8')) as {
  context: { platform: Record<string, unknown> };
};

export interface RecordFields {
  customer?: string;
  appleId?: string;
  keyId?: string;
  issuerId?: string | null;
  secret?: string;
  fingerprint?: string;
  createdOn?: string;
  extra?: string;
}

/**
 * A valid record as text, one field a line, so tests know each field's line:
 * 1 customer, 3 app, 4 appleId, 5 apiKey, 6 keyId, 7 issuerId, 8 secret, 9 fingerprint, 10 createdOn.
 */
export function recordText(f: RecordFields = {}): string {
  const customer = f.customer ?? 'acme-corp';
  return [
    `customer: ${customer}`,
    'displayName: ACME Corp',
    'app:',
    `  appleId: "${f.appleId ?? '1234567890'}"`,
    'apiKey:',
    `  keyId: ${f.keyId ?? '2X9R4HXF34'}`,
    f.issuerId === null
      ? '  type: individual'
      : `  issuerId: ${f.issuerId ?? '57246542-96fe-1a63-e053-0824d011072a'}`,
    `  secret: ${f.secret ?? `aws-sm:asc-keys/${customer}`}`,
    `  fingerprint: ${f.fingerprint ?? 'DOx8dVGPO3YbdqXUWixkPuZ1Bp-Y0TA-DoIC347i6R4'}`,
    `  createdOn: ${f.createdOn ?? '2026-06-01'}`,
    ...(f.extra ? [f.extra] : []),
    '',
  ].join('\n');
}

export interface TempProject {
  readonly dir: string;
  readonly customers: string;
  readonly config: string;
}

/** A directory with a cdktf.json and a customers/ folder holding `files`. */
export function tempProject(
  files: Record<string, string | Buffer>,
  platform: Record<string, unknown> = EXAMPLE_CONFIG.context.platform,
): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'asc-keys-test-'));
  const customers = join(dir, 'customers');
  mkdirSync(customers);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(customers, name), content);
  const config = join(dir, 'cdktf.json');
  writeFileSync(config, JSON.stringify({ ...EXAMPLE_CONFIG, context: { platform } }, null, 2));
  return { dir, customers, config };
}
