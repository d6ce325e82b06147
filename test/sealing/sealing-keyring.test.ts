import { describe, expect, test } from 'vitest';
import { checkKeyFile, sealKey } from '../../lib/sealing/browser-core.js';
import { openSealedBlock } from '../../lib/sealing/open-sealed.js';
import { SealingError } from '../../lib/sealing/sealing-error.js';
import {
  DEFAULT_SEALING_GRACE_DAYS,
  generateSealingKey,
  parseSealingKeyRing,
  sealingPublicJwk,
  serializeSealingKeyRing,
  withNewKey,
  type SealingKeyRing,
} from '../../lib/sealing/sealing-keyring.js';
import { generateTestKey } from '../support/keys.js';

const day = (d: string): Date => new Date(`${d}T12:00:00Z`);

describe('withNewKey: older keys are retired once their successor is past the grace period', () => {
  test('the default grace is 30 days; the key just replaced is kept, one replaced long ago is retired by kid', async () => {
    expect(DEFAULT_SEALING_GRACE_DAYS).toBe(30);
    const first = await generateSealingKey(day('2026-01-01'));
    const second = await generateSealingKey(day('2026-05-01'));
    const third = await generateSealingKey(day('2026-06-20'));
    const ring = withNewKey({ keys: [second, first] }, third, 30, day('2026-06-20'));
    expect(ring.keys.map((k) => k.kid)).toEqual([third.kid, second.kid]);
    expect(ring.retired).toEqual([{ kid: first.kid, retiredOn: '2026-06-20' }]);
    // Nothing of the retired key's private half is left in what is stored.
    expect(serializeSealingKeyRing(ring)).not.toContain(first.privateJwk.d);
  });
  test('after the grace period, the next rotation retires the key it kept; 0 days retires it at once', async () => {
    const a = await generateSealingKey(day('2026-01-01'));
    const b = await generateSealingKey(day('2026-06-01'));
    const c = await generateSealingKey(day('2026-08-01'));
    expect(withNewKey({ keys: [b, a] }, c, 30, day('2026-08-01')).keys.map((k) => k.kid)).toEqual([
      c.kid,
      b.kid,
    ]);
    expect(withNewKey({ keys: [b] }, c, 0, day('2026-08-01')).keys.map((k) => k.kid)).toEqual([c.kid]);
  });
  test('the retired list survives the secret (parse of serialize)', async () => {
    const a = await generateSealingKey(day('2026-01-01'));
    const b = await generateSealingKey(day('2026-06-01'));
    const ring = withNewKey({ keys: [a] }, b, 0, day('2026-06-01'));
    expect(parseSealingKeyRing(serializeSealingKeyRing(ring))).toEqual(ring);
  });
});

describe('a block sealed to a retired key', () => {
  test('is refused with the kid, the day, and a request for a new block', async () => {
    const old = await generateSealingKey(day('2026-01-01'));
    const key = await generateTestKey();
    const checked = await checkKeyFile('AuthKey_2X9R4HXF34.p8', new TextEncoder().encode(key.pem));
    if (!checked.ok) throw new Error(checked.message);
    const block = await sealKey(sealingPublicJwk(old), checked, {
      issuerId: '57246542-96fe-1a63-e053-0824d011072a',
      customer: 'acme-corp',
    });
    const current = await generateSealingKey(day('2026-06-01'));
    const ring: SealingKeyRing = withNewKey({ keys: [old] }, current, 0, day('2026-06-01'));
    const err = await openSealedBlock(block, ring).then(
      () => undefined,
      (e: unknown) => e as SealingError,
    );
    expect(err).toBeInstanceOf(SealingError);
    expect(err!.code).toBe('SEALED_RETIRED_KEY');
    expect(err!.message).toContain(old.kid);
    expect(err!.message).toContain('retired on 2026-06-01');
    expect(err!.message).toMatch(/seal the key again with the current page/);
    expect(err!.message).not.toContain(key.pem.split('\n')[1]!);
  });
});
