import { isMap, isPair, isScalar, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { FILE_START, type Finding, type Position } from './finding.js';

export type Path = readonly (string | number)[];

/** A parsed YAML (or JSON) document that can answer "where is this field?". */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /**
   * Parses one document. YAML 1.2 core schema, unique keys, no merge keys (so `<<` is just
   * an unknown field). Parser messages are used without source excerpts: an excerpt could
   * quote key material that someone pasted into the file.
   */
  static parse(file: string, text: string): { source?: YamlSource; findings: Finding[] } {
    const lines = new LineCounter();
    const docs = parseAllDocuments(text, {
      lineCounter: lines,
      prettyErrors: false,
      uniqueKeys: true,
      merge: false,
      version: '1.2',
    });
    const list = Array.isArray(docs) ? docs : [];
    const findings: Finding[] = [];
    const at = (offset: number): Position => {
      const p = lines.linePos(offset);
      return { line: p.line, column: p.col };
    };
    if (list.length > 1) {
      findings.push({
        file,
        ...at(list[1]!.range[0]),
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
        message: 'is empty; write the customer record (see customers/README.md) or delete the file',
      });
      return { findings };
    }
    for (const err of doc.errors) {
      const duplicate = err.code === 'DUPLICATE_KEY';
      findings.push({
        file,
        ...at(err.pos[0]),
        severity: 'error',
        code: duplicate ? 'YAML_DUPLICATE_KEY' : 'YAML_SYNTAX',
        message: duplicate
          ? 'repeats a key that this mapping already has; keep one of them'
          : `is not valid YAML: ${firstLine(err.message)}`,
      });
    }
    if (doc.errors.length > 0) return { findings };
    return { source: new YamlSource(file, doc, lines), findings };
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
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

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
}
