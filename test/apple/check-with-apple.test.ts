import assert from 'node:assert/strict';
import { afterAll, beforeAll, beforeEach, describe, test } from 'vitest';
import { checkWithApple, describeAppleRetry, type AppleRetry } from '../../lib/apple/check-with-apple.js';
import { MAX_ANSWER_BYTES } from '../../lib/apple/probe-app.js';
import { DEFAULT_RETRY } from '../../lib/apple/retry-policy.js';
import { isKeyProblem, parseKeyValue } from '../../lib/secrets/parse-key-value.js';
import { AscEmulator } from '../support/asc-emulator.js';
import { FakeClock } from '../support/fake-clock.js';
import { generateTestKey } from '../support/keys.js';

const key = await generateTestKey();
const material = await parseKeyValue(key.pem);
if (isKeyProblem(material)) throw new Error(material.message);
const ISSUER = '57246542-96fe-1a63-e053-0824d011072a';
const clock = new FakeClock();
const emulator = new AscEmulator(clock.now);
const id = { keyId: 'KEY0000001', issuerId: ISSUER };
const check = (
  appleId = '111',
  retry = DEFAULT_RETRY,
  random: () => number = () => 1,
): ReturnType<typeof checkWithApple> =>
  checkWithApple(material.signingKey, id, appleId, { baseUrl: emulator.url, clock, retry, random });

