import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { SignJWT } from 'jose';
import { AscEmulator } from './asc-emulator.js';
import { generateTestKey } from './keys.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const key = await generateTestKey();
const other = await generateTestKey();
const emulator = new AscEmulator(() => NOW);
emulator.register({
  keyId: 'TEAMKEY001',
  issuerId: '57246542-96fe-1a63-e053-0824d011072a',
  publicKey: key.publicKey,
  state: 'active',
  apps: ['111'],
});
emulator.register({ keyId: 'INDIVKEY01', publicKey: key.publicKey, state: 'active', apps: ['111'] });

interface Claims {
  kid?: string;
  alg?: string;
  iss?: string;
  sub?: string;
  aud?: string;
  iat?: number;
  exp?: number;
  typ?: string;
}
async function token(c: Claims = {}, signer = key.privateKey): Promise<string> {
  const iat = c.iat ?? NOW / 1000 - 60;
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: c.kid ?? 'TEAMKEY001', typ: c.typ ?? 'JWT' })
    .setAudience(c.aud ?? 'appstoreconnect-v1')
    .setIssuedAt(iat)
    .setExpirationTime(c.exp ?? iat + 600);
  if (c.sub) jwt.setSubject(c.sub);
  if (c.iss !== '') jwt.setIssuer(c.iss ?? '57246542-96fe-1a63-e053-0824d011072a');
  return jwt.sign(signer);
}

async function get(
  t: string,
  path = '/v1/apps/111',
): Promise<{ status: number; body: { errors?: { code: string; status: string }[] }; rate: string | null }> {
  const r = await fetch(`${emulator.url}${path}`, { headers: { Authorization: `Bearer ${t}` } });
  return {
    status: r.status,
    body: (await r.json()) as { errors?: { code: string; status: string }[] },
    rate: r.headers.get('x-rate-limit'),
  };
}

describe('the App Store Connect emulator', () => {
  beforeAll(() => emulator.start());
  afterAll(() => emulator.stop());

  test('accepts a proper team token, with X-Rate-Limit', async () => {
    const r = await get(await token());
    assert.equal(r.status, 200);
    assert.match(r.rate!, /^user-hour-lim:3500;user-hour-rem:\d+;$/);
  });

  test('accepts an individual key token with sub "user" and no iss', async () => {
    assert.equal((await get(await token({ kid: 'INDIVKEY01', iss: '', sub: 'user' }))).status, 200);
    assert.equal((await get(await token({ kid: 'INDIVKEY01' }))).status, 401);
  });

  const rejected: [string, () => Promise<string>][] = [
    ['an unknown kid', () => token({ kid: 'UNKNOWN001' })],
    ['a signature by another key', () => token({}, other.privateKey)],
    ['another issuer', () => token({ iss: '00000000-0000-0000-0000-000000000000' })],
    ['another audience', () => token({ aud: 'appstoreconnect-v2' })],
    ['an expired token', () => token({ iat: NOW / 1000 - 1300, exp: NOW / 1000 - 100 })],
    ['a lifetime over 20 minutes', () => token({ exp: NOW / 1000 - 60 + 21 * 60 })],
    ['an iat ahead of the clock', () => token({ iat: NOW / 1000 + 120 })],
  ];
  for (const [name, make] of rejected) {
    test(`answers 401 NOT_AUTHORIZED to ${name}`, async () => {
      const r = await get(await make());
      assert.equal(r.status, 401);
      assert.equal(r.body.errors![0]!.code, 'NOT_AUTHORIZED');
      assert.equal(r.body.errors![0]!.status, '401');
    });
  }

  test('answers 401 with no token at all', async () => {
    const r = await fetch(`${emulator.url}/v1/apps/111`);
    assert.equal(r.status, 401);
  });

  test('answers 404 for an app the key cannot see', async () => {
    const r = await get(await token(), '/v1/apps/222');
    assert.equal(r.status, 404);
    assert.equal(r.body.errors![0]!.code, 'NOT_FOUND');
  });

  test('revoked, role-limited and agreement-missing keys', async () => {
    for (const [state, status, code] of [
      ['revoked', 401, 'NOT_AUTHORIZED'],
      ['role-limited', 403, 'FORBIDDEN_ERROR'],
      ['agreement-missing', 403, 'FORBIDDEN.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED'],
    ] as const) {
      emulator.register({
        keyId: 'STATEKEY01',
        issuerId: '57246542-96fe-1a63-e053-0824d011072a',
        publicKey: key.publicKey,
        state,
        apps: ['111'],
      });
      const r = await get(await token({ kid: 'STATEKEY01' }));
      assert.deepEqual([r.status, r.body.errors![0]!.code], [status, code]);
    }
  });

  test('faults: down, failure rate, dropped connections, Retry-After', async () => {
    emulator.faults = { down: true, retryAfterSeconds: 7 };
    const down = await fetch(`${emulator.url}/v1/apps/111`, {
      headers: { Authorization: `Bearer ${await token()}` },
    });
    assert.equal(down.status, 503);
    assert.equal(down.headers.get('retry-after'), '7');
    emulator.faults = { failureRate: 1, statuses: [429] };
    assert.equal((await get(await token())).status, 429);
    emulator.faults = { dropRate: 1 };
    await assert.rejects(fetch(`${emulator.url}/v1/apps/111`));
    emulator.faults = {};
  });

  test('the hourly per-key limit answers 429 RATE_LIMIT_EXCEEDED', async () => {
    emulator.requestsByKey.set('TEAMKEY001', 3500);
    const r = await get(await token());
    assert.deepEqual(
      [r.status, r.body.errors![0]!.code, r.rate],
      [429, 'RATE_LIMIT_EXCEEDED', 'user-hour-lim:3500;user-hour-rem:0;'],
    );
    emulator.requestsByKey.set('TEAMKEY001', 0);
  });
});
