import type { AwsClients } from '../aws/clients.js';
import { AwsReadError } from '../aws/read.js';
import { customerDesiredState, type CustomerDesiredState } from '../model/customer-desired.js';
import { address, TF } from '../model/desired-resources.js';
import { addDays } from '../records/days.js';
import { KEY_ORDER, PENDING, recordVersionId, versionWith } from '../model/key-version.js';
import { platformContext, type PlatformContext } from '../model/platform-context.js';
import { parseReminderName } from '../model/reminders.js';
import { MANAGED_BY, TAG } from '../model/tags.js';
import type { CustomerRecord } from '../records/customer-record.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import { isKeyProblem, parseKeyValue } from '../secrets/parse-key-value.js';
import type { SecretRead, SecretStore } from '../secrets/secret-store.js';
import { publicKeyThumbprint } from '../secrets/thumbprint.js';
import { valueIdMismatches } from './value-ids.js';
import { policyRow, scheduleRows, secretRows } from './drift-fields.js';
import { addChanged, addReplicaFinding, type AddFinding, type DriftFinding } from './drift-finding.js';
import {
  getKeyByAlias,
  getPolicies,
  getReplicaRegions,
  getSchedules,
  listManagedSecrets,
  listScheduleNames,
  type LiveKey,
  type LiveSchedule,
  type LiveSecret,
} from './live-aws-state.js';
import { findPendingImports, onlyPending, pendingLine, type PendingImport } from './pending-imports.js';
import { checkPlatformDrift } from './platform-drift.js';

export type { DriftFinding, DriftKind } from './drift-finding.js';

export interface DriftOptions {
  readonly platform: PlatformConfig;
  /** Every valid record: a secret or reminder that one of them names is never unmanaged. */
  readonly allRecords: readonly CustomerRecord[];
  /** The records to compare (after --customer and --shard). */
  readonly selected: readonly CustomerRecord[];
  /** Slugs of invalid records: their secrets are not reported as unmanaged either. */
  readonly invalidSlugs: ReadonlySet<string>;
  /**
   * Whether what a customer (or null: nobody, and the platform stack) owns belongs to this run:
   * unmanaged resources by the customer they name, the platform stack as null.
   */
  readonly inScope: (customer: string | null) => boolean;
  readonly clients: AwsClients;
  readonly store: SecretStore;
  readonly now: Date;
  /** Calls in flight at once for per-secret and per-schedule reads. @default 16 */
  readonly concurrency?: number;
}

export interface DriftResult {
  readonly findings: DriftFinding[];
  /** Keys import staged that no record names: awaiting merge, or (overdue) also a finding. */
  readonly pending: PendingImport[];
  /** Facts worth a line that are not drift (a secret of an offboarded customer in its recovery window). */
  readonly notes: string[];
}

/**
 * Does live AWS match the records and the platform configuration? Read-only: List, Get and
 * Describe calls, and the values' IDs. A read that fails (after the SDK's retries) throws: drift
 * never reports what it could not verify.
 */