describe('checkWithApple against the emulator', () => {
  beforeAll(() => emulator.start());
  afterAll(() => emulator.stop());
  beforeEach(() => {
    emulator.faults = {};
    emulator.register({
      keyId: 'KEY0000001',
      issuerId: ISSUER,
      publicKey: key.publicKey,
      state: 'active',
      apps: ['111'],
    });
    clock.slept.length = 0;
  });

  test('OK with one request', async () => {
    assert.deepEqual(await check(), {
      code: 'OK',
      requests: 1,
      message: 'App Store Connect accepted a token signed by key KEY0000001 for app 111',
    });
  });

  test('KEY_REJECTED after two 401s, the second to a fresh token', async () => {
    emulator.register({
      keyId: 'KEY0000001',
      issuerId: ISSUER,
      publicKey: key.publicKey,
      state: 'revoked',
      apps: ['111'],
    });
    const v = await check();
    assert.equal(v.code, 'KEY_REJECTED');
    assert.equal(v.requests, 2);
    assert.match(v.message, /rejected key KEY0000001 twice \(HTTP 401 NOT_AUTHORIZED/);
  });

  test('a single 401 followed by 200 is OK, in two requests', async () => {
    emulator.faults = { perKey: new Map([['KEY0000001', { status: 401, times: 1 }]]) };
    const v = await check();
    assert.deepEqual([v.code, v.requests], ['OK', 2]);
  });

  test('ROLE_INSUFFICIENT, AGREEMENT_MISSING, APP_NOT_FOUND, APPLE_UNEXPECTED', async () => {
    emulator.register({
      keyId: 'KEY0000001',
      issuerId: ISSUER,
      publicKey: key.publicKey,
      state: 'role-limited',
      apps: ['111'],
    });
    assert.equal((await check()).code, 'ROLE_INSUFFICIENT');
    emulator.register({
      keyId: 'KEY0000001',
      issuerId: ISSUER,
      publicKey: key.publicKey,
      state: 'agreement-missing',
      apps: ['111'],
    });
    const agreement = await check();
    assert.equal(agreement.code, 'AGREEMENT_MISSING');
    assert.match(agreement.message, /FORBIDDEN\.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED/);
    emulator.register({
      keyId: 'KEY0000001',
      issuerId: ISSUER,
      publicKey: key.publicKey,
      state: 'active',
      apps: ['111'],
    });
    assert.equal((await check('999')).code, 'APP_NOT_FOUND');
    emulator.faults = { perKey: new Map([['KEY0000001', { status: 400 }]]) };
    assert.equal((await check()).code, 'APPLE_UNEXPECTED');
    emulator.faults = { perKey: new Map([['KEY0000001', { status: 403, rawBody: '<html>' }]]) };
    assert.equal((await check()).code, 'APPLE_UNEXPECTED');
  });

  test('5xx and 429 are retried with growing backoff until the budget is spent: APPLE_UNAVAILABLE, never invalid', async () => {
    emulator.faults = { down: true };
    const v = await check();
    assert.equal(v.code, 'APPLE_UNAVAILABLE');
    assert.match(v.message, /last: HTTP 503 SERVICE_UNAVAILABLE/);
    assert.deepEqual(clock.slept, [500, 1000, 2000, 4000, 8000, 8000]);
    assert.ok(clock.slept.reduce((a, b) => a + b) <= DEFAULT_RETRY.budgetMs);
    assert.equal(v.requests, 7);
  });

  test('before each wait it says what it waits for, which attempt failed and how, and for how long', async () => {
    emulator.faults = { down: true };
    const told: AppleRetry[] = [];
    const v = await checkWithApple(material.signingKey, id, '111', {
      baseUrl: emulator.url,
      clock,
      retry: DEFAULT_RETRY,
      random: () => 1,
      onRetry: (r) => told.push(r),
    });
    assert.equal(v.code, 'APPLE_UNAVAILABLE');
    assert.match(v.said!, /^HTTP 503 SERVICE_UNAVAILABLE: The service is/);
    assert.deepEqual(
      told.map((r) => [r.attempt, r.delayMs]),
      clock.slept.map((ms, i) => [i + 1, ms]),
    );
    assert.equal(
      describeAppleRetry(told[1]!),
      `waiting for App Store Connect: attempt 2 of up to ${DEFAULT_RETRY.maxAttempts} got ${v.said}; asking again in 1 s`,
    );
    // An answer is not waited for: nothing said.
    emulator.faults = {};
    told.length = 0;
    await checkWithApple(material.signingKey, id, '111', {
      baseUrl: emulator.url,
      clock,
      onRetry: (r) => told.push(r),
    });
    assert.deepEqual(told, []);
  });

  test('full jitter: each backoff is its cap times the random draw, so the delays vary', async () => {
    emulator.faults = { down: true };
    const draws = [0.1, 0.9, 0.5, 0, 0.75, 0.3, 0.6];
    let i = 0;
    const v = await check('111', DEFAULT_RETRY, () => draws[i++]!);
    assert.equal(v.code, 'APPLE_UNAVAILABLE');
    // Caps 500, 1000, 2000, 4000, 8000, 8000, 8000; the last attempt stops at maxAttempts.
    assert.deepEqual(clock.slept, [50, 900, 1000, 0, 6000, 2400, 4800]);
    assert.ok(new Set(clock.slept).size > 1);
  });

  test('with the default random source the delays stay within their caps and differ', async () => {
    emulator.faults = { down: true };
    await checkWithApple(material.signingKey, id, '111', {
      baseUrl: emulator.url,
      clock,
      retry: DEFAULT_RETRY,
    });
    const caps = [500, 1000, 2000, 4000, 8000, 8000, 8000];
    clock.slept.forEach((ms, n) => assert.ok(ms >= 0 && ms <= caps[n]!, `${ms} within ${caps[n]}`));
    assert.ok(new Set(clock.slept).size > 1, `${clock.slept}`);
  });

  test('Retry-After is honoured', async () => {
    emulator.faults = { down: true, retryAfterSeconds: 20 };
    const v = await check();
    assert.equal(v.code, 'APPLE_UNAVAILABLE');
    assert.deepEqual(clock.slept, [20_000]);
  });

  test('dropped connections and timeouts are retried, then APPLE_UNAVAILABLE', async () => {
    emulator.faults = { dropRate: 1 };
    const dropped = await check('111', { ...DEFAULT_RETRY, maxAttempts: 2 });
    assert.equal(dropped.code, 'APPLE_UNAVAILABLE');
    assert.match(dropped.message, /connection failed/);
    emulator.faults = { slowBodyMs: 300 };
    const slow = await check('111', { ...DEFAULT_RETRY, maxAttempts: 2, timeoutMs: 50 });
    assert.equal(slow.code, 'APPLE_UNAVAILABLE');
    assert.match(slow.message, /no answer within 50 ms/);
  });

  test('OK needs proof: a 200 that is not the app is APPLE_UNEXPECTED, whatever it holds', async () => {
    const answers: [string, RegExp][] = [
      ['<html><body>Sign in to continue</body></html>', /not JSON/],
      ['', /an empty body/],
      [JSON.stringify({ data: { type: 'apps', id: '999' } }), /another app than 111 \(999\)/],
      [JSON.stringify({ data: { type: 'bundleIds', id: '111' } }), /not of type "apps"/],
    ];
    for (const [rawBody, why] of answers) {
      emulator.faults = { perKey: new Map([['KEY0000001', { status: 200, rawBody }]]) };
      const v = await check();
      assert.equal(v.code, 'APPLE_UNEXPECTED', rawBody);
      assert.match(v.message, why);
      assert.equal(v.requests, 1);
    }
  });

  test('an answer above the size cap is not read: APPLE_UNEXPECTED, no RangeError', async () => {
    const rawBody = JSON.stringify({
      data: { type: 'apps', id: '111' },
      padding: 'x'.repeat(2 * MAX_ANSWER_BYTES),
    });
    emulator.faults = { perKey: new Map([['KEY0000001', { status: 200, rawBody }]]) };
    const v = await check();
    assert.equal(v.code, 'APPLE_UNEXPECTED');
    assert.match(v.message, new RegExp(`more than ${MAX_ANSWER_BYTES} bytes`));
  });

  test('a failure rate of 30% still ends OK for a working key', async () => {
    emulator.faults = { failureRate: 0.3 };
    for (let i = 0; i < 20; i++) assert.equal((await check()).code, 'OK');
  });
});
