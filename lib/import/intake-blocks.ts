import { BEGIN_LINE, END_LINE, extractCompactJwe } from '../sealing/sealed-block.js';
import { SealingError } from '../sealing/sealing-error.js';

/** One sealed block found in a comment: the armoured text to open, or why it cannot be. */
export type FoundBlock =
  { readonly armoured: string; readonly compact: string } | { readonly problem: SealingError };

/** More than this many blocks in one text is not a hand-over but noise; the rest is ignored. */
export const MAX_BLOCKS = 10;

/**
 * Every sealed block in an issue's text, each once: a block pasted twice (or quoted in a
 * reply, "> " before each line) is one block. A block whose end line is missing is reported
 * as cut short; a text with no begin line holds no block at all.
 */
export function findSealedBlocks(text: string): FoundBlock[] {
  const found: FoundBlock[] = [];
  const seen = new Set<string>();
  let from = 0;
  while (found.length < MAX_BLOCKS) {
    const begin = text.indexOf(BEGIN_LINE, from);
    if (begin < 0) break;
    const next = text.indexOf(BEGIN_LINE, begin + BEGIN_LINE.length);
    const end = text.indexOf(END_LINE, begin);
    // An end line after the next begin line belongs to that block: this one was cut short.
    const armoured =
      end >= 0 && (next < 0 || end < next)
        ? text.slice(begin, end + END_LINE.length)
        : text.slice(begin, next < 0 ? text.length : next);
    from = begin + armoured.length;
    try {
      const compact = extractCompactJwe(armoured);
      if (seen.has(compact)) continue;
      seen.add(compact);
      found.push({ armoured, compact });
    } catch (err) {
      if (!(err instanceof SealingError)) throw err;
      found.push({ problem: err });
    }
  }
  return found;
}
