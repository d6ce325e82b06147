import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CompactEncrypt, importJWK } from 'jose';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { UsageError } from '../../lib/errors.js';
import { checkKeyFile, sealKey } from '../../lib/sealing/browser-core.js';
import { readPublicKeyFile, writePublicKeyFile } from '../../lib/sealing/public-key-file.js';
import { openSealedSource, SealedSourceRefusal } from '../../lib/sealing/sealed-source.js';
import { SealingKeySecret } from '../../lib/sealing/sealing-key-secret.js';
import {
  generateSealingKey,
  sealingPublicJwk,
  type SealingPrivateKey,
} from '../../lib/sealing/sealing-keyring.js';
import { sealingPageHtml } from '../../lib/sealing/sealing-page.js';
import { secretsManagerClient } from '../support/aws-clients.js';
import { generateTestKey, type TestKey } from '../support/keys.js';
import { startMoto, type MotoServer } from '../support/moto.js';

const ISSUER = '57246542-96fe-1a63-e053-0824d011072a';
let moto: MotoServer;
let secret: SealingKeySecret;
let sealing: SealingPrivateKey;
let key: TestKey;
let dir: string;

async function block(customer?: string): Promise<string> {
  const checked = await checkKeyFile('AuthKey_2X9R4HXF34.p8', new Uint8Array(Buffer.from(key.pem)));
  if (!checked.ok) throw new Error(checked.message);
  return sealKey(sealingPublicJwk(sealing), checked, { issuerId: ISSUER, ...(customer && { customer }) });
}

function file(text: string): string {
  const path = join(mkdtempSync(join(dir, 'b-')), 'reply.txt');
  writeFileSync(path, text);
  return path;
}

async function refusal(p: Promise<unknown>): Promise<SealedSourceRefusal> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SealedSourceRefusal);
  return err as SealedSourceRefusal;
}

