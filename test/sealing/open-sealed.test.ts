import { describe, expect, test } from 'vitest';
import { CompactEncrypt, importJWK } from 'jose';
import { checkKeyFile, sealKey, type CheckedKey } from '../../lib/sealing/browser-core.js';
import { checkSealedExpectations, openSealedBlock } from '../../lib/sealing/open-sealed.js';
import type { SealedPayload } from '../../lib/sealing/sealed-payload.js';
import { SealingError, type SealingErrorCode } from '../../lib/sealing/sealing-error.js';
import {
  generateSealingKey,
  sealingPublicJwk,
  type SealingKeyRing,
} from '../../lib/sealing/sealing-keyring.js';
import { generateTestKey, type TestKey } from '../support/keys.js';

const ISSUER = '57246542-96fe-1a63-e053-0824d011072a';

async function setup(): Promise<{ ring: SealingKeyRing; key: TestKey; checked: CheckedKey; block: string }> {
  const current = await generateSealingKey(new Date());
  const older = await generateSealingKey(new Date('2025-01-01'));
  const key = await generateTestKey();
  const checked = await checkKeyFile('AuthKey_2X9R4HXF34.p8', new TextEncoder().encode(key.pem));
  if (!checked.ok) throw new Error(checked.message);
  const block = await sealKey(sealingPublicJwk(current), checked, {
    issuerId: ISSUER,
    customer: 'acme-corp',
  });
  return { ring: { keys: [current, older] }, key, checked, block };
}

async function refusal(promise: Promise<unknown>): Promise<SealingError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SealingError);
  return err as SealingError;
}

const codeOf = async (p: Promise<unknown>): Promise<SealingErrorCode> => (await refusal(p)).code;

describe('openSealedBlock', () => {
  test('opens what the page seals: Key ID, Issuer ID, customer, fingerprint and the PEM', async () => {
    const { ring, key, block } = await setup();
    expect(await openSealedBlock(block, ring)).toEqual({
      customer: 'acme-corp',
      keyId: '2X9R4HXF34',
      issuerId: ISSUER,
      keyType: 'team',
      fingerprint: key.fingerprint,
      pem: key.pem,
    });
  });

  test('a block sealed to an older key of the ring still opens after a rotation (kid says which)', async () => {
    const { ring, checked, key } = await setup();
    const block = await sealKey(sealingPublicJwk(ring.keys[1]!), checked, {});
    expect(await openSealedBlock(block, ring)).toMatchObject({ keyType: 'individual', pem: key.pem });
  });

  test('what email does to it is tolerated: rewrapping, indentation, CRLF, "> " quoting, text around it', async () => {
    const { ring, block, key } = await setup();
    const [begin, ...rest] = block.trimEnd().split('\n');
    const end = rest.pop()!;
    const body = rest.join('').match(/.{1,37}/g)!;
    const mangled = [
      'Hi, here is our key:',
      '',
      `> ${begin}`,
      ...body.map((l, i) => (i % 2 ? `>   ${l}  ` : `> > ${l}`)),
      `> ${end}`,
      '',
      'Best, Jane',
    ].join('\r\n');
    expect((await openSealedBlock(mangled, ring)).pem).toBe(key.pem);
    // The bare JWE, without the armour lines, too.
    expect((await openSealedBlock(rest.join('\n'), ring)).pem).toBe(key.pem);
  });

  test.each([
    ['cut before the END line', (b: string) => b.slice(0, b.indexOf('-----END'))],
    ['cut in the middle, END line lost', (b: string) => b.slice(0, Math.floor(b.length / 2))],
    ['cut inside the tag, bare', (b: string) => b.split('\n').slice(1, -2).join('').slice(0, -5)],
    [
      'cut inside the ciphertext, bare',
      (b: string) => b.split('\n').slice(1, -2).join('').split('.').slice(0, 4).join('.').slice(0, -10),
    ],
    [
      'the last line of the body lost',
      (b: string) => {
        const l = b.trimEnd().split('\n');
        l.splice(-2, 1);
        return l.join('\n');
      },
    ],
  ])('truncated (%s): SEALED_TRUNCATED', async (_what, cut) => {
    const { ring, block } = await setup();
    expect(await codeOf(openSealedBlock(cut(block), ring))).toBe('SEALED_TRUNCATED');
  });

  test.each([
    ['a ciphertext character changed', (c: string[]) => (c[3] = flip(c[3]!, 10))],
    ['the tag changed', (c: string[]) => (c[4] = flip(c[4]!, 3))],
    ['the IV changed', (c: string[]) => (c[2] = flip(c[2]!, 2))],
    ['a body line lost', (c: string[]) => (c[3] = c[3]!.slice(0, 10) + c[3]!.slice(74))],
  ])('tampered (%s): SEALED_TAMPERED', async (_what, change) => {
    const { ring, block } = await setup();
    const compact = block.split('\n').slice(1, -2).join('').split('.');
    change(compact);
    expect(await codeOf(openSealedBlock(compact.join('.'), ring))).toBe('SEALED_TAMPERED');
  });

  test('a header changed (another kid of the ring): SEALED_TAMPERED, the header is authenticated', async () => {
    const { ring, block } = await setup();
    const parts = block.split('\n').slice(1, -2).join('').split('.');
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()) as Record<string, unknown>;
    parts[0] = Buffer.from(JSON.stringify({ ...header, kid: ring.keys[1]!.kid })).toString('base64url');
    expect(await codeOf(openSealedBlock(parts.join('.'), ring))).toBe('SEALED_TAMPERED');
  });

  test('sealed to another key: SEALED_OTHER_KEY, naming the kids', async () => {
    const { ring, checked } = await setup();
    const stranger = await generateSealingKey(new Date());
    const err = await refusal(openSealedBlock(await sealKey(sealingPublicJwk(stranger), checked, {}), ring));
    expect(err.code).toBe('SEALED_OTHER_KEY');
    expect(err.message).toContain(stranger.kid);
    expect(err.message).toContain(ring.keys[0]!.kid);
  });

  test('nothing, two blocks, foreign characters, other algorithms: NOT_FOUND and MALFORMED', async () => {
    const { ring, block } = await setup();
    expect(await codeOf(openSealedBlock('Hi, the key is attached.', ring))).toBe('SEALED_NOT_FOUND');
    expect(await codeOf(openSealedBlock('', ring))).toBe('SEALED_NOT_FOUND');
    expect(await codeOf(openSealedBlock(block.split('\n')[1]!.slice(0, 30), ring))).toBe('SEALED_TRUNCATED');
    expect(await codeOf(openSealedBlock(`${block}\n${block}`, ring))).toBe('SEALED_MALFORMED');
    expect(await codeOf(openSealedBlock(block.replace(/^(.{40})./m, '$1*'), ring))).toBe('SEALED_MALFORMED');
    const rsaOaep = await new CompactEncrypt(new TextEncoder().encode('{}'))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', kid: ring.keys[0]!.kid })
      .encrypt(await importJWK(sealingPublicJwk(ring.keys[0]!), 'ECDH-ES'));
    expect(await codeOf(openSealedBlock(rsaOaep, ring))).toBe('SEALED_MALFORMED');
  });

  test.each([
    ['not JSON', 'key'],
    [
      'an unknown field (its name is not echoed)',
      JSON.stringify({
        v: 1,
        keyId: '2X9R4HXF34',
        individual: true,
        fingerprint: 'A'.repeat(43),
        key: 'x',
        sekrit: 1,
      }),
    ],
    ['another format version', JSON.stringify({ v: 2, keyId: '2X9R4HXF34' })],
    ['a field missing', JSON.stringify({ v: 1, keyId: '2X9R4HXF34', individual: true, key: 'x' })],
    [
      'both Issuer ID and individual',
      JSON.stringify({
        v: 1,
        keyId: '2X9R4HXF34',
        issuerId: ISSUER,
        individual: true,
        fingerprint: 'A'.repeat(43),
        key: 'x',
      }),
    ],
    [
      'a malformed Key ID',
      JSON.stringify({ v: 1, keyId: 'short', individual: true, fingerprint: 'A'.repeat(43), key: 'x' }),
    ],
  ])(
    'a standard JWE to our key with the wrong content (%s): SEALED_PAYLOAD_INVALID',
    async (_what, content) => {
      const { ring } = await setup();
      const jwe = await new CompactEncrypt(new TextEncoder().encode(content))
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: ring.keys[0]!.kid })
        .encrypt(await importJWK(sealingPublicJwk(ring.keys[0]!), 'ECDH-ES'));
      const err = await refusal(openSealedBlock(jwe, ring));
      expect(err.code).toBe('SEALED_PAYLOAD_INVALID');
      expect(err.message).not.toMatch(/"key"|sekrit/);
    },
  );
});

