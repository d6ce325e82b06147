import { describe, expect, test } from 'vitest';
import { keyVersionId, recordVersionId } from '../../lib/model/key-version.js';

const FINGERPRINT = 'Yn6c'.repeat(10) + 'Yn6';

describe('the version ID a record names (docs/rotation.md)', () => {
  test('is the documented function: this vector was computed with sha256sum from the formula, never from the code', () => {
    // printf 'asc-keys:key-version:v1\0asc-keys/acme-corp\0002X9R4HXF34\0<fingerprint>' | sha256sum
    expect(keyVersionId('asc-keys/acme-corp', '2X9R4HXF34', FINGERPRINT)).toBe(
      '8a826ceb-e39e-4ddb-3bc3-d15833365c24',
    );
  });

  test('each input changes it; the same inputs give the same ID', () => {
    const id = keyVersionId('asc-keys/acme-corp', '2X9R4HXF34', FINGERPRINT);
    expect(keyVersionId('asc-keys/acme-corp', '2X9R4HXF34', FINGERPRINT)).toBe(id);
    expect(keyVersionId('asc-keys/globex', '2X9R4HXF34', FINGERPRINT)).not.toBe(id);
    expect(keyVersionId('asc-keys/acme-corp', '2X9R4HXF35', FINGERPRINT)).not.toBe(id);
    expect(keyVersionId('asc-keys/acme-corp', '2X9R4HXF34', 'A'.repeat(43))).not.toBe(id);
    // A separator, not a concatenation: moving a character between fields is another ID.
    expect(keyVersionId('asc-keys/acme-corp2', 'X9R4HXF34', FINGERPRINT)).not.toBe(id);
  });

  test('a record names it by the name of its secret; a file: record names none', () => {
    const byName = {
      secret: { scheme: 'aws-sm', name: 'asc-keys/acme-corp' },
      keyId: '2X9R4HXF34',
      fingerprint: FINGERPRINT,
    };
    expect(recordVersionId(byName)).toBe('8a826ceb-e39e-4ddb-3bc3-d15833365c24');
    expect(recordVersionId({ ...byName, secret: { scheme: 'file' } })).toBeUndefined();
  });
});
