import type { KMSClient } from '@aws-sdk/client-kms';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  customerDesiredState,
  reminderId,
  SECRET_ID,
  SECRET_POLICY_ID,
  type CustomerDesiredState,
} from '../model/customer-desired.js';
import { platformNames, type PlatformNames } from '../model/platform-names.js';
import type { CustomerRecord } from '../records/customer-record.js';
import type { Position } from '../records/finding.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import { isKeyProblem, parseKeyValue } from '../secrets/parse-key-value.js';
import type { SecretRead, SecretStore } from '../secrets/secret-store.js';
import { publicKeyThumbprint } from '../secrets/thumbprint.js';
import { valueIdMismatches } from '../secrets/value-ids.js';
import {
  AwsReadError,
  getPolicies,
  getSchedules,
  listManagedSecrets,
  resolveAlias,
  type LiveSchedule,
  type LiveSecret,
} from './live-aws-state.js';
import { canonicalPolicy } from './policy-equality.js';

export type DriftKind = 'missing' | 'unmanaged' | 'changed' | 'value';

export interface DriftFinding {
  readonly customer: string | null;
  readonly resource: string;
  readonly kind: DriftKind;
  readonly field: string | null;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly message: string;
  /** The record, for annotations; absent for unmanaged secrets. */
  readonly file?: string;
  readonly position?: Position;
}

export interface DriftOptions {
  readonly platform: PlatformConfig;
  /** Every valid record: a secret that one of them names is never unmanaged. */
  readonly allRecords: readonly CustomerRecord[];
  /** The records to compare (after --customer and --shard). */
  readonly selected: readonly CustomerRecord[];
  /** Slugs of invalid records: their secrets are not reported as unmanaged either. */
  readonly invalidSlugs: ReadonlySet<string>;
  /** Whether an unmanaged secret (by the customer its tag names, or null) belongs to this run. */
  readonly inScope: (customer: string | null) => boolean;
  readonly clients: {
    readonly secretsManager: SecretsManagerClient;
    readonly scheduler: SchedulerClient;
    readonly kms: KMSClient;
  };
  readonly store: SecretStore;
  readonly now: Date;
  /** Calls in flight at once for per-secret and per-schedule reads. @default 16 */
  readonly concurrency?: number;
}

const SECRET = `aws_secretsmanager_secret.${SECRET_ID}`;
const POLICY = `aws_secretsmanager_secret_policy.${SECRET_POLICY_ID}`;

