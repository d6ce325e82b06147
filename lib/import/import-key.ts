import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { dirname, join } from 'node:path';
import { checkWithApple, type AppleRetry, type AppleVerdict } from '../apple/check-with-apple.js';
import type { Clock } from '../apple/clock.js';
import type { RetryPolicy } from '../apple/retry-policy.js';
import { UsageError } from '../errors.js';
import { customerDesiredState } from '../model/customer-desired.js';
import { today } from '../records/days.js';
import { keyVersionId } from '../model/key-version.js';
import { loadProject } from '../records/load-project.js';
import { requirePlatform } from '../records/require-platform.js';
import { isKeyProblem, parseKeyValue } from '../secrets/parse-key-value.js';
import { isReferenceProblem, parseSecretReference } from '../secrets/reference.js';
import { publicKeyThumbprint } from '../secrets/thumbprint.js';
import { awsFailure, undoFailureAdvice } from './aws-failure.js';
import { lintCandidate, newRecordText, rotatedRecordText, type KeyFields } from './candidate-record.js';
import type { ImportRequest, KeySourceSpec } from './import-request.js';
import type { ImportCode, ImportResult } from './import-result.js';
import { Interrupted, type InterruptGuard } from './interrupt-guard.js';
import { KeySourceError } from './key-source.js';
import type { KeyInput } from '../secrets/key-input.js';
import { appleAdvice, describeId, NOTHING_DONE, successMessage } from './import-messages.js';
import { ForeignSecretError, foreignSecretMessage } from './foreign-secret.js';
import { fastlaneValue } from './secret-value.js';
import type { SecretWriter, StoreUndo } from './secret-writer.js';

export interface ImportDeps {
  /** As given by --customers. */
  readonly customersDir: string;
  /** @default "cdktf.json" */
  readonly configFile?: string;
  /** Turns --p8, --zip (and later --sealed) into the key, in memory. */
  readonly readKey: (source: KeySourceSpec) => Promise<KeyInput>;
  readonly secrets: SecretWriter;
  readonly ascBaseUrl: string;
  readonly clock: Clock;
  readonly retry?: RetryPolicy;
  readonly guard: InterruptGuard;
  /** Told before each wait between Apple's attempts (the CLI prints it on a terminal). */
  readonly onAppleRetry?: (retry: AppleRetry) => void;
}

/**
 * One import, in this order: the key file's name, the key, the record and every lint
 * rule, Apple (unless --no-verify); only then the store, and the record last, renamed into place
 * from a temporary file beside it. Any failure after the store takes the store back.
 */
