import { watch, readdirSync, readFileSync, statSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { TestKey } from '../support/keys.js';

/** 24-character windows of a key's PEM body and of its private scalar (base64url and hex). */
export function keyNeedles(key: TestKey): string[] {
  const d = key.privateKey.export({ format: 'jwk' }).d!;
  const hex = Buffer.from(d, 'base64url').toString('hex');
  const windows = (s: string, step = 8): string[] => {
    const out: string[] = [];
    for (let i = 0; i + 24 <= s.length; i += step) out.push(s.slice(i, i + 24));
    return out;
  };
  return [...windows(key.body), ...windows(d, 4), ...windows(hex, 8)];
}

const ARMOUR = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Watches directories while a CLI runs and reads every file that appears or changes, then scans
 * them all once more at the end: no file there may hold key material, not even for a moment.
 */
export class PlaintextWatch {
  private readonly watchers: FSWatcher[] = [];
  readonly hits: string[] = [];
  /** How many times a file was read, to show that the watch saw the import's files. */
  seen = 0;

  constructor(
    private readonly dirs: readonly string[],
    private readonly needles: () => readonly string[],
  ) {}

  start(): void {
    for (const dir of this.dirs) {
      this.watchers.push(
        watch(dir, { recursive: true }, (_event, name) => {
          if (name) this.inspect(join(dir, name.toString()));
        }),
      );
    }
  }

  stop(): string[] {
    for (const w of this.watchers.splice(0)) w.close();
    for (const dir of this.dirs) for (const file of walk(dir)) this.inspect(file);
    return this.hits;
  }

  private inspect(file: string): void {
    let text: string;
    try {
      if (!statSync(file).isFile()) return;
      text = readFileSync(file).toString('latin1');
    } catch {
      return; // gone already (renamed or removed): its content was read at its last change
    }
    this.seen++;
    if (ARMOUR.test(text)) this.hits.push(`${file}: PEM armour`);
    for (const n of this.needles()) if (text.includes(n)) this.hits.push(`${file}: key material`);
  }
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
