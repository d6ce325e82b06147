/**
 * What private key material looks like in text: PEM armour, the base64 that starts the DER of
 * an EC P-256 key in PKCS#8 or SEC1 form (a pasted .p8 body without armour), and any run of 48
 * or more base64 characters mixing upper case, lower case and digits (a line from the middle of
 * a PEM body, which has no recognisable start). Nothing asc-keys prints is that long without a
 * separator: a fingerprint or a key ID in a JWK is 43 base64url characters.
 */
export const KEY_MATERIAL_MARKERS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/,
  /MHcCAQEEI[A-Za-z0-9+/]{40}/,
  /(?<![A-Za-z0-9+/])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[0-9])[A-Za-z0-9+/]{48}/,
];

const PEM_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;
const BASE64_RUN =
  /(?<![A-Za-z0-9+/])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[0-9])[A-Za-z0-9+/]{48,}={0,2}/g;

/**
 * Text with anything that looks like private key material described instead of shown: a value
 * pasted into the wrong field of a record, or a stored value where an ID belongs, must never be
 * echoed by a message, whichever message quotes it. The last guard of every output.
 */
export function withoutKeyMaterial(text: string): string {
  return text
    .replace(PEM_BLOCK, (m) => `<a PEM private key of ${m.length} characters, not shown>`)
    .replace(BASE64_RUN, (m) => `<${m.length} characters that look like key material, not shown>`);
}