describe('the sealing secret and the sealed source, in process against moto', () => {
  beforeAll(async () => {
    moto = await startMoto();
    secret = new SealingKeySecret(secretsManagerClient(moto), 'asc-keys');
    sealing = await generateSealingKey(new Date());
    key = await generateTestKey();
    dir = mkdtempSync(join(tmpdir(), 'asc-keys-sealed-source-'));
  });
  afterAll(async () => {
    await moto.stop();
  });

  test('SealingKeySecret: missing secret, no value yet, then the ring written and read back', async () => {
    const missing = await secret.read().then(
      () => undefined,
      (e: unknown) => e as UsageError,
    );
    expect(missing?.code).toBe('SEALING_KEY_UNAVAILABLE');
    expect(missing?.message).toMatch(/apply the platform stack first/);
    // Through the sealed source: the same code and next step, as a refusal of the import.
    const beforeSetUp = await refusal(
      openSealedSource(file(await block()), { customer: 'acme-corp' }, secret),
    );
    expect(beforeSetUp).toMatchObject({
      code: 'SEALING_KEY_UNAVAILABLE',
      message:
        'the sealing secret asc-keys/_sealing-key does not exist; apply the platform stack first (it creates the secret and its policy), then run "asc-keys sealing-key create"',
    });
    await secretsManagerClient(moto).send(new CreateSecretCommand({ Name: 'asc-keys/_sealing-key' }));
    expect(await secret.read()).toBeUndefined();
    const ring = Object.freeze({ keys: [sealing] });
    await expect(
      openSealedSource(file(await block()), { customer: 'acme-corp' }, secret),
    ).rejects.toMatchObject({ code: 'SEALING_KEY_UNAVAILABLE' });
    await secret.write(ring);
    expect((await secret.read())?.keys.map((k) => k.kid)).toEqual([sealing.kid]);
  });

  test('openSealedSource from a file and from stdin: the IDs for the request, the key for the pipeline', async () => {
    const fromFile = await openSealedSource(
      file(await block('acme-corp')),
      { customer: 'acme-corp' },
      secret,
    );
    expect(fromFile).toEqual({
      customer: 'acme-corp',
      keyId: '2X9R4HXF34',
      issuerId: ISSUER,
      fingerprint: key.fingerprint,
      input: { pem: key.pem, keyIdFromName: '2X9R4HXF34', issuerId: ISSUER, origin: 'the sealed block' },
    });
    const fromStdin = await openSealedSource(
      '-',
      { customer: 'acme-corp' },
      secret,
      Readable.from([await block()]),
    );
    expect(fromStdin.input.pem).toBe(key.pem);
  });

  test('refusals carry their codes: a missing file, a tampered block, another customer, a wrong fingerprint', async () => {
    expect((await refusal(openSealedSource(join(dir, 'nope.txt'), { customer: 'a' }, secret))).code).toBe(
      'KEY_FILE_UNREADABLE',
    );
    expect((await refusal(openSealedSource(dir, { customer: 'a' }, secret))).code).toBe(
      'KEY_FILE_UNREADABLE',
    );
    const b = await block('acme-corp');
    const lines = b.split('\n');
    lines[3] = lines[3]!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    expect(
      (await refusal(openSealedSource(file(lines.join('\n')), { customer: 'acme-corp' }, secret))).code,
    ).toBe('SEALED_TAMPERED');
    expect((await refusal(openSealedSource(file(b), { customer: 'globex' }, secret))).code).toBe(
      'SEALED_OTHER_CUSTOMER',
    );
    const other = await generateTestKey();
    const lying = await new CompactEncrypt(
      Buffer.from(
        JSON.stringify({
          v: 1,
          keyId: '2X9R4HXF34',
          individual: true,
          fingerprint: other.fingerprint,
          key: key.pem,
        }),
      ),
    )
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: sealing.kid })
      .encrypt(await importJWK(sealingPublicJwk(sealing), 'ECDH-ES'));
    const wrongPrint = await refusal(openSealedSource(file(lying), { customer: 'a' }, secret));
    expect(wrongPrint.code).toBe('SEALED_PAYLOAD_INVALID');
    expect(wrongPrint.message).toMatch(/does not match the fingerprint the page showed/);
    // A forged block with a key of another kind: said so, not taken for a fingerprint mismatch.
    for (const [kind, options, says] of [
      ['ec', { namedCurve: 'P-384' }, 'it is an EC key on P-384; App Store Connect keys are EC P-256'],
      ['rsa', { modulusLength: 2048 }, 'it is an RSA key; App Store Connect keys are EC P-256'],
    ] as const) {
      const { privateKey } = generateKeyPairSync(kind as 'ec', options as { namedCurve: string });
      const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      const forged = await new CompactEncrypt(
        Buffer.from(
          JSON.stringify({
            v: 1,
            keyId: '2X9R4HXF34',
            individual: true,
            fingerprint: key.fingerprint,
            key: pem,
          }),
        ),
      )
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: sealing.kid })
        .encrypt(await importJWK(sealingPublicJwk(sealing), 'ECDH-ES'));
      const refused = await refusal(openSealedSource(file(forged), { customer: 'a' }, secret));
      expect(refused.code, kind).toBe('SEALED_PAYLOAD_INVALID');
      expect(refused.message).toContain(`the key inside is no App Store Connect key: ${says}`);
      expect(refused.message).not.toContain('fingerprint');
    }
    expect(
      (
        await refusal(
          openSealedSource('-', { customer: 'a' }, secret, Readable.from([Buffer.alloc(300_000)])),
        )
      ).code,
    ).toBe('KEY_FILE_UNREADABLE');
  });

  test('AWS not answering: AWS_UNAVAILABLE, try again; a block of the wrong shape is refused before AWS is asked', async () => {
    const down = secretsManagerClient(moto, { rate: 1, error: 'InternalServiceError' }, 1);
    const unavailable = new SealingKeySecret(down, 'asc-keys');
    const refused = await refusal(
      openSealedSource(file(await block()), { customer: 'acme-corp' }, unavailable),
    );
    expect(refused.code).toBe('AWS_UNAVAILABLE');
    expect(refused.message).toMatch(
      /^AWS Secrets Manager could not be asked \(.*InternalServiceError.*\); try again$/,
    );
    down.calls.clear();
    const notABlock = await refusal(
      openSealedSource(
        file('Hello, here is the key: see the attachment'),
        { customer: 'acme-corp' },
        unavailable,
      ),
    );
    expect(notABlock.code).toBe('SEALED_NOT_FOUND');
    expect(down.calls.size).toBe(0);
  });

  test('a file far larger than any sealed block is refused by its size, not read', async () => {
    const path = file('');
    truncateSync(path, 256 * 1024 + 1);
    const refused = await refusal(openSealedSource(path, { customer: 'acme-corp' }, secret));
    expect(refused).toMatchObject({
      code: 'KEY_FILE_UNREADABLE',
      message: `${path} is ${256 * 1024 + 1} bytes; a sealed block is a few kilobytes`,
    });
  });

  test('the public key file round-trips, and the page pins its inline script and style by hash', async () => {
    const path = join(dir, 'sealing-public-key.json');
    writePublicKeyFile(path, sealingPublicJwk(sealing));
    const jwk = await readPublicKeyFile(path);
    expect(jwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: sealing.privateJwk.x,
      y: sealing.privateJwk.y,
      kid: sealing.kid,
    });
    expect(() => writePublicKeyFile(join(dir, 'no', 'such', 'x.json'), jwk)).toThrow(
      /cannot write the public key/,
    );
    const html = sealingPageHtml({ recipient: jwk, customer: 'acme-corp', customerName: 'ACME' });
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash}'`);
    expect(readFileSync(path, 'utf8')).not.toContain('"d"');
  });
});