/** Does live AWS match the records? Read-only: List, Get and Describe calls, and the values' IDs. */
export async function checkDrift(options: DriftOptions): Promise<DriftFinding[]> {
  const names = platformNames(options.platform);
  const concurrency = options.concurrency ?? 16;
  const { secretsManager, scheduler, kms } = options.clients;
  const desired = options.selected.map((r) => ({
    record: r,
    state: customerDesiredState(r, options.platform, names, options.now),
  }));

  const [live, alias] = await Promise.all([
    listManagedSecrets(secretsManager),
    resolveAlias(kms, names.kmsAliasName),
  ]);
  const liveByName = new Map(live.map((s) => [s.name, s]));
  const found = desired.map(({ record, state }) => ({
    record,
    state,
    secret: state.secret && liveByName.get(state.secret.name),
  }));
  const readable = found.filter((f) => f.secret && !f.secret.deletedDate);

  const wantedSchedules = new Set(desired.flatMap((d) => d.state.reminders.map((r) => r.name)));
  const [policies, schedules, values] = await Promise.all([
    getPolicies(
      secretsManager,
      readable.map((f) => f.secret!.arn),
      concurrency,
    ),
    wantedSchedules.size
      ? getSchedules(scheduler, names.scheduleGroupName, wantedSchedules, concurrency)
      : Promise.resolve(new Map()),
    options.store.readMany(
      readable.map((f) => ({
        scheme: 'aws-sm',
        raw: `aws-sm:${f.secret!.arn}`,
        secretId: f.secret!.arn,
        name: f.secret!.name,
      })),
    ),
  ]);

  const findings: DriftFinding[] = [];
  for (const { record, state, secret } of found) {
    const add = (f: Omit<DriftFinding, 'customer' | 'file' | 'position'>): void =>
      void findings.push({
        customer: record.customer,
        file: record.file,
        position: record.positions.apiKey,
        ...f,
      });
    if (state.secret) {
      if (!secret) {
        add({
          resource: SECRET,
          kind: 'missing',
          field: null,
          expected: state.secret.name,
          actual: null,
          message: `the secret ${state.secret.name} does not exist; apply the stack customer-${record.customer}, then store the key (see README.md, Onboarding a customer)`,
        });
      } else if (secret.deletedDate) {
        add({
          resource: SECRET,
          kind: 'changed',
          field: 'deletion',
          expected: null,
          actual: secret.deletedDate.toISOString(),
          message: `the secret ${secret.name} is scheduled for deletion (since ${secret.deletedDate.toISOString()}); restore it with "aws secretsmanager restore-secret --secret-id ${secret.name}" before the recovery window ends`,
        });
      } else {
        compareSecret(state, secret, names, alias, add);
        comparePolicy(state, policies.get(secret.arn), add);
        const read = values.get(`aws-sm:${secret.arn}`);
        if (read) await compareValue(record, read, add);
      }
    }
    compareReminders(state, schedules, add);
  }

  const known = new Set(
    options.allRecords.map((r) => (r.secret.scheme === 'aws-sm' ? r.secret.name : undefined)),
  );
  for (const s of live) {
    const customer = s.tags.customer ?? null;
    if (
      known.has(s.name) ||
      (customer !== null && options.invalidSlugs.has(customer)) ||
      !options.inScope(customer)
    )
      continue;
    findings.push({
      customer,
      resource: `aws_secretsmanager_secret.${s.name}`,
      kind: 'unmanaged',
      field: null,
      expected: null,
      actual: s.arn,
      message: `the secret ${s.name} is tagged managed-by=asc-keys but no record names it${customer ? ` (its customer tag says ${customer})` : ''}; delete it, or add the record back`,
    });
  }
  return findings;
}

type Add = (f: Omit<DriftFinding, 'customer' | 'file' | 'position'>) => void;

function compareSecret(
  state: CustomerDesiredState,
  live: LiveSecret,
  names: PlatformNames,
  alias: { keyId: string; arn: string } | undefined,
  add: Add,
): void {
  const want = state.secret!;
  if ((live.description ?? '') !== want.description) {
    add({
      resource: SECRET,
      kind: 'changed',
      field: 'description',
      expected: want.description,
      actual: live.description ?? null,
      message: `the description of ${want.name} differs from the record`,
    });
  }
  const kmsMatches = [names.kmsAliasName, names.kmsAliasArn, alias?.keyId, alias?.arn].includes(
    live.kmsKeyId,
  );
  if (!kmsMatches) {
    add({
      resource: SECRET,
      kind: 'changed',
      field: 'kms_key_id',
      expected: want.kmsKeyId,
      actual: live.kmsKeyId ?? null,
      message: `${want.name} is encrypted with another KMS key than the platform's ${names.kmsAliasName}`,
    });
  }
  for (const key of new Set([...Object.keys(want.tags), ...Object.keys(live.tags)])) {
    const expected = want.tags[key] ?? null;
    const actual = live.tags[key] ?? null;
    if (expected !== actual) {
      const what =
        expected === null
          ? 'was added'
          : actual === null
            ? 'was removed'
            : `is "${actual}", not "${expected}"`;
      add({
        resource: SECRET,
        kind: 'changed',
        field: `tags.${key}`,
        expected,
        actual,
        message: `the tag ${key} of ${want.name} ${what}`,
      });
    }
  }
}

