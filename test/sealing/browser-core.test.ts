import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { CompactEncrypt, compactDecrypt, importJWK } from 'jose';
import {
  armourSealedBlock,
  checkKeyFile,
  issuerIdProblem,
  keyIdFromFileName,
  sealCompact,
  sealKey,
  SEALED_CORE_FUNCTIONS,
} from '../../lib/sealing/browser-core.js';
import { ISSUER_ID } from '../../lib/records/patterns.js';
import { generateSealingKey, sealingPublicJwk } from '../../lib/sealing/sealing-keyring.js';
import { generateTestKey } from '../support/keys.js';

const bytes = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(text, 'utf8'));
const NAME = 'AuthKey_2X9R4HXF34.p8';

describe('checkKeyFile: what the page accepts', () => {
  test('an App Store Connect key: Key ID from the name, the records fingerprint, the PEM with LF endings', async () => {
    const key = await generateTestKey();
    const checked = await checkKeyFile(NAME, bytes(key.pem.replaceAll('\n', '\r\n')));
    expect(checked).toEqual({ ok: true, keyId: '2X9R4HXF34', fingerprint: key.fingerprint, pem: key.pem });
  });

  test("a browser's duplicate download keeps its Key ID", async () => {
    const key = await generateTestKey();
    expect(await checkKeyFile('AuthKey_2X9R4HXF34 (1).p8', bytes(key.pem))).toMatchObject({
      ok: true,
      keyId: '2X9R4HXF34',
    });
  });

  const refusals: [string, string, () => string][] = [
    ['P-384', 'KEY_CURVE', () => ecPem('P-384')],
    ['P-521', 'KEY_CURVE', () => ecPem('P-521')],
    ['RSA in PKCS#8', 'KEY_RSA', () => rsa().pkcs8],
    ['RSA in PKCS#1', 'KEY_RSA', () => rsa().pkcs1],
    ['a public key', 'KEY_PUBLIC', () => publicPem()],
    ['SEC1', 'KEY_SEC1', () => sec1()],
    ['an encrypted key', 'KEY_ENCRYPTED', () => encrypted()],
    ['text', 'FILE_NOT_KEY', () => 'hello'],
    ['a damaged body', 'KEY_DAMAGED', () => damaged()],
  ];
  test.each(refusals)(
    '%s is refused as %s, with a message that says what to pick',
    async (_what, code, make) => {
      const result = await checkKeyFile(NAME, bytes(make()));
      expect(result).toMatchObject({ ok: false, field: 'file', code });
      expect((result as { message: string }).message).toContain('AuthKey_<Key ID>.p8');
    },
  );

  test.each([
    'key.p8',
    'AuthKey_2x9r4hxf34.p8',
    'AuthKey_2X9R4HXF3.p8',
    'AuthKey_2X9R4HXF34.pem',
    'AuthKey_2X9R4HXF34.p8.txt',
  ])('a file named %s is refused: the Key ID comes from the name', async (name) => {
    const key = await generateTestKey();
    expect(await checkKeyFile(name, bytes(key.pem))).toMatchObject({ ok: false, code: 'FILE_NAME' });
    expect(keyIdFromFileName(name)).toBeUndefined();
  });

  test('a large or binary file is not read as a key', async () => {
    expect(await checkKeyFile(NAME, new Uint8Array(5000).fill(65))).toMatchObject({ code: 'FILE_NOT_KEY' });
    expect(await checkKeyFile(NAME, new Uint8Array([45, 0, 45]))).toMatchObject({ code: 'FILE_NOT_KEY' });
  });
});

describe('issuerIdProblem', () => {
  test.each(['57246542-96fe-1a63-e053-0824d011072a', '57246542-96FE-1A63-E053-0824D011072A'])(
    '%s is well formed',
    (id) => {
      expect(issuerIdProblem(id)).toBeUndefined();
      expect(ISSUER_ID.test(id)).toBe(true);
    },
  );
  test.each([
    '',
    '57246542-96fe-1a63-e053-0824d011072',
    '57246542_96fe-1a63-e053-0824d011072a',
    'g7246542-96fe-1a63-e053-0824d011072a',
    '2X9R4HXF34',
  ])('%j is refused, as the records refuse it', (id) => {
    expect(issuerIdProblem(id)).toMatch(/Issuer ID/);
    expect(ISSUER_ID.test(id)).toBe(false);
  });
});