export async function importKey(request: ImportRequest, deps: ImportDeps): Promise<ImportResult> {
  const project = loadProject({
    customersDir: deps.customersDir,
    ...(deps.configFile && { configFile: deps.configFile }),
  });
  const platform = requirePlatform(project);
  const file = join(deps.customersDir, `${request.customer}.yaml`);
  const existing = readExisting(file);
  const prior = existing === undefined ? undefined : priorKey(existing);
  if (prior) checkRotationOptions(request, file, prior.appleId);
  const secretRef = prior?.secret ?? `aws-sm:${platform.namePrefix}/${request.customer}`;

  const refused = (code: ImportCode, message: string, fingerprint: string | null = null): ImportResult => ({
    customer: request.customer,
    keyId: request.keyId,
    fingerprint,
    secret: null,
    action: 'refused',
    record: null,
    code,
    message,
    verified: false,
    warnings: [],
    source: request.source.kind,
  });

  // The key: read, named right, parsed.
  let input: KeyInput;
  try {
    input = await deps.readKey(request.source);
  } catch (err) {
    if (err instanceof KeySourceError) return refused(err.code, `${err.message}; ${NOTHING_DONE}`);
    throw err;
  }
  if (input.keyIdFromName !== undefined && input.keyIdFromName !== request.keyId)
    return refused(
      'KEY_ID_MISMATCH',
      `the key file is named for Key ID ${input.keyIdFromName}, but --key-id is ${request.keyId}; check which key the customer meant (Users and Access > Integrations); ${NOTHING_DONE}`,
    );
  if (input.issuerId !== undefined && input.issuerId.toLowerCase() !== request.issuerId?.toLowerCase())
    return refused(
      'KEY_ID_MISMATCH',
      `the key came with Issuer ID ${describeId(input.issuerId)}, but the options say ${request.issuerId ?? 'an individual key'}; ${NOTHING_DONE}`,
    );
  const key = await parseKeyValue(input.pem);
  if (isKeyProblem(key))
    return refused(
      'P8_INVALID',
      `${key.message.replace(/^the stored value/, `the key in ${input.origin}`)}; ${NOTHING_DONE}`,
    );
  if (key.keyId !== undefined && key.keyId !== request.keyId)
    return refused(
      'KEY_ID_MISMATCH',
      `the key's JSON says key_id ${describeId(key.keyId)}, but --key-id is ${request.keyId}; ${NOTHING_DONE}`,
    );
  if (
    key.issuerId !== undefined &&
    (key.issuerId?.toLowerCase() ?? undefined) !== request.issuerId?.toLowerCase()
  )
    return refused(
      'KEY_ID_MISMATCH',
      `the key's JSON says issuer_id ${key.issuerId === null ? 'null (individual key)' : describeId(key.issuerId)}, but the options say ${request.issuerId ?? '--individual'}; ${NOTHING_DONE}`,
    );
  const fingerprint = await publicKeyThumbprint(key.publicJwk);

  // The record as it will be written, under every lint rule.
  const fields: KeyFields = {
    keyId: request.keyId,
    ...(request.issuerId !== undefined && { issuerId: request.issuerId }),
    fingerprint,
    createdOn: today(new Date(deps.clock.now())),
  };
  const sameKey =
    prior !== undefined &&
    prior.keyId === request.keyId &&
    prior.fingerprint === fingerprint &&
    (prior.issuerId?.toLowerCase() ?? null) === (request.issuerId?.toLowerCase() ?? null);
  const text =
    existing === undefined
      ? newRecordText(request, fields, secretRef)
      : sameKey
        ? existing
        : rotatedRecordText(existing, fields);
  if (text === undefined)
    return refused(
      'RECORD_INVALID',
      `${file} is not a record whose key can be updated in place; run "asc-keys lint" and fix it first; ${NOTHING_DONE}`,
      fingerprint,
    );
  const linted = lintCandidate(file, text, project.records, platform);
  if (!linted.record)
    return refused(
      'RECORD_INVALID',
      `the record would not pass lint: ${linted.errors.map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.message}`).join('; ')}; ${NOTHING_DONE}`,
      fingerprint,
    );
  const record = linted.record;
  if (record.secret.scheme !== 'aws-sm')
    return refused(
      'SECRET_SCHEME',
      `${file} keeps its key in ${record.secret.raw}; import stores keys in Secrets Manager only: set apiKey.secret to aws-sm:${platform.namePrefix}/${request.customer} first; ${NOTHING_DONE}`,
      fingerprint,
    );
  const desired = customerDesiredState(record, platform, new Date(deps.clock.now())).secret!;

  // Apple, with the probe, codes and retries of check keys.
  let verdict: AppleVerdict | undefined;
  if (request.verify) {
    verdict = await checkWithApple(
      key.signingKey,
      { keyId: request.keyId, ...(request.issuerId !== undefined && { issuerId: request.issuerId }) },
      request.appleId,
      {
        baseUrl: deps.ascBaseUrl,
        clock: deps.clock,
        ...(deps.retry && { retry: deps.retry }),
        ...(deps.onAppleRetry && { onRetry: deps.onAppleRetry }),
      },
    );
    if (verdict.code !== 'OK') return refused(verdict.code, appleAdvice(verdict, request), fingerprint);
  }

  // The store, then the record.
  const value = await fastlaneValue(key.signingKey, request.keyId, request.issuerId);
  const secretId = record.secret.secretId;
  const version = keyVersionId(record.secret.name, request.keyId, fingerprint);
  let before;
  try {
    before = await deps.secrets.describe(secretId);
  } catch (err) {
    const f = awsFailure(err, `describe ${secretId}`);
    return refused(f.code, `${f.message}; ${NOTHING_DONE}`, fingerprint);
  }
  if (before.exists && before.deletedOn)
    return refused(
      'SECRET_SCHEDULED_FOR_DELETION',
      `the secret ${secretId} is scheduled for deletion; restore it (aws secretsmanager restore-secret --secret-id ${secretId}) and import again; ${NOTHING_DONE}`,
      fingerprint,
    );
  // A secret asc-keys did not make (or one changed since) gets no key: checked before any write.
  if (before.exists) {
    let problems: string[];
    try {
      problems = await deps.secrets.foreignProblems(before, desired, {
        newCustomer: existing === undefined,
        version,
      });
    } catch (err) {
      const f = awsFailure(err, `inspect ${secretId}`);
      return refused(f.code, `${f.message}; ${NOTHING_DONE}`, fingerprint);
    }
    if (problems.length)
      return refused(
        'SECRET_NOT_OURS',
        `${foreignSecretMessage(secretId, problems, existing === undefined)}; ${NOTHING_DONE}`,
        fingerprint,
      );
  }
  // Stored already: as the pending version (an import again), or current (deployed).
  const storeNeeded = !before.exists || (before.current !== version && before.pending !== version);
  const recordNeeded = text !== existing;
  const done = (code: ImportCode, message: string): ImportResult => ({
    customer: request.customer,
    keyId: request.keyId,
    fingerprint,
    secret: record.secret.raw,
    action: !storeNeeded && !recordNeeded ? 'unchanged' : existing === undefined ? 'created' : 'rotated',
    record: file,
    code,
    message,
    ...(prior && prior.keyId !== request.keyId && { previousKeyId: prior.keyId }),
    verified: verdict !== undefined,
    warnings: linted.warnings,
    source: request.source.kind,
  });
  if (!storeNeeded && !recordNeeded)
    return done(
      'OK',
      `key ${request.keyId} is already stored in ${record.secret.raw} and ${file} describes it; nothing to do`,
    );

  const guard = deps.guard;
  guard.startWriting();
  const temp = join(dirname(file), `.${request.customer}.yaml.${process.pid}.tmp`);
  let undo: StoreUndo = { kind: 'none' };
  let step = 'write the record';
  const rollback = async (code: ImportCode, message: string): Promise<ImportResult> => {
    rmSync(temp, { force: true });
    try {
      await deps.secrets.undo(undo);
    } catch (err) {
      // The one case where a value stays stored: the result says where, and how to finish by hand.
      return {
        ...refused(
          code,
          `${message}; the store could NOT be undone (${awsFailure(err, 'undo').message}): ${undoFailureAdvice(undo, request.customer)}`,
          fingerprint,
        ),
        secret: record.secret.raw,
      };
    }
    return refused(
      code,
      `${message}; ${undo.kind === 'none' ? NOTHING_DONE : 'the store was undone, and no record was written'}`,
      fingerprint,
    );
  };
  try {
    if (recordNeeded) {
      try {
        writeFileSync(temp, text, { flag: 'wx', mode: 0o644 });
      } catch (err) {
        return await rollback(
          'RECORD_UNWRITABLE',
          `cannot write ${temp} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
    }
    guard.check();
    if (storeNeeded) {
      step = `store the key in ${secretId}`;
      const undoWith = (u: StoreUndo): void => {
        undo = u;
      };
      if (before.exists) await deps.secrets.stage(secretId, before, value, version, undoWith);
      else await deps.secrets.create(desired, value, version, undoWith);
    }
    guard.check();
    if (recordNeeded) {
      step = 'rename the record into place';
      try {
        renameSync(temp, file);
      } catch (err) {
        return await rollback(
          'RECORD_UNWRITABLE',
          `cannot move ${temp} to ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
    }
  } catch (err) {
    if (err instanceof Interrupted) return rollback('INTERRUPTED', 'interrupted (Ctrl-C)');
    if (err instanceof ForeignSecretError) return rollback('SECRET_NOT_OURS', err.message);
    const f = awsFailure(err, step);
    return rollback(f.code, f.message);
  }
  return done(
    'OK',
    successMessage(request, record.secret.raw, file, prior?.keyId, storeNeeded, recordNeeded, {
      version,
      current: before.exists && before.current === version,
    }),
  );
}

function readExisting(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(
      'CUSTOMERS_DIR_UNREADABLE',
      `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { next: 'check that the record file can be read', cause: err },
    );
  }
}