function comparePolicy(state: CustomerDesiredState, live: string | undefined, add: Add): void {
  const want = state.secret!;
  if (live === undefined) {
    add({
      resource: POLICY,
      kind: 'changed',
      field: 'policy',
      expected: want.policy,
      actual: null,
      message: `${want.name} has no resource policy: only IAM policies stand between the key and every principal of the account; apply the stack customer-${state.customer}`,
    });
    return;
  }
  let actual: unknown;
  try {
    actual = JSON.parse(live);
  } catch {
    actual = live;
  }
  if (canonicalPolicy(actual) !== canonicalPolicy(want.policy)) {
    add({
      resource: POLICY,
      kind: 'changed',
      field: 'policy',
      expected: want.policy,
      actual,
      message: `the resource policy of ${want.name} differs from the record's (compared as documents); apply the stack customer-${state.customer}`,
    });
  }
}

async function compareValue(record: CustomerRecord, read: SecretRead, add: Add): Promise<void> {
  if (!read.ok) {
    if (read.code === 'SECRET_NOT_FOUND')
      add({
        resource: SECRET,
        kind: 'value',
        field: 'value',
        expected: record.keyId,
        actual: null,
        message: `${record.secret.raw} has no current value; store the key (see README.md, Onboarding a customer)`,
      });
    else throw new AwsReadError(`reading the value of ${record.secret.raw}`, { name: read.code });
    return;
  }
  const key = await parseKeyValue(read.value);
  if (isKeyProblem(key)) {
    add({
      resource: SECRET,
      kind: 'value',
      field: 'value',
      expected: record.keyId,
      actual: null,
      message: `${record.secret.raw} ${key.message.replace(/^the stored value /, 'holds a value that ')}`,
    });
    return;
  }
  for (const m of valueIdMismatches(record, key)) {
    const message =
      m.field === 'key_id'
        ? `the stored value's key_id is ${m.actual}, the record names ${m.expected}`
        : 'the stored value names another issuer than the record';
    add({ resource: SECRET, kind: 'value', field: m.field, expected: m.expected, actual: m.actual, message });
  }
  const thumbprint = await publicKeyThumbprint(key.publicJwk);
  if (thumbprint !== record.fingerprint) {
    add({
      resource: SECRET,
      kind: 'value',
      field: 'fingerprint',
      expected: record.fingerprint,
      actual: thumbprint,
      message: 'the stored key is another key than the record describes (public-key thumbprints differ)',
    });
  }
}

function compareReminders(
  state: CustomerDesiredState,
  schedules: ReadonlyMap<string, LiveSchedule>,
  add: Add,
): void {
  for (const r of state.reminders) {
    const resource = `aws_scheduler_schedule.${reminderId(r.daysBefore)}`;
    const live = schedules.get(r.name);
    if (!live) {
      add({
        resource,
        kind: 'missing',
        field: null,
        expected: r.scheduleExpression,
        actual: null,
        message: `the reminder ${r.name} (${r.daysBefore} days before the due day) does not exist; apply the stack customer-${state.customer}`,
      });
      continue;
    }
    const fields: [string, unknown, unknown][] = [
      ['schedule_expression', r.scheduleExpression, live.ScheduleExpression],
      ['schedule_expression_timezone', 'UTC', live.ScheduleExpressionTimezone ?? 'UTC'],
      ['state', 'ENABLED', live.State ?? 'ENABLED'],
      ['target.arn', r.targetArn, live.Target?.Arn],
      ['target.role_arn', r.roleArn, live.Target?.RoleArn],
      ['target.input', r.message, live.Target?.Input],
    ];
    for (const [field, expected, actual] of fields) {
      if (expected !== actual)
        add({
          resource,
          kind: 'changed',
          field,
          expected,
          actual: actual ?? null,
          message: `the reminder ${r.name}: ${field} differs from the record`,
        });
    }
  }
}
