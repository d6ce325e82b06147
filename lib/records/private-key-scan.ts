import { KEY_MATERIAL_MARKERS as MARKERS } from '../without-key-material.js';
import type { Position } from './finding.js';

// The markers are the ones every output is cleaned with (lib/without-key-material.ts). Each run
// is tried once, from its start, so the scan stays linear on long files.

/** Where the first private key marker in `text` is, or undefined. Never returns the match. */
export function findPrivateKey(text: string): Position | undefined {
  let first: number | undefined;
  for (const marker of MARKERS) {
    const m = marker.exec(text);
    if (m && (first === undefined || m.index < first)) first = m.index;
  }
  if (first === undefined) return undefined;
  const before = text.slice(0, first);
  const line = before.split('\n').length;
  return { line, column: first - before.lastIndexOf('\n') };
}