interface PriorKey {
  readonly appleId?: string;
  readonly keyId?: string;
  readonly issuerId?: string;
  readonly fingerprint?: string;
  readonly secret?: string;
}

/** What the existing record says, read loosely: lint judges the record as it will be written. */
function priorKey(text: string): PriorKey {
  let data: { app?: { appleId?: unknown }; apiKey?: Record<string, unknown> } | undefined;
  try {
    data = parseDocument(text, { version: '1.2', merge: false }).toJS({ maxAliasCount: 100 }) as typeof data;
  } catch {
    data = undefined;
  }
  const str = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  const secret = str(data?.apiKey?.secret);
  return {
    appleId: str(data?.app?.appleId),
    keyId: str(data?.apiKey?.keyId),
    issuerId: str(data?.apiKey?.issuerId),
    fingerprint: str(data?.apiKey?.fingerprint),
    ...(secret !== undefined && !isReferenceProblem(parseSecretReference(secret)) && { secret }),
  };
}

/** A rotation changes the key only; the rest of the record is the engineer's to edit. */
function checkRotationOptions(request: ImportRequest, file: string, appleId: string | undefined): void {
  if (appleId !== undefined && appleId !== request.appleId)
    throw new UsageError('USAGE', `${file} is for app ${appleId}, but --app-id is ${request.appleId}`, {
      next: 'a rotation keeps the app (a new app is a new customer slug)',
    });
  const extras = [
    request.displayName !== undefined && '--display-name',
    request.bundleId !== undefined && '--bundle-id',
    request.contacts.length > 0 && '--contact',
  ].filter(Boolean);
  if (extras.length)
    throw new UsageError(
      'USAGE',
      `${extras.join(', ')} ${extras.length === 1 ? 'is' : 'are'} for a new customer`,
      { next: `${file} exists, so this is a rotation: edit the record by hand for those` },
    );
}
