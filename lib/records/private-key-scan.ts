import type { Position } from './finding.js';

/**
 * Markers of private key material: PEM armour, the base64 that starts the DER of an EC P-256
 * key in PKCS#8 or SEC1 form (what a pasted .p8 body without armour looks like), and any run
 * of 48 or more base64 characters mixing upper case, lower case and digits: a line from the
 * middle of a PEM body (64 characters), which has no recognisable start. Nothing in a record
 * is that long without a separator (a fingerprint is 43 base64url characters). Each run is
 * tried once, from its start, so the scan stays linear on long files.
 */
const MARKERS = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/,
  /MHcCAQEEI[A-Za-z0-9+/]{40}/,
  /(?<![A-Za-z0-9+/])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[0-9])[A-Za-z0-9+/]{48}/,
];

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
