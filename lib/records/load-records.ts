import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { CustomerRecord } from './customer-record.js';
import { FILE_START, type Finding } from './finding.js';
import { findPrivateKey } from './private-key-scan.js';
import { SLUG } from './patterns.js';
import {
  applyRecordRules,
  crossRecordFindings,
  reminderFindings,
  type RecordContext,
} from './record-rules.js';
import { recordSchema } from './schema.js';
import { validate } from './validate.js';
import { YamlSource } from './yaml-source.js';

/** Records are a few hundred bytes; anything near this is not a record. */
const MAX_RECORD_BYTES = 256 * 1024;

export interface LoadedRecords {
  /** The records that passed every rule, in file-name order. */
  readonly records: readonly CustomerRecord[];
  /** Every finding of every file, not the first one only. */
  readonly findings: readonly Finding[];
  /** How many record files were read: every file but the directory's README.md. */
  readonly files: number;
  /** Record files that have errors, with their slug where it could be read, so checks can report RECORD_INVALID. */
  readonly invalid: ReadonlyMap<string, string | undefined>;
}

/**
 * Reads and validates every file in `dir` (as given by --customers), or only the file names in
 * `only` (the pull-request and deploy paths): cross-record rules then see those alone.
 */
export function loadRecords(dir: string, context: RecordContext, only?: ReadonlySet<string>): LoadedRecords {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new UsageError(
      'CUSTOMERS_DIR_UNREADABLE',
      `cannot read the customers directory "${dir}" (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { next: 'run from the repository root or pass --customers <dir>', cause: err },
    );
  }
  if (only) entries = entries.filter((e) => only.has(e.name));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const findings: Finding[] = [];
  const candidates: CustomerRecord[] = [];
  const invalid = new Map<string, string | undefined>();
  for (const entry of entries) {
    const file = join(dir, entry.name);
    const result = loadFile(file, entry, context);
    findings.push(...result.findings);
    if (result.record) candidates.push(result.record);
    if (result.findings.some((f) => f.severity === 'error') && entry.name.endsWith('.yaml'))
      invalid.set(file, result.slug);
  }
  const duplicates = crossRecordFindings(candidates);
  findings.push(...duplicates);
  for (const f of duplicates) invalid.set(f.file, candidates.find((r) => r.file === f.file)?.customer);
  return {
    records: candidates.filter((r) => !invalid.has(r.file)),
    findings,
    files: entries.filter((e) => e.name !== 'README.md').length,
    invalid,
  };
}

function loadFile(
  file: string,
  entry: Dirent,
  context: RecordContext,
): { record?: CustomerRecord; slug?: string; findings: Finding[] } {
  const at = (code: Finding['code'], message: string, pos = FILE_START): Finding => ({
    file,
    ...pos,
    severity: 'error',
    code,
    message,
  });
  if (!entry.isFile())
    return {
      findings: [
        at(
          'FILE_UNEXPECTED',
          'is not a file; customers/ holds only <slug>.yaml records and README.md: move it elsewhere',
        ),
      ],
    };

  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    return {
      findings: [
        at(
          'FILE_UNREADABLE',
          `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); check its permissions`,
        ),
      ],
    };
  }
  const findings: Finding[] = [];
  let text: string | undefined;
  try {
    text = bytes.includes(0)
      ? undefined
      : new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    text = undefined;
  }
  // Key material is searched for in every file, whatever its name and size.
  const keyAt = findPrivateKey(text ?? bytes.toString('latin1'));
  if (keyAt) {
    findings.push(
      at(
        'PRIVATE_KEY_IN_FILE',
        'contains private key material: keep the key only in Secrets Manager (import it with "asc-keys import" if it is not there yet, docs/rotation.md), then remove it from this file and from git history, and have the customer revoke it and send a new one, as it was exposed',
        keyAt,
      ),
    );
  }
  if (entry.name === 'README.md') return { findings };
  if (entry.name.endsWith('.yml')) {
    return {
      findings: [
        ...findings,
        at('FILE_YML_EXTENSION', `must end in .yaml; rename it to ${entry.name.replace(/\.yml$/, '.yaml')}`),
      ],
    };
  }
  if (!entry.name.endsWith('.yaml')) {
    return {
      findings: [
        ...findings,
        at(
          'FILE_UNEXPECTED',
          'is not a record; customers/ holds only <slug>.yaml records and README.md: move it elsewhere',
        ),
      ],
    };
  }
  if (bytes.length > MAX_RECORD_BYTES) {
    return {
      findings: [
        ...findings,
        at(
          'FILE_TOO_LARGE',
          `is ${bytes.length} bytes; a record is a few hundred bytes, and at most ${MAX_RECORD_BYTES}: remove what does not belong in it`,
        ),
      ],
    };
  }
  if (text === undefined)
    return {
      findings: [
        ...findings,
        at('FILE_NOT_TEXT', 'is not UTF-8 text; save the record as UTF-8 YAML, or remove the file'),
      ],
    };
  if (text.charCodeAt(0) === 0xfeff) {
    findings.push(at('FILE_BOM', 'starts with a byte-order mark; save it as UTF-8 without BOM'));
    text = text.slice(1);
  }
  const crlf = text.indexOf('\r\n');
  if (crlf >= 0) {
    findings.push(
      at('FILE_CRLF', 'has Windows (CRLF) line endings; convert it to LF (git config core.autocrlf input)', {
        line: text.slice(0, crlf).split('\n').length,
        column: crlf - text.lastIndexOf('\n', crlf - 1),
      }),
    );
  }

  const parsed = YamlSource.parse(file, text);
  findings.push(...parsed.findings);
  if (!parsed.source) return { findings };
  const source = parsed.source;
  const data = withDecimalAppleId(source);
  // Only a slug-shaped name is used to name the record elsewhere (RECORD_INVALID, --customer).
  const named = (data as { customer?: unknown } | null)?.customer;
  const slug = typeof named === 'string' && SLUG.test(named) ? named : undefined;
  const checked = validate(source, recordSchema, data);
  findings.push(...checked.findings);
  if (!checked.value) {
    // The reminder days are still checked, so that one run shows every problem of the list.
    findings.push(...reminderFindings(source, data, context));
    return { ...(slug && { slug }), findings };
  }
  const ruled = applyRecordRules(source, checked.value, context);
  findings.push(...ruled.findings);
  return { ...(ruled.record && { record: ruled.record }), ...(slug && { slug }), findings };
}

/**
 * An appleId written as a plain decimal YAML integer denotes the same ID as the string
 * (docs/contract.md, Customer records), taken from the text so that no digit is lost to floating point; a
 * float, hex or octal stays a number, which the schema refuses.
 */
function withDecimalAppleId(source: YamlSource): unknown {
  const data = source.data;
  const app = (data as { app?: unknown } | null)?.app;
  if (!app || typeof app !== 'object' || Array.isArray(app)) return data;
  const value = (app as { appleId?: unknown }).appleId;
  if (typeof value !== 'number') return data;
  const written = source.scalarSource(['app', 'appleId']);
  if (written === undefined || !/^[0-9]+$/.test(written)) return data;
  return { ...(data as object), app: { ...app, appleId: written } };
}