describe('sealCompact: a standard JWE that jose opens', () => {
  test('ECDH-ES + A256GCM, kid in the protected header; jose decrypts it to the same bytes', async () => {
    const sealing = await generateSealingKey(new Date());
    const plaintext = bytes('{"hello":"world"}');
    const jwe = await sealCompact(sealingPublicJwk(sealing), plaintext);
    const { plaintext: opened, protectedHeader } = await compactDecrypt(
      jwe,
      await importJWK(sealing.privateJwk, 'ECDH-ES'),
    );
    expect(new TextDecoder().decode(opened)).toBe('{"hello":"world"}');
    expect(protectedHeader).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM', kid: sealing.kid });
    expect(jwe.split('.')[1]).toBe('');
  });

  test('each seal uses a fresh ephemeral key and IV', async () => {
    const sealing = await generateSealingKey(new Date());
    const a = await sealCompact(sealingPublicJwk(sealing), bytes('x'));
    const b = await sealCompact(sealingPublicJwk(sealing), bytes('x'));
    expect(a.split('.')[0]).not.toBe(b.split('.')[0]);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
  });

  test('jose, sealing the same way, is opened by the same private key (the KDF agrees)', async () => {
    const sealing = await generateSealingKey(new Date());
    const jwe = await new CompactEncrypt(bytes('same'))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: sealing.kid })
      .encrypt(await importJWK(sealingPublicJwk(sealing), 'ECDH-ES'));
    const { plaintext } = await compactDecrypt(jwe, await importJWK(sealing.privateJwk, 'ECDH-ES'));
    expect(new TextDecoder().decode(plaintext)).toBe('same');
  });

  test('sealKey puts the payload of the format version inside; the armour wraps at 64 characters', async () => {
    const sealing = await generateSealingKey(new Date());
    const key = await generateTestKey();
    const checked = await checkKeyFile(NAME, bytes(key.pem));
    if (!checked.ok) throw new Error(checked.message);
    const block = await sealKey(sealingPublicJwk(sealing), checked, { customer: 'acme-corp' });
    const lines = block.trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN ASC-KEYS SEALED KEY-----');
    expect(lines.at(-1)).toBe('-----END ASC-KEYS SEALED KEY-----');
    expect(lines.slice(1, -2).every((l) => l.length === 64)).toBe(true);
    const { plaintext } = await compactDecrypt(
      lines.slice(1, -1).join(''),
      await importJWK(sealing.privateJwk, 'ECDH-ES'),
    );
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toEqual({
      v: 1,
      customer: 'acme-corp',
      keyId: '2X9R4HXF34',
      individual: true,
      fingerprint: key.fingerprint,
      key: key.pem,
    });
    // An Issuer ID typed in upper case is sealed as Apple writes it, in lower case.
    const upper = await sealKey(sealingPublicJwk(sealing), checked, {
      issuerId: '57246542-96FE-1A63-E053-0824D011072A',
    });
    const opened = await compactDecrypt(
      upper.trimEnd().split('\n').slice(1, -1).join(''),
      await importJWK(sealing.privateJwk, 'ECDH-ES'),
    );
    expect(JSON.parse(new TextDecoder().decode(opened.plaintext)).issuerId).toBe(
      '57246542-96fe-1a63-e053-0824d011072a',
    );
    expect(armourSealedBlock('a'.repeat(65))).toBe(
      `-----BEGIN ASC-KEYS SEALED KEY-----\n${'a'.repeat(64)}\na\n-----END ASC-KEYS SEALED KEY-----\n`,
    );
  });

  test('every function the page inlines is self-contained: it runs from its source text alone', async () => {
    const source = SEALED_CORE_FUNCTIONS.map(String).join('\n');
    const sealing = await generateSealingKey(new Date());
    const key = await generateTestKey();
    const run = new Function(
      'recipient',
      'pem',
      `${source}\nreturn (async () => { const k = await checkKeyFile(${JSON.stringify(NAME)}, new TextEncoder().encode(pem)); return sealKey(recipient, k, { issuerId: '57246542-96fe-1a63-e053-0824d011072a' }); })();`,
    ) as (r: unknown, pem: string) => Promise<string>;
    const block = await run(sealingPublicJwk(sealing), key.pem);
    const compact = block.split('\n').slice(1, -2).join('');
    const { plaintext } = await compactDecrypt(compact, await importJWK(sealing.privateJwk, 'ECDH-ES'));
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toMatchObject({
      issuerId: '57246542-96fe-1a63-e053-0824d011072a',
    });
  });
});

function ecPem(curve: 'P-384' | 'P-521'): string {
  return generateKeyPairSync('ec', { namedCurve: curve })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
}
function rsa(): { pkcs8: string; pkcs1: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    pkcs8: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    pkcs1: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
  };
}
function publicPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ format: 'pem', type: 'spki' })
    .toString();
}
function sec1(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'sec1' })
    .toString();
}
function encrypted(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' })
    .toString();
}
function damaged(): string {
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  const lines = pem.split('\n');
  lines[2] = 'A'.repeat(lines[2]!.length);
  return lines.join('\n');
}
