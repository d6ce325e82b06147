/**
 * The sealing page's logic, in WebCrypto only, so the same code runs in the customer's browser
 * and in Node's tests. The page inlines these functions as they are (`Function#toString`), so
 * each one may use only the others below and what browsers and Node both have: no imports, no
 * module-level values. `SEALED_CORE_FUNCTIONS` lists them for the page.
 */

/** The public half of the sealing key, as the page carries it. */
export interface SealingPublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
}

/** What the customer is told when the key file is not an App Store Connect key. */
export interface KeyFileProblem {
  readonly ok: false;
  readonly field: 'file';
  readonly code:
    | 'FILE_NAME'
    | 'FILE_NOT_KEY'
    | 'KEY_PUBLIC'
    | 'KEY_RSA'
    | 'KEY_CURVE'
    | 'KEY_SEC1'
    | 'KEY_ENCRYPTED'
    | 'KEY_DAMAGED';
  readonly message: string;
}

/** An App Store Connect key that passed every check: PKCS#8, EC P-256, Key ID from the name. */
export interface CheckedKey {
  readonly ok: true;
  readonly keyId: string;
  /** RFC 7638 thumbprint of the public key: the record's `fingerprint`. */
  readonly fingerprint: string;
  /** The PEM, normalized to LF line endings, as it goes into the sealed payload. */
  readonly pem: string;
}

