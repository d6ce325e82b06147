import pLimit from 'p-limit';
import { checkWithApple, type AppleCode, type AppleRetry } from '../apple/check-with-apple.js';
import type { RetryPolicy } from '../apple/retry-policy.js';
import type { Clock } from '../apple/clock.js';
import { rotationStatus } from '../model/rotation.js';
import type { CustomerRecord } from '../records/customer-record.js';
import type { Position } from '../records/finding.js';
import type { KeyMaterial } from '../secrets/key-material.js';
import { valueIdMismatches, type IdMismatch } from './value-ids.js';
import { isKeyProblem, parseKeyValue } from '../secrets/parse-key-value.js';
import { BATCH_SIZE } from '../secrets/aws-secrets-manager-store.js';
import type { SecretRead, SecretStore } from '../secrets/secret-store.js';
import { publicKeyThumbprint } from '../secrets/thumbprint.js';
import type { Selection } from './select-customers.js';

export type KeyCheckCode =
  | AppleCode
  | 'SECRET_NOT_FOUND'
  | 'SECRET_ACCESS_DENIED'
  | 'P8_INVALID'
  | 'KEY_ID_MISMATCH'
  | 'FINGERPRINT_MISMATCH'
  | 'RECORD_INVALID'
  | 'AWS_UNAVAILABLE';
export type KeyStatus = 'valid' | 'invalid' | 'inconclusive';

const INCONCLUSIVE: ReadonlySet<KeyCheckCode> = new Set([
  'APPLE_UNAVAILABLE',
  'APPLE_UNEXPECTED',
  'AWS_UNAVAILABLE',
]);

export function statusOf(code: KeyCheckCode): KeyStatus {
  return code === 'OK' ? 'valid' : INCONCLUSIVE.has(code) ? 'inconclusive' : 'invalid';
}

export interface KeyCheckResult {
  readonly customer: string;
  readonly file: string;
  readonly keyId: string | null;
  readonly status: KeyStatus;
  readonly code: KeyCheckCode;
  readonly message: string;
  readonly rotationDue: string | null;
  readonly rotationOverdue: boolean | null;
  /** Days since the record's createdOn; null for a record that fails lint. */
  readonly ageDays: number | null;
  /** Where annotations go: the record's apiKey line. */
  readonly position: Position;
}

export interface CheckKeysOptions {
  readonly stores: ReadonlyMap<string, SecretStore>;
  readonly ascBaseUrl: string;
  /** Keys checked at once, so Apple requests in flight at once. */
  readonly concurrency: number;
  readonly clock: Clock;
  readonly retry?: RetryPolicy;
  readonly onProgress?: (done: number, total: number) => void;
  /** Told before each wait between Apple's attempts for a customer's key. */
  readonly onAppleRetry?: (customer: string, retry: AppleRetry) => void;
}

/**
 * Can each stored key still sign a token Apple accepts? The first failure decides, in the
 * order record, secret read, key parsing, IDs, fingerprint, Apple; Apple is not asked about
 * a key that already failed locally. One customer's failure never stops the others.
 */
export async function checkKeys(selection: Selection, options: CheckKeysOptions): Promise<KeyCheckResult[]> {
  const total = selection.records.length + selection.invalid.size;
  let done = 0;
  const progress = (): void => options.onProgress?.(++done, total);
  const now = new Date(options.clock.now());

  const invalid = [...selection.invalid].map(([file, customer]): KeyCheckResult => {
    progress();
    return {
      customer,
      file,
      keyId: null,
      status: 'invalid',
      code: 'RECORD_INVALID',
      message: `the record has lint errors; run "asc-keys lint" and fix ${file}`,
      rotationDue: null,
      rotationOverdue: null,
      ageDays: null,
      position: { line: 1, column: 1 },
    };
  });

  const reads = readInGroups(selection.records, options.stores);
  // Two stages. Local checks import each key (about a millisecond of OpenSSL on libuv's small
  // thread pool), two at a time, so they run while requests wait on Apple instead of queueing
  // in front of every signature; Apple requests are bounded by --concurrency.
  const local = pLimit(2);
  const apple = pLimit(options.concurrency);
  const checked = await Promise.all(
    selection.records.map(async (record) => {
      const read = (await reads.get(record.customer)!).get(record.secret.raw)!;
      const checkedLocally = await local(() => checkLocally(record, read));
      const result =
        'code' in checkedLocally
          ? checkedLocally
          : await apple(() => askApple(record, checkedLocally.key, options));
      progress();
      const rotation = rotationStatus(record, now);
      return {
        customer: record.customer,
        file: record.file,
        keyId: record.keyId,
        status: statusOf(result.code),
        ...result,
        rotationDue: rotation.dueOn,
        rotationOverdue: rotation.overdue,
        ageDays: rotation.ageDays,
        position: record.positions.apiKey,
      };
    }),
  );
  return [...checked, ...invalid].sort((a, b) =>
    a.customer < b.customer ? -1 : a.customer > b.customer ? 1 : 0,
  );
}

