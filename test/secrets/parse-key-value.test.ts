import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'vitest';
import { isKeyProblem, parseKeyValue } from '../../lib/secrets/parse-key-value.js';
import { publicKeyThumbprint } from '../../lib/secrets/thumbprint.js';
import { generateTestKey, pemBody, type TestKey } from '../support/keys.js';

const key: TestKey = await generateTestKey();
const sec1 = key.privateKey.export({ format: 'pem', type: 'sec1' }).toString();
const fastlane = (k: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    key_id: '2X9R4HXF34',
    issuer_id: '57246542-96fe-1a63-e053-0824d011072a',
    key: k,
    in_house: false,
    ...extra,
  });

const VALID: [string, string][] = [
  ['fastlane JSON', fastlane(key.pem)],
  ['bare PEM', key.pem],
  ['CRLF line endings', key.pem.replaceAll('\n', '\r\n')],
  ['a byte-order mark', `\uFEFF${key.pem}`],
  ['literal \\n sequences', key.pem.replaceAll('\n', '\\n')],
  ['surrounding quotes and blanks', `  "${key.pem}"\n\n`],
  ['base64 of the whole PEM', Buffer.from(key.pem).toString('base64')],
  ['SEC1 (BEGIN EC PRIVATE KEY)', sec1],
  ['fastlane JSON whose key has literal \\n', fastlane(key.pem.replaceAll('\n', '\\n'))],
  ['trailing blanks on lines', key.pem.replaceAll('\n', '  \n')],
];

const INVALID: [string, () => string, RegExp][] = [
  ['trailing garbage after the footer', () => `${key.pem}garbage`, /not a complete PEM private key/],
  ['truncated', () => key.pem.slice(0, 120) + '\n-----END PRIVATE KEY-----\n', /truncated or corrupted/],
  [
    'an RSA key',
    () =>
      generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
    /is an RSA key; App Store Connect keys are EC P-256/,
  ],
  [
    'an RSA key in PKCS#1',
    () =>
      generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ format: 'pem', type: 'pkcs1' })
        .toString(),
    /is an RSA key/,
  ],
  [
    'a P-384 key',
    () =>
      generateKeyPairSync('ec', { namedCurve: 'P-384' })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
    /EC key on P-384/,
  ],
  [
    'an Ed25519 key',
    () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    /is an ED25519 key/,
  ],
  [
    'an encrypted PKCS#8 key',
    () =>
      key.privateKey
        .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'secret' })
        .toString(),
    /is an encrypted private key/,
  ],
  ['a public key', () => key.publicKey.export({ format: 'pem', type: 'spki' }).toString(), /is a public key/],
  ['an empty value', () => '', /neither a PEM private key nor base64 of one/],
  ['blanks only', () => ' \n\t ', /neither a PEM private key nor base64 of one/],
  ['broken JSON', () => '{"key": "-----BEGIN', /looks like JSON but is not valid JSON/],
  ['JSON without key', () => JSON.stringify({ key_id: 'X' }), /JSON without a "key" string/],
  [
    'base64 of something else',
    () => Buffer.from('hello world').toString('base64'),
    /neither a PEM private key nor base64 of one/,
  ],
  ['text before the header', () => `my key:\n${key.pem}`, /not a complete PEM private key/],
];

describe('parseKeyValue', () => {
  test('the corpus has at least 15 values', () => assert.ok(VALID.length + INVALID.length >= 15));

  for (const [name, value] of VALID) {
    test(`accepts ${name}`, async () => {
      const parsed = await parseKeyValue(value);
      assert.ok(!isKeyProblem(parsed), isKeyProblem(parsed) ? parsed.message : '');
      assert.equal(await publicKeyThumbprint(parsed.publicJwk), key.fingerprint);
    });
  }

  for (const [name, value, message] of INVALID) {
    test(`rejects ${name} as P8_INVALID`, async () => {
      const v = value();
      const parsed = await parseKeyValue(v);
      assert.ok(isKeyProblem(parsed));
      assert.equal(parsed.code, 'P8_INVALID');
      assert.match(parsed.message, message);
      const body = pemBody(v);
      if (body.length > 40)
        assert.ok(!parsed.message.includes(body.slice(10, 40)), 'the message quotes the value');
    });
  }

  test('fastlane JSON carries its IDs for the cross-check; null issuer_id means an individual key', async () => {
    const team = await parseKeyValue(fastlane(key.pem));
    assert.ok(!isKeyProblem(team));
    assert.equal(team.keyId, '2X9R4HXF34');
    assert.equal(team.issuerId, '57246542-96fe-1a63-e053-0824d011072a');
    const individual = await parseKeyValue(fastlane(key.pem, { issuer_id: null }));
    assert.ok(!isKeyProblem(individual));
    assert.equal(individual.issuerId, null);
    const bare = await parseKeyValue(key.pem);
    assert.ok(!isKeyProblem(bare));
    assert.equal(bare.keyId, undefined);
  });
});