export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64Decode(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** RFC 7638 thumbprint of an EC public key (SHA-256, base64url): members in lexical order. */
export async function ecThumbprint(jwk: { crv: string; x: string; y: string }): Promise<string> {
  const canonical = `{"crv":"${jwk.crv}","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical));
  return base64UrlEncode(new Uint8Array(digest));
}

/** The Key ID in `AuthKey_<KEYID>.p8`, or in a browser's duplicate download `AuthKey_<KEYID> (1).p8`. */
export function keyIdFromFileName(name: string): string | undefined {
  return /^AuthKey_([A-Z0-9]{10})(?: \(\d+\))?\.p8$/.exec(name)?.[1];
}

/** Same shape as the records' issuerId (docs/contract.md, Customer records); Apple's are not RFC 4122, so no version check. */
export function issuerIdProblem(text: string): string | undefined {
  if (text.length === 0)
    return 'Enter the Issuer ID, or tick "This is an individual key" if your key has no Issuer ID.';
  if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(text))
    return undefined;
  return 'This is not an Issuer ID. An Issuer ID is 32 hexadecimal digits in groups of 8-4-4-4-12, such as 57246542-96fe-1a63-e053-0824d011072a: copy it from App Store Connect, Users and Access, Integrations, where it is shown above the list of keys.';
}

function containsBytes(haystack: Uint8Array, needle: readonly number[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Checks a dropped file: its name gives the Key ID, its text must be one PKCS#8 EC P-256
 * private key. Every refusal says what the file is instead and what to pick.
 */
export async function checkKeyFile(name: string, bytes: Uint8Array): Promise<CheckedKey | KeyFileProblem> {
  const problem = (code: KeyFileProblem['code'], message: string): KeyFileProblem => ({
    ok: false,
    field: 'file',
    code,
    message,
  });
  const pick =
    'Pick the AuthKey_<Key ID>.p8 file that App Store Connect downloaded (Users and Access, Integrations).';
  const keyId = keyIdFromFileName(name);
  if (!keyId)
    return problem(
      'FILE_NAME',
      `The file name must be AuthKey_<Key ID>.p8, as App Store Connect names it: the Key ID is read from it. ${pick} If you renamed it, rename it back.`,
    );
  if (bytes.length > 4096 || bytes.includes(0))
    return problem('FILE_NOT_KEY', `This file is not an App Store Connect key. ${pick}`);
  const text = new TextDecoder()
    .decode(bytes)
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .trim();
  const armour = /^-----BEGIN ([A-Z0-9 ]+)-----\n([A-Za-z0-9+/=\n]+)\n-----END \1-----$/.exec(text);
  const label = armour?.[1] ?? /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
  if (label?.includes('PUBLIC KEY'))
    return problem('KEY_PUBLIC', `This file holds a public key, not the private key. ${pick}`);
  if (label === 'RSA PRIVATE KEY')
    return problem('KEY_RSA', `This is an RSA key; App Store Connect API keys are EC P-256 keys. ${pick}`);
  if (label === 'ENCRYPTED PRIVATE KEY')
    return problem('KEY_ENCRYPTED', `This key is encrypted with a password. ${pick}`);
  if (label === 'EC PRIVATE KEY')
    return problem('KEY_SEC1', `This key was converted to another format (BEGIN EC PRIVATE KEY). ${pick}`);
  if (!armour || label !== 'PRIVATE KEY')
    return problem('FILE_NOT_KEY', `This file is not a private key. ${pick}`);
  let der: Uint8Array<ArrayBuffer>;
  try {
    der = base64Decode(armour[2]!);
  } catch {
    return problem('KEY_DAMAGED', `This key file is damaged. ${pick}`);
  }
  // Object identifiers in the PKCS#8 AlgorithmIdentifier, DER-encoded.
  const RSA = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
  const EC = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
  const P256 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
  const P384 = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
  const P521 = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23];
  const head = der.subarray(0, 40);
  if (containsBytes(head, RSA))
    return problem('KEY_RSA', `This is an RSA key; App Store Connect API keys are EC P-256 keys. ${pick}`);
  if (!containsBytes(head, EC))
    return problem(
      'FILE_NOT_KEY',
      `This is not an EC key; App Store Connect API keys are EC P-256 keys. ${pick}`,
    );
  if (!containsBytes(head, P256)) {
    const curve = containsBytes(head, P384) ? 'P-384' : containsBytes(head, P521) ? 'P-521' : 'another curve';
    return problem(
      'KEY_CURVE',
      `This is an EC key on ${curve}; App Store Connect API keys are EC P-256 keys. ${pick}`,
    );
  }
  let fingerprint: string;
  try {
    // Extractable only to read the public half; the key object is dropped right after.
    const key = await crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
    ]);
    const jwk = await crypto.subtle.exportKey('jwk', key);
    fingerprint = await ecThumbprint({ crv: jwk.crv!, x: jwk.x!, y: jwk.y! });
  } catch {
    return problem(
      'KEY_DAMAGED',
      `This key file is damaged: it could not be read as an EC P-256 key. ${pick}`,
    );
  } finally {
    der.fill(0);
  }
  return { ok: true, keyId, fingerprint, pem: `${text}\n` };
}

/** NIST SP 800-56A Concat KDF with SHA-256, as RFC 7518 section 4.6.2 uses it for ECDH-ES (one round: 256 bits). */
export async function concatKdf256(z: Uint8Array, enc: string): Promise<Uint8Array<ArrayBuffer>> {
  const algorithmId = new TextEncoder().encode(enc);
  const input = new Uint8Array(4 + z.length + 4 + algorithmId.length + 4 + 4 + 4);
  const view = new DataView(input.buffer);
  let at = 0;
  view.setUint32(at, 1); // round counter
  at += 4;
  input.set(z, at);
  at += z.length;
  view.setUint32(at, algorithmId.length);
  at += 4;
  input.set(algorithmId, at);
  at += algorithmId.length;
  view.setUint32(at, 0); // PartyUInfo: empty
  at += 4;
  view.setUint32(at, 0); // PartyVInfo: empty
  at += 4;
  view.setUint32(at, 256); // SuppPubInfo: key length in bits
  const cek = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  input.fill(0);
  return cek;
}

/**
 * Encrypts `plaintext` to the sealing key as a compact JWE: ECDH-ES key agreement with an
 * ephemeral P-256 key, A256GCM content encryption, `kid` naming the sealing key.
 */
export async function sealCompact(
  recipient: SealingPublicJwk,
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const subtle = crypto.subtle;
  const ecdh = { name: 'ECDH', namedCurve: 'P-256' };
  const recipientKey = await subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', x: recipient.x, y: recipient.y },
    ecdh,
    false,
    [],
  );
  const ephemeral = await subtle.generateKey(ecdh, true, ['deriveBits']);
  const z = new Uint8Array(
    await subtle.deriveBits({ name: 'ECDH', public: recipientKey }, ephemeral.privateKey, 256),
  );
  const epk = await subtle.exportKey('jwk', ephemeral.publicKey);
  const header = {
    alg: 'ECDH-ES',
    enc: 'A256GCM',
    kid: recipient.kid,
    epk: { kty: 'EC', crv: 'P-256', x: epk.x, y: epk.y },
  };
  const encodedHeader = base64UrlEncode(new TextEncoder().encode(JSON.stringify(header)));
  const cekBytes = await concatKdf256(z, 'A256GCM');
  z.fill(0);
  const cek = await subtle.importKey('raw', cekBytes, 'AES-GCM', false, ['encrypt']);
  cekBytes.fill(0);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(encodedHeader), tagLength: 128 },
      cek,
      plaintext,
    ),
  );
  const ciphertext = sealed.subarray(0, sealed.length - 16);
  const tag = sealed.subarray(sealed.length - 16);
  return `${encodedHeader}..${base64UrlEncode(iv)}.${base64UrlEncode(ciphertext)}.${base64UrlEncode(tag)}`;
}

/** The block the customer pastes into an email: armour lines around the JWE, wrapped at 64 characters. */
export function armourSealedBlock(compact: string): string {
  const lines = compact.match(/.{1,64}/g) ?? [];
  return ['-----BEGIN ASC-KEYS SEALED KEY-----', ...lines, '-----END ASC-KEYS SEALED KEY-----', ''].join(
    '\n',
  );
}

/** Checks, seals and armours in one step: what the page's button does. */
export async function sealKey(
  recipient: SealingPublicJwk,
  key: CheckedKey,
  ids: { issuerId?: string; customer?: string },
): Promise<string> {
  const payload = {
    v: 1,
    ...(ids.customer ? { customer: ids.customer } : {}),
    keyId: key.keyId,
    // Apple writes Issuer IDs in lower case; one typed in upper case is the same ID.
    ...(ids.issuerId ? { issuerId: ids.issuerId.toLowerCase() } : { individual: true }),
    fingerprint: key.fingerprint,
    key: key.pem,
  };
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  try {
    return armourSealedBlock(await sealCompact(recipient, bytes));
  } finally {
    bytes.fill(0);
  }
}

/** Every function above, in an order the page can declare them in. */
export const SEALED_CORE_FUNCTIONS: readonly ((...args: never[]) => unknown)[] = [
  base64UrlEncode,
  base64Decode,
  ecThumbprint,
  keyIdFromFileName,
  issuerIdProblem,
  containsBytes,
  checkKeyFile,
  concatKdf256,
  sealCompact,
  armourSealedBlock,
  sealKey,
];