/**
 * Asks each store for its secrets a batch (20) at a time, so that a customer's Apple probe
 * starts as soon as its own batch is in rather than after every secret is read. Returns, per
 * customer, the pending reads of its group.
 */
function readInGroups(
  records: readonly CustomerRecord[],
  stores: ReadonlyMap<string, SecretStore>,
): Map<string, Promise<Map<string, SecretRead>>> {
  const pending = new Map<string, Promise<Map<string, SecretRead>>>();
  const byScheme = new Map<string, CustomerRecord[]>();
  for (const r of records) {
    const group = byScheme.get(r.secret.scheme);
    if (group) group.push(r);
    else byScheme.set(r.secret.scheme, [r]);
  }
  for (const [scheme, group] of byScheme) {
    const store = stores.get(scheme);
    if (!store) throw new Error(`no secret store for the scheme ${scheme}`);
    for (let i = 0; i < group.length; i += BATCH_SIZE) {
      const slice = group.slice(i, i + BATCH_SIZE);
      const read = store.readMany(slice.map((r) => r.secret));
      for (const r of slice) pending.set(r.customer, read);
    }
  }
  return pending;
}

type Verdict = { code: KeyCheckCode; message: string };

/** Secret read, key parsing, IDs, fingerprint: the first failure decides. */
async function checkLocally(
  record: CustomerRecord,
  read: SecretRead,
): Promise<Verdict | { key: KeyMaterial }> {
  if (!read.ok) return { code: read.code, message: read.message };
  const key = await parseKeyValue(read.value);
  if (isKeyProblem(key)) return { ...key, message: `${key.message} (${record.secret.raw})` };
  const [mismatch] = valueIdMismatches(record, key);
  if (mismatch) return { code: 'KEY_ID_MISMATCH', message: idMismatchMessage(mismatch) };
  const thumbprint = await publicKeyThumbprint(key.publicJwk);
  if (thumbprint !== record.fingerprint) {
    return {
      code: 'FINGERPRINT_MISMATCH',
      message: `the stored key's thumbprint is ${thumbprint}, the record says ${record.fingerprint}: the secret holds another key than the record describes; import the key that the record names (import, then merge, then deploy), or fix the record if it is the one that is wrong`,
    };
  }
  return { key };
}

async function askApple(
  record: CustomerRecord,
  key: KeyMaterial,
  options: CheckKeysOptions,
): Promise<Verdict> {
  const verdict = await checkWithApple(
    key.signingKey,
    { keyId: record.keyId, ...(record.issuerId !== undefined && { issuerId: record.issuerId }) },
    record.appleId,
    {
      baseUrl: options.ascBaseUrl,
      clock: options.clock,
      ...(options.retry && { retry: options.retry }),
      ...(options.onAppleRetry && { onRetry: (r: AppleRetry) => options.onAppleRetry!(record.customer, r) }),
    },
  );
  return { code: verdict.code, message: verdict.message };
}

function idMismatchMessage(m: IdMismatch): string {
  return m.field === 'key_id'
    ? `the stored value's key_id is ${m.actual}, the record says ${m.expected}; import the key that the record names (import, then merge, then deploy), or fix apiKey.keyId if the record is the one that is wrong`
    : `the stored value's issuer_id is ${m.actual ?? 'null (individual key)'}, the record says ${m.expected ?? 'none (individual key)'}; fix the secret or apiKey.issuerId`;
}
