import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { rotatedRecordText } from '../../lib/import/candidate-record.js';

const team = {
  keyId: 'NEWKEY0001',
  issuerId: '11111111-2222-3333-4444-555555555555',
  fingerprint: 'F'.repeat(43),
  createdOn: '2027-02-03',
};

const record = [
  '# Rotated yearly; ask Jane first.',
  'customer: acme-corp',
  'displayName: ACME Corp   # note, three spaces before it',
  '',
  'app:',
  '  appleId: "1234567890"',
  'apiKey:',
  '  keyId: OLDKEY0001    # from the 2026 email',
  "  issuerId: '57246542-96fe-1a63-e053-0824d011072a'",
  '  secret: aws-sm:asc-keys/acme-corp',
  `  fingerprint: "${'O'.repeat(43)}"`,
  '  createdOn: 2026-01-15 # the day it was made',
  'contacts:',
  '  - { name: Jane,  email: jane@acme.example }',
  '',
].join('\n');

describe('rotatedRecordText: the diff of a rotation is the rotation', () => {
  test('only the lines of the changed fields change; spacing, comments, quoting and blank lines stay byte for byte', () => {
    const out = rotatedRecordText(record, team)!;
    const before = record.split('\n');
    const after = out.split('\n');
    expect(after).toHaveLength(before.length);
    const changed = after.flatMap((line, i) => (line === before[i] ? [] : [i]));
    expect(changed.map((i) => after[i])).toEqual([
      '  keyId: NEWKEY0001    # from the 2026 email',
      "  issuerId: '11111111-2222-3333-4444-555555555555'",
      `  fingerprint: "${'F'.repeat(43)}"`,
      '  createdOn: 2027-02-03 # the day it was made',
    ]);
    expect(parse(out).apiKey).toMatchObject({ keyId: 'NEWKEY0001', createdOn: '2027-02-03' });
  });

  test('a team key becomes an individual one: the issuerId line goes, a type line comes after keyId', () => {
    const out = rotatedRecordText(record, { ...team, issuerId: undefined } as never)!;
    expect(out).not.toContain('issuerId');
    expect(out).toContain('  keyId: NEWKEY0001    # from the 2026 email\n  type: individual\n  secret:');
    expect(out).toContain('displayName: ACME Corp   # note, three spaces before it\n');
  });

  test('an individual key becomes a team one: type says team, issuerId is added after keyId', () => {
    const individual = record
      .replace("  issuerId: '57246542-96fe-1a63-e053-0824d011072a'\n", '')
      .replace('  secret:', '  type: individual # no issuer\n  secret:');
    const out = rotatedRecordText(individual, team)!;
    expect(out).toContain(
      '  keyId: NEWKEY0001    # from the 2026 email\n  issuerId: 11111111-2222-3333-4444-555555555555\n  type: team # no issuer\n',
    );
  });

  test('a Key ID of digits only is quoted, so it stays a string', () => {
    const out = rotatedRecordText(record, { ...team, keyId: '0123456789' })!;
    expect(out).toContain('  keyId: "0123456789"    # from the 2026 email\n');
    expect(parse(out).apiKey.keyId).toBe('0123456789');
  });

  test('a flow mapping that needs a new field is rewritten through the Document API, still valid', () => {
    const flow = `customer: x\napp: { appleId: "1" }\napiKey: { keyId: OLDKEY0001, type: individual, secret: aws-sm:asc-keys/x, fingerprint: ${'O'.repeat(43)}, createdOn: 2026-01-15 }\n`;
    const out = rotatedRecordText(flow, team)!;
    expect(parse(out).apiKey).toEqual({
      keyId: 'NEWKEY0001',
      issuerId: team.issuerId,
      type: 'team',
      secret: 'aws-sm:asc-keys/x',
      fingerprint: team.fingerprint,
      createdOn: team.createdOn,
    });
  });

  test('a flow mapping whose team key becomes an individual one: issuerId goes, type says individual, the rest kept', () => {
    const individual = { ...team, issuerId: undefined } as never;
    for (const withType of ['', ' type: team,']) {
      const flow = `customer: x\napp: { appleId: "1" }\napiKey: { keyId: OLDKEY0001, issuerId: ${team.issuerId},${withType} secret: aws-sm:asc-keys/x, fingerprint: ${'O'.repeat(43)}, createdOn: 2026-01-15 }\n`;
      const out = rotatedRecordText(flow, individual)!;
      expect(parse(out).apiKey, withType).toEqual({
        keyId: 'NEWKEY0001',
        type: 'individual',
        secret: 'aws-sm:asc-keys/x',
        fingerprint: team.fingerprint,
        createdOn: team.createdOn,
      });
      expect(parse(out).app).toEqual({ appleId: '1' });
    }
  });

  test('a record without fingerprint and createdOn lines gets them, after the fields it has', () => {
    const bare =
      'customer: x\napiKey:\n  keyId: OLDKEY0001\n  issuerId: 57246542-96fe-1a63-e053-0824d011072a\n  secret: aws-sm:asc-keys/x\n';
    const out = rotatedRecordText(bare, team)!;
    expect(parse(out).apiKey).toEqual({
      keyId: 'NEWKEY0001',
      issuerId: team.issuerId,
      secret: 'aws-sm:asc-keys/x',
      fingerprint: team.fingerprint,
      createdOn: team.createdOn,
    });
    expect(out.startsWith('customer: x\napiKey:\n  keyId: NEWKEY0001\n')).toBe(true);
  });

  test('not a record whose key can be edited: undefined', () => {
    expect(rotatedRecordText('apiKey: [1, 2]\n', team)).toBeUndefined();
    expect(rotatedRecordText('apiKey: {\n', team)).toBeUndefined();
  });
});
