import { basename } from 'node:path';
import { isReferenceProblem, parseSecretReference } from '../secrets/reference.js';
import type { CustomerRecord } from './customer-record.js';
import type { Finding, FindingCode, Severity } from './finding.js';
import { addDays, today } from './days.js';
import { isCalendarDay } from './patterns.js';
import type { RotationPolicy } from './platform-schema.js';
import type { RecordInput } from './schema.js';
import type { Path, YamlSource } from './yaml-source.js';

/**
 * The rules that need more than one field, or the platform defaults, on a record that passed
 * the schema. Returns the record when no error was found.
 */
/** What the records need from the platform configuration. */
export interface RecordContext {
  readonly rotation: RotationPolicy;
  /** Key secrets live under this name prefix, so the platform's roles can be scoped to them. */
  readonly secretNamePrefix: string;
  /** Today, for createdOn days in the future. @default the system clock */
  readonly now?: Date;
}

/** The record is returned whenever it could be built; `findings` says whether it is valid. */
export function applyRecordRules(
  source: YamlSource,
  input: RecordInput,
  context: RecordContext,
): { record?: CustomerRecord; findings: Finding[] } {
  const findings: Finding[] = [];
  const report = (
    path: Path,
    code: FindingCode,
    message: string,
    severity: Severity = 'error',
    at = source.valueAt(path),
  ): void => {
    findings.push({ file: source.file, ...at, severity, code, message });
  };

  const expected = basename(source.file).replace(/\.yaml$/, '');
  if (input.customer !== expected) {
    report(
      ['customer'],
      'FILE_NAME_MISMATCH',
      `is "${input.customer}" but the file is ${expected}.yaml; rename the file to ${input.customer}.yaml or fix the slug`,
    );
  }
  const key = input.apiKey;
  if (key.type === 'team' && key.issuerId === undefined) {
    report(
      ['apiKey'],
      'ISSUER_ID_REQUIRED',
      'apiKey.issuerId is required for a team key; copy the Issuer ID from Users and Access > Integrations, or set type: individual',
      'error',
      source.keyAt([], 'apiKey'),
    );
  }
  if (key.type === 'individual' && key.issuerId !== undefined) {
    report(
      ['apiKey', 'issuerId'],
      'ISSUER_ID_FORBIDDEN',
      'apiKey.issuerId must be absent for an individual key (its tokens carry sub "user" instead); remove it or set type: team',
    );
  }
  if (key.role !== 'APP_MANAGER') {
    const why = key.role === 'ADMIN' ? 'grants more than publishing needs' : 'cannot publish apps';
    report(
      ['apiKey', 'role'],
      'ROLE_NOT_APP_MANAGER',
      `is ${key.role}, which ${why}; ask the customer for an App Manager key`,
      'warning',
    );
  }
  const secret = parseSecretReference(key.secret);
  if (isReferenceProblem(secret))
    report(['apiKey', 'secret'], secret.code, `apiKey.secret ${secret.message}`);
  else if (secret.scheme === 'aws-sm' && secret.name !== `${context.secretNamePrefix}${input.customer}`) {
    // The publisher reads only the secret named after its session's customer.
    report(
      ['apiKey', 'secret'],
      'SECRET_NAME_PREFIX',
      `apiKey.secret names "${secret.name}", but a key secret is named exactly "${context.secretNamePrefix}<slug>" so that only the platform's roles, and only this customer's publisher, can read it; use aws-sm:${context.secretNamePrefix}${input.customer}`,
    );
  }
  if (!isCalendarDay(key.createdOn)) {
    report(
      ['apiKey', 'createdOn'],
      'DATE_INVALID',
      `apiKey.createdOn "${key.createdOn}" is not a calendar day; write the day the key was generated as YYYY-MM-DD`,
    );
  }

  const day = today(context.now ?? new Date());
  if (isCalendarDay(key.createdOn) && key.createdOn > addDays(day, 1)) {
    report(
      ['apiKey', 'createdOn'],
      'DATE_IN_FUTURE',
      `apiKey.createdOn ${key.createdOn} is in the future (today is ${day} UTC); write the day the key was generated`,
    );
  }

  const rotation: RotationPolicy = {
    maxAgeDays: input.rotation?.maxAgeDays ?? context.rotation.maxAgeDays,
    remindDaysBefore: input.rotation?.remindDaysBefore ?? context.rotation.remindDaysBefore,
  };
  findings.push(...reminderFindings(source, input, context));

  if (isReferenceProblem(secret)) return { findings };
  return {
    findings,
    // Returned even with errors, so that duplicates across files are still found.
    record: {
      file: source.file,
      customer: input.customer,
      ...(input.displayName !== undefined && { displayName: input.displayName }),
      appleId: input.app.appleId,
      ...(input.app.bundleId !== undefined && { bundleId: input.app.bundleId }),
      keyId: key.keyId,
      ...(key.issuerId !== undefined && { issuerId: key.issuerId }),
      keyType: key.type,
      role: key.role,
      secret,
      fingerprint: key.fingerprint,
      createdOn: key.createdOn,
      rotation,
      contacts: input.contacts ?? [],
      positions: {
        customer: source.valueAt(['customer']),
        appleId: source.valueAt(['app', 'appleId']),
        apiKey: source.keyAt([], 'apiKey'),
        keyId: source.valueAt(['apiKey', 'keyId']),
        secret: source.valueAt(['apiKey', 'secret']),
      },
    },
  };
}