export async function checkDrift(options: DriftOptions): Promise<DriftResult> {
  const ctx = platformContext(options.platform);
  const { names } = ctx;
  const concurrency = options.concurrency ?? 16;
  const { secretsManager, scheduler, kms } = options.clients;
  const selected = new Set(options.selected.map((r) => r.customer));
  const everyone = options.allRecords.map((r) => ({
    record: r,
    state: customerDesiredState(r, ctx, options.now),
  }));
  const desired = everyone.filter((d) => selected.has(d.record.customer));

  const [live, key, scheduleNames] = await settledInOrder([
    listManagedSecrets(secretsManager, names.secretNamePrefix),
    getKeyByAlias(kms, names.kmsAliasName),
    listScheduleNames(scheduler, names.scheduleGroupName),
  ]);
  const liveByName = new Map(live.map((s) => [s.name, s]));
  const found = desired.map((d) => ({ ...d, secret: d.state.secret && liveByName.get(d.state.secret.name) }));
  const readable = found.filter((f) => f.secret && !f.secret.deletedDate);
  const existing = new Set(scheduleNames);
  const wanted = desired.flatMap((d) => d.state.reminders.map((r) => r.name)).filter((n) => existing.has(n));

  const readableArns = readable.map((f) => f.secret!.arn);
  const [policies, replicas, schedules, values, platform, pending] = await settledInOrder([
    getPolicies(secretsManager, readableArns, concurrency),
    getReplicaRegions(secretsManager, readableArns, concurrency),
    getSchedules(scheduler, names.scheduleGroupName, wanted, concurrency),
    options.store.readMany(
      readable.map((f) => ({
        scheme: 'aws-sm',
        raw: `aws-sm:${f.secret!.arn}`,
        secretId: f.secret!.arn,
        name: f.secret!.name,
      })),
    ),
    options.inScope(null) ? checkPlatformDrift(ctx, options.clients, key, concurrency) : Promise.resolve([]),
    findPendingImports({
      client: secretsManager,
      live,
      records: options.allRecords,
      namePrefix: options.platform.namePrefix,
      inScope: options.inScope,
      now: options.now,
      graceDays: options.platform.pendingImportGraceDays,
    }),
  ]);

  const findings: DriftFinding[] = [];
  const notes: string[] = [];
  for (const { record, state, secret } of found) {
    const add: AddFinding = (f) =>
      void findings.push({
        customer: record.customer,
        file: record.file,
        position: record.positions.apiKey,
        ...f,
      });
    if (state.secret) {
      if (!secret) {
        add({
          resource: address(TF.secret, state.secret.id),
          kind: 'missing',
          field: null,
          expected: state.secret.name,
          actual: null,
          message: `the secret ${state.secret.name} does not exist: import the key that ${record.file} names ("asc-keys import --customer ${record.customer} …"), then the deploy of ${state.stackName} adopts the secret and makes the key current (${KEY_ORDER}); applying the stack first fails, as it has no secret to adopt`,
        });
      } else if (secret.deletedDate) {
        add({
          resource: address(TF.secret, state.secret.id),
          kind: 'changed',
          field: 'deletion',
          expected: null,
          actual: secret.deletedDate.toISOString(),
          message: `the secret ${secret.name} is scheduled for deletion; restore it with "aws secretsmanager restore-secret --secret-id ${secret.name}" by ${restorableUntil(secret.deletedDate, options.now, ctx.platform.secretRecoveryWindowDays)}, when its recovery window ends; once it has ended, import a new key (${KEY_ORDER})`,
        });
      } else {
        compareSecret(ctx, state, secret, key, policies.get(secret.arn), add);
        addReplicaFinding(add, address(TF.secret, state.secret.id), secret.name, replicas.get(secret.arn));
        const read = values.get(`aws-sm:${secret.arn}`);
        if (read) await compareValue(record, read, awaitingDeploy(record, secret, state.stackName), add);
      }
    }
    // A stack whose secret is missing or deleted cannot be applied (it adopts the secret):
    // its reminders wait for the import or the restore that the secret's finding names.
    const unready = state.secret && (!secret || secret.deletedDate);
    compareReminders(
      state,
      schedules,
      add,
      unready
        ? `import the key, or restore the secret ${state.secret!.name}, first (its own finding says which); the deploy of ${state.stackName} then creates it, while applying the stack before that fails (${KEY_ORDER})`
        : `apply the stack ${state.stackName}`,
    );
  }

  for (const p of pending) {
    const line = pendingLine(p, options.platform.pendingImportGraceDays);
    if (!p.overdue) {
      notes.push(line);
      continue;
    }
    findings.push({
      customer: p.customer,
      resource: address(TF.secret, p.secret),
      kind: 'pending',
      field: 'AWSPENDING',
      expected: null,
      actual: p.version,
      message: line,
    });
  }
  unmanagedSecrets(options, ctx, live, findings, notes);
  unmanagedSchedules(options, everyone, scheduleNames, names.scheduleGroupName, findings);
  findings.push(...platform);
  return { findings, notes, pending };
}

