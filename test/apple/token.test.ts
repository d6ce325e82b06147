import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { signToken } from '../../lib/apple/token.js';
import { generateTestKey } from '../support/keys.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');

describe('signToken', () => {
  test('team key: ES256, kid, typ JWT, aud, iss, iat backdated a minute, lifetime 10 minutes', async () => {
    const key = await generateTestKey();
    const token = await signToken(
      key.privateKey,
      { keyId: '2X9R4HXF34', issuerId: '57246542-96fe-1a63-e053-0824d011072a' },
      NOW,
    );
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'ES256', kid: '2X9R4HXF34', typ: 'JWT' });
    const claims = decodeJwt(token);
    assert.deepEqual(claims, {
      aud: 'appstoreconnect-v1',
      iat: NOW / 1000 - 60,
      exp: NOW / 1000 - 60 + 600,
      iss: '57246542-96fe-1a63-e053-0824d011072a',
    });
    await jwtVerify(token, key.publicKey, { currentDate: new Date(NOW) });
  });

  test('individual key: sub "user" and no iss', async () => {
    const key = await generateTestKey();
    const claims = decodeJwt(await signToken(key.privateKey, { keyId: '7QK2M9PLX3' }, NOW));
    assert.equal(claims.sub, 'user');
    assert.equal(claims.iss, undefined);
  });
});