/**
 * Reminder days out of range or listed twice, from the document as written: it runs on records
 * that failed the schema too, so that a type error in one item does not hide the others.
 */
export function reminderFindings(source: YamlSource, data: unknown, context: RecordContext): Finding[] {
  const rotation = (data as { rotation?: unknown } | null)?.rotation as
    { maxAgeDays?: unknown; remindDaysBefore?: unknown } | undefined;
  const own = rotation && typeof rotation === 'object' ? rotation : undefined;
  const maxAge = own?.maxAgeDays;
  const maxAgeDays =
    typeof maxAge === 'number' && Number.isInteger(maxAge) && maxAge >= 1 && maxAge <= 3650
      ? maxAge
      : context.rotation.maxAgeDays;
  const listed = Array.isArray(own?.remindDaysBefore) ? (own.remindDaysBefore as unknown[]) : undefined;
  const days = listed ?? (own?.remindDaysBefore === undefined ? context.rotation.remindDaysBefore : []);
  const findings: Finding[] = [];
  const seen = new Set<number>();
  days.forEach((day, i) => {
    // Type errors are the schema's; only whole numbers are compared here.
    if (typeof day !== 'number' || !Number.isInteger(day) || day < 0) return;
    // Days that come from the platform defaults are reported at the record's maxAgeDays (or line 1).
    const at = source.valueAt(listed ? ['rotation', 'remindDaysBefore', i] : ['rotation', 'maxAgeDays']);
    const add = (code: FindingCode, message: string): number =>
      findings.push({ file: source.file, ...at, severity: 'error', code, message });
    if (day >= maxAgeDays)
      add(
        'REMINDER_OUT_OF_RANGE',
        `reminder ${day} days before the due day must be less than maxAgeDays (${maxAgeDays}); lower it or raise rotation.maxAgeDays`,
      );
    if (seen.has(day))
      add('REMINDER_DUPLICATE', `reminder ${day} days before the due day is listed twice; keep one`);
    seen.add(day);
  });
  return findings;
}

/** Slugs, Key IDs, secret references and Apple IDs are each unique across records. */
export function crossRecordFindings(records: readonly CustomerRecord[]): Finding[] {
  const findings: Finding[] = [];
  type Field = keyof CustomerRecord['positions'];
  const unique: { code: FindingCode; what: string; field: Field; value: (r: CustomerRecord) => string }[] = [
    { code: 'DUPLICATE_CUSTOMER', what: 'customer slug', field: 'customer', value: (r) => r.customer },
    { code: 'DUPLICATE_KEY_ID', what: 'Key ID', field: 'keyId', value: (r) => r.keyId },
    { code: 'DUPLICATE_SECRET', what: 'secret reference', field: 'secret', value: (r) => r.secret.raw },
    { code: 'DUPLICATE_APPLE_ID', what: 'app Apple ID', field: 'appleId', value: (r) => r.appleId },
  ];
  // The record whose file name matches its slug is the original; the others are copies and
  // carry the finding. Where no record or several match, file-name order decides.
  const own = (r: CustomerRecord): boolean => basename(r.file) === `${r.customer}.yaml`;
  for (const { code, what, field, value } of unique) {
    const groups = new Map<string, CustomerRecord[]>();
    for (const r of records) groups.set(value(r), [...(groups.get(value(r)) ?? []), r]);
    for (const [v, group] of groups) {
      if (group.length < 2) continue;
      const byName = [...group].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
      const matching = byName.filter(own);
      const original = matching.length === 1 ? matching[0]! : byName[0]!;
      for (const r of byName)
        if (r !== original)
          findings.push({
            file: r.file,
            ...r.positions[field],
            severity: 'error',
            code,
            message: `${what} "${v}" is already used by ${original.file}; each customer app has its own: fix this record, or remove it if it is a copy`,
          });
    }
  }
  return findings;
}
