import { describe, expect, test } from 'vitest';
import { ISSUER_ID, KEY_ID } from '../../lib/records/patterns.js';
import { describeShape, showId } from '../../lib/secrets/describe-shape.js';
import { generateTestKey } from '../support/keys.js';

describe('describeShape', () => {
  test('says what a value looks like, never what it holds', async () => {
    const { pem, body } = await generateTestKey();
    expect(describeShape(pem)).toBe(`${pem.length} characters, looks like a PEM key`);
    expect(describeShape(body)).toBe(`${body.length} characters, looks like base64`);
    expect(describeShape('a\nb')).toBe('3 characters, with control characters or line breaks');
    expect(describeShape('x')).toBe('1 character');
    expect(describeShape('')).toBe('an empty string');
    expect(describeShape(12)).toBe('a number');
    expect(describeShape(null)).toBe('null');
  });

  test('showId shows an ID-shaped value, describes anything else', async () => {
    const { pem } = await generateTestKey();
    expect(showId('2X9R4HXF34', KEY_ID, 'a Key ID')).toBe('2X9R4HXF34');
    expect(showId(pem, ISSUER_ID, 'an Issuer ID')).toBe(
      `not an Issuer ID: ${pem.length} characters, looks like a PEM key`,
    );
    expect(showId(null, ISSUER_ID, 'an Issuer ID')).toBe('null');
  });
});
