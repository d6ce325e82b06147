import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from '../support/project.js';

export const WORKFLOWS_DIR = join(REPO, '.github', 'workflows');

export interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}

export interface Job {
  readonly 'runs-on': string;
  readonly permissions?: Record<string, string>;
  readonly environment?: string;
  readonly if?: string;
  readonly needs?: string | string[];
  readonly strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown> };
  readonly env?: Record<string, unknown>;
  readonly steps: Step[];
}

export interface Workflow {
  readonly file: string;
  readonly text: string;
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly env?: Record<string, unknown>;
  readonly jobs: Record<string, Job>;
}

/** Every workflow the repository ships, parsed. */
export function workflows(): Workflow[] {
  return readdirSync(WORKFLOWS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(join(WORKFLOWS_DIR, file), 'utf8');
      return { file, text, ...(parse(text) as Omit<Workflow, 'file' | 'text'>) };
    });
}

export function workflow(file: string): Workflow {
  const found = workflows().find((w) => w.file === file);
  if (!found) throw new Error(`no workflow ${file}`);
  return found;
}

/**
 * The shell words of every `npx asc-keys …` command in a step's script: line continuations
 * joined, quotes removed, `${VAR}` kept as written; redirections and what follows a `|`,
 * `||`, `&&` or `;` are not part of the command.
 */
export function ascKeysInvocations(script: string): string[][] {
  const joined = script.replace(/\\\n/g, ' ');
  const found: string[][] = [];
  for (const line of joined.split('\n')) {
    const words = shellWords(line);
    for (let i = 0; i < words.length - 1; i++) {
      if (words[i] !== 'npx' || words[i + 1] !== 'asc-keys') continue;
      const args: string[] = [];
      for (const w of words.slice(i + 2)) {
        if (['|', '||', '&&', ';'].includes(w) || /^\d?>/.test(w) || w === '<') break;
        args.push(w);
      }
      found.push(args);
    }
  }
  return found;
}

function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '#' && !inWord) {
      break;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if ((c === '|' || c === '&' || c === ';') && !inWord) {
      const two = line.slice(i, i + 2);
      const op = two === '||' || two === '&&' ? two : c;
      words.push(op);
      i += op.length - 1;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
