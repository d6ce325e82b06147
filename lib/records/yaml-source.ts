import { isMap, isPair, isScalar, LineCounter, parseAllDocuments, visit, type Document } from 'yaml';
import { FILE_START, type Finding, type Position } from './finding.js';

export type Path = readonly (string | number)[];

/** Aliases a record may use; an "alias bomb" of a few lines expands to millions of nodes. */
export const MAX_ALIAS_COUNT = 100;

export interface ParseOptions {
  /** What the file is, for the messages. @default 'record' */
  readonly kind?: 'record' | 'platform';
}

/** A parsed YAML (or JSON) document that can answer "where is this field?". */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly doc: Document,
    private readonly lines: LineCounter,
    /** The document as plain data. */
    readonly data: unknown,
    private readonly text: string,
  ) {}

  /**
   * Parses one document. YAML 1.2 core schema, unique keys, no merge keys (so `<<` is just
   * an unknown field). Parser messages are used without source excerpts: an excerpt could
   * quote key material that someone pasted into the file.
   */
  static parse(
    file: string,
    text: string,
    options: ParseOptions = {},
  ): { source?: YamlSource; findings: Finding[] } {
    const lines = new LineCounter();
    const findings: Finding[] = [];
    const at = (offset: number): Position => {
      const p = lines.linePos(offset);
      return { line: p.line, column: p.col };
    };
    const unsupported = (message: string, pos: Position = FILE_START): Finding => ({
      file,
      ...pos,
      severity: 'error',
      code: 'YAML_UNSUPPORTED',
      message,
    });
    let docs: ReturnType<typeof parseAllDocuments>;
    try {
      docs = parseAllDocuments(text, {
        lineCounter: lines,
        prettyErrors: false,
        uniqueKeys: true,
        merge: false,
        version: '1.2',
        // Only the core schema's tags: !!binary, !!set, !!timestamp and custom tags are errors.
        resolveKnownTags: false,
        // Warnings become findings; nothing is printed by the parser itself.
        logLevel: 'silent',
      });
    } catch (err) {
      return {
        findings: [
          unsupported(`cannot be parsed as YAML (${errorName(err)}); ${REWRITE[options.kind ?? 'record']}`),
        ],
      };
    }
    const list: Document[] = Array.isArray(docs) ? (docs as Document[]) : [];
    if (list.length > 1) {
      findings.push({
        file,
        ...at(list[1]!.range?.[0] ?? 0),
        severity: 'error',
        code: 'YAML_MULTIPLE_DOCUMENTS',
        message: `holds ${list.length} YAML documents; a record is one document: remove the "---" separator and split customers into their own files`,
      });
    }
    const doc = list[0];
    if (!doc || doc.contents === null) {
      findings.push({
        file,
        ...FILE_START,
        severity: 'error',
        code: 'FILE_EMPTY',
        message:
          options.kind === 'platform'
            ? "is empty; restore it from git: it holds cdktf's settings and context.platform (see docs/records.md, Platform configuration)"
            : 'is empty; write the customer record (see customers/README.md) or delete the file',
      });
      return { findings };
    }
    let syntaxReported = false;
    for (const err of doc.errors) {
      const duplicate = err.code === 'DUPLICATE_KEY';
      // The parser's later syntax errors mostly follow from its first one: one is reported.
      if (!duplicate && syntaxReported) continue;
      syntaxReported ||= !duplicate;
      if (err.code === 'RESOURCE_EXHAUSTION') {
        findings.push(
          unsupported(`nests too deeply to be read; ${REWRITE[options.kind ?? 'record']}`, at(err.pos[0])),
        );
        continue;
      }
      findings.push({
        file,
        ...at(err.pos[0]),
        severity: 'error',
        code: duplicate ? 'YAML_DUPLICATE_KEY' : 'YAML_SYNTAX',
        message: duplicate
          ? 'repeats a key that this mapping already has; keep one of them'
          : `is not valid YAML: ${firstLine(err.message)}; fix it here (see ${options.kind === 'platform' ? 'docs/records.md, Platform configuration' : 'customers/README.md'} for the format)`,
      });
    }
    for (const warning of doc.warnings) {
      findings.push(
        unsupported(
          warning.code === 'TAG_RESOLVE_FAILED'
            ? `uses a YAML tag (${tagName(warning.message)}) that records do not support; remove the tag and write the plain value`
            : `is not plain YAML: ${firstLine(warning.message)}`,
          at(warning.pos[0]),
        ),
      );
    }
    // A list or mapping as a key would be turned into text: keys are field names.
    visit(doc, {
      Pair(_, pair) {
        if (pair.key !== null && !isScalar(pair.key)) {
          const range = (pair.key as { range?: [number, number, number] }).range;
          findings.push(
            unsupported(
              'uses a list or mapping as a key; write field names as plain text keys',
              range ? at(range[0]) : FILE_START,
            ),
          );
        }
      },
    });
    if (findings.length > 0) return { findings };
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const bomb = /alias count/i.test((err as Error).message ?? '');
      return {
        findings: [
          unsupported(
            bomb
              ? `expands its aliases (*name) more than ${MAX_ALIAS_COUNT} times, which looks like an "alias bomb"; write the values out instead of using anchors and aliases`
              : `cannot be read as data (${errorName(err)}: ${firstLine((err as Error).message ?? '')}); ${REWRITE[options.kind ?? 'record']}`,
          ),
        ],
      };
    }
    return { source: new YamlSource(file, doc, lines, data, text), findings };
  }

  /** The position of the value at `path`; for a field that is not there, of its nearest parent. */
  valueAt(path: Path): Position {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return this.position(range[0]);
    }
    return FILE_START;
  }

  /** The document as plain data (parsed once, with the alias limit). */
  toJS(): unknown {
    return this.data;
  }

  /** The text of a plain scalar at `path` as written in the file, or undefined. */
  scalarSource(path: Path): string | undefined {
    const node = this.doc.getIn(path, true);
    if (!isScalar(node) || node.type !== 'PLAIN' || !node.range) return undefined;
    return this.text.slice(node.range[0], node.range[1]);
  }

  /** The position of the key `key` in the mapping at `path` (for unknown fields). */
  keyAt(path: Path, key: string): Position {
    const map = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    if (isMap(map)) {
      const pair = map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return this.position(range[0]);
    }
    return this.valueAt(path);
  }

  private position(offset: number): Position {
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }
}

const REWRITE = {
  record: 'write the record as plain YAML (see customers/README.md)',
  platform: 'write it as plain JSON (see docs/records.md, Platform configuration)',
} as const;

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : 'error';
}

/** The tag of "Unresolved tag: !foo", when short enough to be a tag rather than pasted text. */
function tagName(message: string): string {
  const tag = message.replace(/^Unresolved tag: /, '').replace(/^tag:yaml\.org,2002:/, '!!');
  return tag.length <= 24 ? tag : `a tag of ${tag.length} characters`;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
}
