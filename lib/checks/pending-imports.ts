import {
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import pLimit from 'p-limit';
import { daysBetween, today } from '../records/days.js';
import { CURRENT, KEY_ORDER, PENDING, recordVersionId, versionWith } from '../model/key-version.js';
import type { CustomerRecord } from '../records/customer-record.js';
import { isKeyProblem, parseKeyValue } from '../secrets/parse-key-value.js';
import { publicKeyThumbprint } from '../secrets/thumbprint.js';
import type { LiveSecret } from './live-aws-state.js';
import { TAG } from '../model/tags.js';

/** A key that `import` staged and no record names: its pull request is not merged (yet). */
export interface PendingImport {
  /** The customer the secret belongs to (its tag, else its name); null when neither says. */
  readonly customer: string | null;
  readonly secret: string;
  readonly version: string;
  /** From the staged value; null when it could not be read or is no key. */
  readonly keyId: string | null;
  readonly fingerprint: string | null;
  /** YYYY-MM-DD, the day the version was stored; null when Secrets Manager does not say. */
  readonly importedOn: string | null;
  /** Older than the grace period: no longer "awaiting merge" but a finding. */
  readonly overdue: boolean;
}

export interface PendingImportsOptions {
  readonly client: SecretsManagerClient;
  /** This tool's secrets (listManagedSecrets). */
  readonly live: readonly LiveSecret[];
  /** Every valid record: a pending version one of them names is merged, not pending. */
  readonly records: readonly CustomerRecord[];
  readonly namePrefix: string;
  readonly inScope: (customer: string | null) => boolean;
  readonly now: Date;
  readonly graceDays: number;
  /** @default 8 */
  readonly concurrency?: number;
}

/**
 * The pending versions that no record names. The version a record names is derived from the
 * record (key-version.ts), so this needs no value to tell them apart; the value is read (by the
 * validator, as check keys does) only to say which key is waiting, and is dropped at once.
 */
export async function findPendingImports(options: PendingImportsOptions): Promise<PendingImport[]> {
  const named = new Set(options.records.map(recordVersionId).filter((v): v is string => v !== undefined));
  const waiting = options.live.flatMap((s) => {
    const version = versionWith(s.stages, PENDING);
    if (s.deletedDate || version === undefined || named.has(version)) return [];
    const customer = s.tags[TAG.customer] ?? slugOf(s.name, options.namePrefix);
    return options.inScope(customer) ? [{ secret: s, version, customer }] : [];
  });
  const limit = pLimit(options.concurrency ?? 8);
  const day = today(options.now);
  const found = await Promise.all(
    waiting.map(({ secret, version, customer }) =>
      limit(async (): Promise<PendingImport> => {
        const [importedOn, key] = await Promise.all([
          createdOn(options.client, secret.arn, version),
          stagedKey(options.client, secret.arn),
        ]);
        return {
          customer,
          secret: secret.name,
          version,
          ...key,
          importedOn,
          overdue: importedOn !== null && daysBetween(importedOn, day) > options.graceDays,
        };
      }),
    ),
  );
  return found.sort(
    (a, b) => (a.customer ?? '').localeCompare(b.customer ?? '') || a.secret.localeCompare(b.secret),
  );
}

/** Whether a secret holds nothing but a pending key: an onboarding awaiting its merge, not an unmanaged secret. */
export function onlyPending(s: LiveSecret): boolean {
  const pending = versionWith(s.stages, PENDING);
  const current = versionWith(s.stages, CURRENT);
  return pending !== undefined && (current === undefined || current === pending);
}

/** The JSON entry of check keys and check drift. */
export function pendingJson(p: PendingImport): {
  customer: string | null;
  keyId: string | null;
  fingerprint: string | null;
  importedOn: string | null;
  overdue: boolean;
} {
  return {
    customer: p.customer,
    keyId: p.keyId,
    fingerprint: p.fingerprint,
    importedOn: p.importedOn,
    overdue: p.overdue,
  };
}

/** One line for a person: awaiting merge, or (past the grace period) what to do. */
export function pendingLine(p: PendingImport, graceDays: number): string {
  const who = p.customer ?? p.secret;
  const key = `key ${p.keyId ?? '(unreadable)'}${p.fingerprint ? ` (fingerprint ${p.fingerprint})` : ''}`;
  const since = p.importedOn ? `imported on ${p.importedOn}` : 'import day unknown';
  return p.overdue
    ? `${who}: an import was never merged (${key}, ${since}, more than ${graceDays} days ago): merge its pull request, or discard it with "asc-keys import --discard --customer ${who}"`
    : `${who}: awaiting merge: ${key}, ${since}, staged in ${p.secret} (${KEY_ORDER})`;
}

function slugOf(name: string, prefix: string): string | null {
  return name.startsWith(`${prefix}/`) && !name.slice(prefix.length + 1).includes('/')
    ? name.slice(prefix.length + 1)
    : null;
}

async function createdOn(client: SecretsManagerClient, arn: string, version: string): Promise<string | null> {
  let token: string | undefined;
  do {
    const page = await client.send(new ListSecretVersionIdsCommand({ SecretId: arn, NextToken: token }));
    const v = page.Versions?.find((x) => x.VersionId === version);
    if (v) return v.CreatedDate ? today(v.CreatedDate) : null;
    token = page.NextToken || undefined;
  } while (token);
  return null;
}

async function stagedKey(
  client: SecretsManagerClient,
  arn: string,
): Promise<{ keyId: string | null; fingerprint: string | null }> {
  const none = { keyId: null, fingerprint: null };
  let value: string | undefined;
  try {
    value = (await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: PENDING })))
      .SecretString;
  } catch {
    // What is waiting is still reported, by its version; the day and the customer say enough to act.
    return none;
  }
  if (value === undefined) return none;
  const key = await parseKeyValue(value);
  value = undefined;
  if (isKeyProblem(key)) return none;
  return {
    keyId: typeof key.keyId === 'string' ? key.keyId : null,
    fingerprint: await publicKeyThumbprint(key.publicJwk),
  };
}

/**
 * For check keys: a record whose key is staged but not current is merged and not yet deployed;
 * its check fails until the deploy, and this says so instead of pointing at the store.
 */
export function awaitingDeploy(record: CustomerRecord, live: readonly LiveSecret[]): string | undefined {
  const version = recordVersionId(record);
  const ref = record.secret;
  const secret = ref.scheme === 'aws-sm' ? live.find((s) => s.name === ref.name) : undefined;
  if (!version || !secret || versionWith(secret.stages, PENDING) !== version) return undefined;
  return `the key that ${record.file} names is imported and merged but not deployed yet (pending version ${version} of ${secret.name}): the deploy of customer-${record.customer} makes it current (${KEY_ORDER})`;
}