/**
 * Promise.all, but when several reads fail the error reported is the first in argument order,
 * not the first to arrive: the same outage gives the same message every time.
 */
async function settledInOrder<T extends readonly unknown[]>(
  promises: readonly [...{ [K in keyof T]: Promise<T[K]> }],
): Promise<T> {
  const results = await Promise.allSettled(promises);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function compareSecret(
  ctx: PlatformContext,
  state: CustomerDesiredState,
  live: LiveSecret,
  key: LiveKey | undefined,
  policy: string | undefined,
  add: AddFinding,
): void {
  const want = state.secret!;
  const fix = `apply the stack ${state.stackName}`;
  const kmsKeyIds = [ctx.names.kmsAliasName, ctx.names.kmsAliasArn, ...(key ? [key.keyId, key.arn] : [])];
  addChanged(add, address(TF.secret, want.id), want.name, secretRows(want, live, kmsKeyIds), fix);
  if (policy === undefined) {
    add({
      resource: address(TF.secretPolicy, want.policyId),
      kind: 'changed',
      field: 'policy',
      expected: want.policy,
      actual: null,
      message: `${want.name} has no resource policy: only IAM policies stand between the key and every principal of the account; ${fix}`,
    });
    return;
  }
  addChanged(
    add,
    address(TF.secretPolicy, want.policyId),
    `the resource policy of ${want.name}`,
    [policyRow('policy', want.policy, policy)],
    `${fix} (compared as documents)`,
  );
}

/** When the record's version is staged but not current: merged, not yet deployed. */
function awaitingDeploy(record: CustomerRecord, secret: LiveSecret, stackName: string): string | undefined {
  const version = recordVersionId(record);
  return version !== undefined && versionWith(secret.stages, PENDING) === version
    ? `; the key the record names is staged (version ${version}) and takes effect with the deploy of ${stackName}`
    : undefined;
}

/**
 * The last day a secret scheduled for deletion can be restored. AWS reports the day the
 * deletion was asked for as DeletedDate, moto the day it will happen: a DeletedDate still ahead
 * is the latter, one in the past the former, to which the recovery window is added.
 */
export function restorableUntil(deletedDate: Date, now: Date, windowDays: number): string {
  return deletedDate > now
    ? deletedDate.toISOString().slice(0, 10)
    : addDays(deletedDate.toISOString().slice(0, 10), windowDays);
}

async function compareValue(
  record: CustomerRecord,
  read: SecretRead,
  awaiting: string | undefined,
  addFinding: AddFinding,
): Promise<void> {
  const resource = address(TF.secret, 'key');
  const add: AddFinding = (f) => addFinding({ ...f, message: `${f.message}${awaiting ?? ''}` });
  if (!read.ok) {
    if (read.code !== 'SECRET_NOT_FOUND') {
      // The store's message names the cause and, after its last "; ", the fix (a resource
      // policy, a disabled key, an outage).
      const cut = read.message.lastIndexOf('; ');
      throw new AwsReadError(
        `reading the value of ${record.secret.raw}`,
        { name: read.code },
        {
          what: `${read.code}: ${cut < 0 ? read.message : read.message.slice(0, cut)}`,
          next: cut < 0 ? 'run again later' : read.message.slice(cut + 2),
        },
      );
    }
    add({
      resource,
      kind: 'value',
      field: 'value',
      expected: record.keyId,
      actual: null,
      message: awaiting
        ? `${record.secret.raw} has no current value yet`
        : `${record.secret.raw} has no current value; import the key that ${record.file} names ("asc-keys import --customer ${record.customer} …"), then deploy (${KEY_ORDER})`,
    });
    return;
  }
  const key = await parseKeyValue(read.value);
  if (isKeyProblem(key)) {
    add({
      resource,
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
    add({ resource, kind: 'value', field: m.field, expected: m.expected, actual: m.actual, message });
  }
  const thumbprint = await publicKeyThumbprint(key.publicJwk);
  if (thumbprint !== record.fingerprint) {
    add({
      resource,
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
  schedules: ReadonlyMap<string, LiveSchedule | undefined>,
  add: AddFinding,
  fix: string,
): void {
  for (const r of state.reminders) {
    const resource = address(TF.schedule, r.id);
    const live = schedules.get(r.name);
    const what =
      r.daysBefore === null ? 'weekly reminder' : `reminder ${r.daysBefore} days before the due day`;
    if (!live) {
      add({
        resource,
        kind: 'missing',
        field: null,
        expected: r.scheduleExpression,
        actual: null,
        message: `the ${what} (${r.name}) does not exist; ${fix}`,
      });
      continue;
    }
    addChanged(add, resource, `the reminder ${r.name}`, scheduleRows(r, live), fix);
  }
}

/**
 * Secrets of this tool that no record names. One pending deletion is an offboarding in its
 * recovery window: a note, not a finding.
 */
function unmanagedSecrets(
  options: DriftOptions,
  ctx: PlatformContext,
  live: readonly LiveSecret[],
  findings: DriftFinding[],
  notes: string[],
): void {
  const known = new Set(
    options.allRecords.map((r) => (r.secret.scheme === 'aws-sm' ? r.secret.name : undefined)),
  );
  for (const s of live) {
    const customer = s.tags[TAG.customer] ?? null;
    if (
      known.has(s.name) ||
      (customer !== null && options.invalidSlugs.has(customer)) ||
      !options.inScope(customer)
    )
      continue;
    if (s.deletedDate) {
      const until = restorableUntil(s.deletedDate, options.now, ctx.platform.secretRecoveryWindowDays);
      notes.push(
        `the secret ${s.name} of a removed record is scheduled for deletion; it can be restored until ${until}, when its recovery window ends: aws secretsmanager restore-secret --secret-id ${s.name}`,
      );
      continue;
    }
    if (s.tags[TAG.managedBy] === undefined) continue; // under the prefix but never tagged as ours
    // An onboarding whose pull request is not merged: reported as a pending import.
    if (onlyPending(s)) continue;
    findings.push({
      customer,
      resource: address(TF.secret, s.name),
      kind: 'unmanaged',
      field: null,
      expected: null,
      actual: s.arn,
      message: `the secret ${s.name} is tagged ${TAG.managedBy}=${MANAGED_BY} but no record names it${customer ? ` (its customer tag says ${customer})` : ''}: if its record was removed by mistake, put the record back; if the customer left, merge the record's removal and deploy it, which schedules the secret's deletion with a recovery window`,
    });
  }
}

/** Schedules in the group that no record wants, save one-time reminders that have fired (or are about to). */
function unmanagedSchedules(
  options: DriftOptions,
  everyone: readonly { state: CustomerDesiredState }[],
  scheduleNames: readonly string[],
  group: string,
  findings: DriftFinding[],
): void {
  const ours = new Set(
    everyone.flatMap(({ state }) => [...state.reminders.map((r) => r.name), ...state.passedReminderNames]),
  );
  const known = [...options.allRecords.map((r) => r.customer), ...options.invalidSlugs];
  for (const name of scheduleNames) {
    if (ours.has(name)) continue;
    const customer = parseReminderName(name, known)?.customer ?? null;
    if ((customer !== null && options.invalidSlugs.has(customer)) || !options.inScope(customer)) continue;
    findings.push({
      customer,
      resource: address(TF.schedule, name),
      kind: 'unmanaged',
      field: null,
      expected: null,
      actual: name,
      message: `the schedule ${name} is in the reminder group but no record wants it: apply the stack that should own it; if none should, it is a leftover reminder that can go (aws scheduler delete-schedule --group-name ${group} --name ${name})`,
    });
  }
}
