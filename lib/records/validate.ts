import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { FILE_START, type Finding } from './finding.js';
import type { Path, YamlSource } from './yaml-source.js';

/**
 * Validates a parsed document against a zod schema and turns every issue into a finding at
 * the offending value: a missing field at its parent, an unknown field at its key.
 */
export function validate<S extends z.ZodType>(
  source: YamlSource,
  schema: S,
  data: unknown,
  /** Where the format is described, for the messages. */
  help = 'customers/README.md',
): { value?: z.output<S>; findings: Finding[] } {
  const result = schema.safeParse(data);
  if (result.success) return { value: result.data, findings: [] };
  const findings: Finding[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const name = describe(path);
    if (issue.code === 'unrecognized_keys') {
      const known = knownFields(schema, path);
      for (const key of issue.keys) {
        const suggestion = closeTo(key, known);
        findings.push(
          finding(
            source,
            source.keyAt(path, key),
            'FIELD_UNKNOWN',
            `${unknownField(path, key)} is not a known field${path.length ? ` of ${name}` : ''}; check the spelling${suggestion ? `: did you mean ${suggestion}?` : known.length ? `: the known fields are ${known.join(', ')}` : ''} (see ${help})`,
          ),
        );
      }
    } else if (issue.code === 'invalid_type' && lookup(data, path) === undefined) {
      findings.push(
        finding(
          source,
          parentPosition(source, path),
          'FIELD_REQUIRED',
          `${name} is required; add it (see ${help})`,
        ),
      );
    } else if (issue.code === 'invalid_type') {
      findings.push(
        finding(
          source,
          source.valueAt(path),
          'FIELD_TYPE',
          typeMessage(name, issue.expected, kindOf(lookup(data, path)), issue.message),
        ),
      );
    } else {
      findings.push(
        finding(source, source.valueAt(path), 'FIELD_INVALID', `${name} ${lowerFirst(issue.message)}`),
      );
    }
  }
  return { findings };
}

function finding(
  source: YamlSource,
  at: { line: number; column: number },
  code: Finding['code'],
  message: string,
): Finding {
  return { file: source.file, line: at.line, column: at.column, severity: 'error', code, message };
}

/** A missing field is reported at its parent: the parent's key, or line 1 for a top-level field. */
function parentPosition(source: YamlSource, path: Path): { line: number; column: number } {
  if (path.length <= 1) return FILE_START;
  const parentKey = path[path.length - 2]!;
  return typeof parentKey === 'string'
    ? source.keyAt(path.slice(0, -2), parentKey)
    : source.valueAt(path.slice(0, -1));
}

/**
 * An unknown field by its name when that reads like a typo; a long name, or one that looks
 * like base64, may be a line of a pasted key, so it is described by its length alone.
 */
function unknownField(path: Path, key: string): string {
  const base64ish = /[+/=]/.test(key) || (key.length >= 16 && (key.match(/\d/g)?.length ?? 0) >= 3);
  if (key.length <= 32 && /^[A-Za-z_<][A-Za-z0-9_<-]*$/.test(key) && !base64ish)
    return describe([...path, key]);
  return `an unknown field of ${key.length} character${key.length === 1 ? '' : 's'}${path.length ? '' : ' at the top level'}`;
}

/** The fields the schema allows in the mapping at `path` (list items by their index). */
function knownFields(schema: z.ZodType, path: Path): string[] {
  let current: unknown = schema;
  for (const step of [...path, undefined]) {
    // Optional, defaulted and piped schemas wrap the one that has the shape.
    for (;;) {
      if (
        current instanceof z.ZodOptional ||
        current instanceof z.ZodDefault ||
        current instanceof z.ZodNullable
      )
        current = current.unwrap();
      else if (current instanceof z.ZodPipe) current = current.in;
      else break;
    }
    if (step === undefined) break;
    if (typeof step === 'number' && current instanceof z.ZodArray) current = current.element;
    else if (typeof step === 'string' && current instanceof z.ZodObject) current = current.shape[step];
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

/**
 * The known field a typo most likely meant: within two edits (one for short names), so that an
 * unrelated name gets the list of known fields instead of a wrong guess.
 */
function closeTo(key: string, known: readonly string[]): string | undefined {
  if (!known.length) return undefined;
  const best = closest(key, [...known]);
  return distance(key.toLowerCase(), best.toLowerCase()) <= (best.length <= 4 ? 1 : 2) ? best : undefined;
}

export function describe(path: Path): string {
  if (path.length === 0) return 'the file';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function lookup(data: unknown, path: Path): unknown {
  let cur: unknown = data;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number')
    return Number.isInteger(v)
      ? 'a whole number'
      : Number.isFinite(v)
        ? 'a fraction'
        : 'a number too large to read';
  // Values are not echoed: a misplaced value could be key material.
  return `a ${typeof v}`;
}

function article(expected: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
  };
  return names[expected] ?? expected;
}

/**
 * A type error: what it must be and what it is. A schema's own message (zod's default starts
 * "Invalid input") either states the rule ("must be a whole number ...") or adds a hint.
 */
function typeMessage(name: string, expected: string, kind: string, custom: string): string {
  if (custom && !/^Invalid input/.test(custom))
    return /^must /.test(custom)
      ? `${name} ${custom}, not ${kind}`
      : `${name} must be ${article(expected)}, not ${kind}; ${custom}`;
  return `${name} must be ${article(expected)}, not ${kind}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