describe('checkSealedExpectations', () => {
  const team: SealedPayload = {
    customer: 'acme-corp',
    keyId: '2X9R4HXF34',
    issuerId: ISSUER,
    keyType: 'team',
    fingerprint: 'f',
    pem: 'p',
  };
  const individual: SealedPayload = {
    keyId: '2X9R4HXF34',
    keyType: 'individual',
    fingerprint: 'f',
    pem: 'p',
  };
  const code = (
    p: SealedPayload,
    flags: Parameters<typeof checkSealedExpectations>[1],
  ): string | undefined => {
    try {
      checkSealedExpectations(p, flags);
      return undefined;
    } catch (e) {
      return (e as SealingError).code;
    }
  };

  test('flags that agree, or are left out, pass; a page without a customer fits any', () => {
    expect(code(team, { customer: 'acme-corp' })).toBeUndefined();
    expect(
      code(team, { customer: 'acme-corp', keyId: '2X9R4HXF34', issuerId: ISSUER.toUpperCase() }),
    ).toBeUndefined();
    expect(code(individual, { customer: 'anyone', individual: true })).toBeUndefined();
  });
  test('a block made for another customer: SEALED_OTHER_CUSTOMER', () => {
    expect(code(team, { customer: 'globex' })).toBe('SEALED_OTHER_CUSTOMER');
  });
  test.each([
    [team, { keyId: 'ZZZZZZZZZZ' }],
    [team, { issuerId: '00000000-96fe-1a63-e053-0824d011072a' }],
    [team, { individual: true }],
    [individual, { issuerId: ISSUER }],
  ])('a flag that disagrees with the block: SEALED_FLAG_MISMATCH (%#)', (payload, flags) => {
    expect(code(payload, { customer: 'acme-corp', ...flags })).toBe('SEALED_FLAG_MISMATCH');
  });
});

function flip(s: string, i: number): string {
  return s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
}
