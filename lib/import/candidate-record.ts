import { Document, isMap, isScalar, parseDocument, Scalar, type YAMLMap } from 'yaml';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { CustomerRecord } from '../records/customer-record.js';
import type { Finding } from '../records/finding.js';
import { loadRecords } from '../records/load-records.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import { crossRecordFindings } from '../records/record-rules.js';
import type { ImportRequest } from './import-request.js';

/** The fields of the key that an import sets; everything else in a record is the engineer's. */
export interface KeyFields {
  readonly keyId: string;
  readonly issuerId?: string;
  readonly fingerprint: string;
  /** YYYY-MM-DD, today in UTC */
  readonly createdOn: string;
}

/** A new customer's record: the contract's fields in the contract's order. */
export function newRecordText(request: ImportRequest, key: KeyFields, secret: string): string {
  const doc = new Document({
    customer: request.customer,
    ...(request.displayName !== undefined && { displayName: request.displayName }),
    app: {
      appleId: request.appleId,
      ...(request.bundleId !== undefined && { bundleId: request.bundleId }),
    },
    apiKey: {
      keyId: key.keyId,
      ...(key.issuerId !== undefined ? { issuerId: key.issuerId } : { type: 'individual' }),
      secret,
      fingerprint: key.fingerprint,
      createdOn: key.createdOn,
    },
    ...(request.contacts.length > 0 && {
      contacts: request.contacts.map((c) => ({
        ...(c.name !== undefined && { name: c.name }),
        email: c.email,
      })),
    }),
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * A rotation: the existing record with keyId, issuerId (or type: individual), fingerprint and
 * createdOn changed in place through the yaml Document API, so that the engineer's comments,
 * key order and every other field stay as they were.
 */
export function rotatedRecordText(existing: string, key: KeyFields): string | undefined {
  const doc = parseDocument(existing, {
    version: '1.2',
    merge: false,
    uniqueKeys: true,
    keepSourceTokens: false,
  });
  const apiKey = doc.errors.length === 0 ? doc.get('apiKey', true) : undefined;
  // Not a record that can be edited in place; lint says why.
  if (!isMap(apiKey)) return undefined;
  setScalar(apiKey, 'keyId', key.keyId);
  if (key.issuerId !== undefined) {
    if (apiKey.has('type')) setScalar(apiKey, 'type', 'team');
    if (apiKey.has('issuerId')) setScalar(apiKey, 'issuerId', key.issuerId);
    else insertAfter(doc, apiKey, 'keyId', 'issuerId', key.issuerId);
  } else {
    apiKey.delete('issuerId');
    if (apiKey.has('type')) setScalar(apiKey, 'type', 'individual');
    else insertAfter(doc, apiKey, 'keyId', 'type', 'individual');
  }
  setScalar(apiKey, 'fingerprint', key.fingerprint);
  setScalar(apiKey, 'createdOn', key.createdOn);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** Changes a scalar's value and keeps its node, so a comment on that line stays. */
function setScalar(map: YAMLMap, key: string, value: string): void {
  const node = map.get(key, true);
  if (isScalar(node)) {
    node.value = value;
    // A plain scalar of another type (a number) would change meaning; quote when needed.
    if (node.type === Scalar.PLAIN) delete node.type;
  } else map.set(key, value);
}

function insertAfter(doc: Document, map: YAMLMap, after: string, key: string, value: string): void {
  const index = map.items.findIndex((p) => isScalar(p.key) && p.key.value === after);
  map.items.splice(index + 1, 0, doc.createPair(key, value));
}

export interface LintedCandidate {
  readonly record?: CustomerRecord;
  /** Errors only: warnings do not stop an import. */
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
}

/**
 * Every lint rule `asc-keys lint` applies to the record as it will be written, the cross-record
 * ones included (a Key ID or Apple ID that another customer already uses is refused). The file
 * rules are lint's own: the text is linted by the same loader, from a private directory that
 * holds it alone (a record holds IDs and a thumbprint, never key material).
 */
export function lintCandidate(
  file: string,
  text: string,
  others: readonly CustomerRecord[],
  platform: PlatformConfig,
): LintedCandidate {
  const dir = mkdtempSync(join(tmpdir(), 'asc-keys-import-'));
  let loaded;
  try {
    const name = basename(file);
    writeFileSync(join(dir, name), text, { mode: 0o600 });
    loaded = loadRecords(dir, { rotation: platform.rotation, secretNamePrefix: `${platform.namePrefix}/` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const here = (f: Finding): Finding => ({ ...f, file });
  const findings = loaded.findings.map(here);
  const candidate = loaded.records[0] && { ...loaded.records[0], file };
  if (candidate)
    findings.push(
      ...crossRecordFindings([...others.filter((r) => r.file !== file), candidate]).filter(
        (f) => f.file === file,
      ),
    );
  const errors = findings.filter((f) => f.severity === 'error');
  return {
    ...(candidate && errors.length === 0 && { record: candidate }),
    errors,
    warnings: findings.filter((f) => f.severity === 'warning'),
  };
}
