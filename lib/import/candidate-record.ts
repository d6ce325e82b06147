import { Document, isMap, isScalar, parseDocument, Scalar, stringify, type YAMLMap } from 'yaml';
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
 * createdOn changed, and nothing else. The edits are made in the text, at the places the parser
 * found those values, so every other byte stays as it was (comments and their spacing, quoting,
 * blank lines) and the pull request's diff is exactly the new key. A record laid out so that
 * this cannot be done (a flow mapping that needs a new field) is rewritten through the yaml
 * Document API instead, which keeps comments but not all spacing.
 */
export function rotatedRecordText(existing: string, key: KeyFields): string | undefined {
  const doc = parseDocument(existing, { version: '1.2', merge: false, uniqueKeys: true });
  const apiKey = doc.errors.length === 0 ? doc.get('apiKey', true) : undefined;
  // Not a record that can be edited in place; lint says why.
  if (!isMap(apiKey)) return undefined;
  return editedInPlace(existing, apiKey, key) ?? rewritten(doc, apiKey, key);
}

interface TextEdit {
  readonly from: number;
  readonly to: number;
  readonly text: string;
}

function editedInPlace(text: string, apiKey: YAMLMap, key: KeyFields): string | undefined {
  const edits: TextEdit[] = [];
  const pairOf = (name: string) => apiKey.items.find((p) => isScalar(p.key) && p.key.value === name);
  const set = (name: string, value: string): boolean => {
    const node = pairOf(name)?.value;
    if (!isScalar(node) || !node.range) return false;
    edits.push({ from: node.range[0], to: node.range[1], text: scalarText(value, node.type) });
    return true;
  };
  /** A new `name: value` line after the line of `after`, indented as that key. */
  const insertAfter = (after: string, name: string, value: string): boolean => {
    const pair = pairOf(after);
    if (apiKey.flow || !isScalar(pair?.key) || !isScalar(pair.value) || !pair.key.range || !pair.value.range)
      return false;
    const lineStart = text.lastIndexOf('\n', pair.key.range[0] - 1) + 1;
    const indent = text.slice(lineStart, pair.key.range[0]);
    if (indent.trim() !== '') return false;
    const eol = text.indexOf('\n', pair.value.range[1]);
    if (eol === -1) return false;
    edits.push({ from: eol + 1, to: eol + 1, text: `${indent}${name}: ${scalarText(value)}\n` });
    return true;
  };
  /** The lines of `name: value`, when the pair has them to itself. */
  const remove = (name: string): boolean => {
    const pair = pairOf(name);
    if (!pair) return true;
    if (apiKey.flow || !isScalar(pair.key) || !isScalar(pair.value) || !pair.key.range || !pair.value.range)
      return false;
    const lineStart = text.lastIndexOf('\n', pair.key.range[0] - 1) + 1;
    if (text.slice(lineStart, pair.key.range[0]).trim() !== '') return false;
    const eol = text.indexOf('\n', pair.value.range[1]);
    edits.push({ from: lineStart, to: eol === -1 ? text.length : eol + 1, text: '' });
    return true;
  };
  const has = (name: string): boolean => pairOf(name) !== undefined;
  const ok =
    set('keyId', key.keyId) &&
    (key.issuerId !== undefined
      ? (!has('type') || set('type', 'team')) &&
        (has('issuerId') ? set('issuerId', key.issuerId) : insertAfter('keyId', 'issuerId', key.issuerId))
      : remove('issuerId') &&
        (has('type') ? set('type', 'individual') : insertAfter('keyId', 'type', 'individual'))) &&
    set('fingerprint', key.fingerprint) &&
    set('createdOn', key.createdOn);
  if (!ok) return undefined;
  return [...edits]
    .sort((a, b) => b.from - a.from)
    .reduce((t, e) => t.slice(0, e.from) + e.text + t.slice(e.to), text);
}

/** A value as YAML writes it: plain where that reads back as the same string, else quoted; a quoted original stays quoted. */
function scalarText(value: string, type?: Scalar.Type): string {
  if (type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if (type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  return stringify(value, { version: '1.2', lineWidth: 0 }).trimEnd();
}

function rewritten(doc: Document, apiKey: YAMLMap, key: KeyFields): string {
  setScalar(apiKey, 'keyId', key.keyId);
  if (key.issuerId !== undefined) {
    if (apiKey.has('type')) setScalar(apiKey, 'type', 'team');
    if (apiKey.has('issuerId')) setScalar(apiKey, 'issuerId', key.issuerId);
    else insertPairAfter(doc, apiKey, 'keyId', 'issuerId', key.issuerId);
  } else {
    apiKey.delete('issuerId');
    if (apiKey.has('type')) setScalar(apiKey, 'type', 'individual');
    else insertPairAfter(doc, apiKey, 'keyId', 'type', 'individual');
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

function insertPairAfter(doc: Document, map: YAMLMap, after: string, key: string, value: string): void {
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
