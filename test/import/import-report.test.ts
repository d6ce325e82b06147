import { describe, expect, test } from 'vitest';
import { importReport } from '../../lib/import/import-report.js';
import type { ImportResult } from '../../lib/import/import-result.js';

const rotated: ImportResult = {
  customer: 'acme-corp',
  keyId: '2X9R4HXF34',
  fingerprint: 'fp',
  secret: 'aws-sm:asc-keys/acme-corp',
  action: 'rotated',
  record: 'customers/acme-corp.yaml',
  code: 'OK',
  message: 'staged key 2X9R4HXF34',
  previousKeyId: 'OLDKEY0001',
  verified: true,
  warnings: [],
};

describe("import's next steps fit where the key came from", () => {
  test.each([
    ['p8', /delete the \.p8 file from this machine/, /zip|sealed block/],
    ['zip', /delete the zip from this machine, with any \.p8 taken out of it/, /sealed block/],
    ['sealed', /delete the email or file that held the sealed block/, /zip|\.p8/],
  ] as const)('%s', (source, says, never) => {
    const { text } = importReport({ ...rotated, source });
    const last = text.split('\n').find((l) => l.includes('Once the deploy has made it current'))!;
    expect(last).toMatch(says);
    expect(last).not.toMatch(never);
    // Deleting comes after the key is current, never as a first step.
    expect(text.indexOf('1. git add')).toBeLessThan(text.indexOf(last));
  });

  test("an outage's text says to run again once: the message carries the step", () => {
    const { text, importExitCode } = importReport({
      ...rotated,
      action: 'refused',
      secret: null,
      record: null,
      code: 'APPLE_UNAVAILABLE',
      message:
        'App Store Connect did not answer usefully in 7 attempts (last: HTTP 503); nothing was stored and no record was written; run the same command again later',
    });
    expect(importExitCode).toBe(3);
    expect(text.split('run the same command again later')).toHaveLength(2);
  });
});
