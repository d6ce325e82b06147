import { describe, expect, test } from 'vitest';
import { loadProject } from '../../lib/records/load-project.js';
import { EXAMPLE_CONFIG, recordText, tempProject } from '../support/project.js';

/** The FIELD_UNKNOWN messages of one record file (and of cdktf.json, with `platform`). */
function unknownFieldMessages(record: string, platform?: Record<string, unknown>): string[] {
  const project = tempProject({ 'acme-corp.yaml': record }, platform);
  return loadProject({ customersDir: project.customers, configFile: project.config })
    .findings.filter((f) => f.code === 'FIELD_UNKNOWN')
    .map((f) => f.message);
}

describe('an unknown field', () => {
  test('a typo at any level is answered with the closest field of that mapping', () => {
    const typos = recordText({ extra: 'rotaton:\n  maxAgeDays: 30\ncontacts:\n  - emial: jane@acme.example' })
      .replace('  fingerprint:', '  fingerprnt:')
      .replace('app:\n  appleId', 'app:\n  appleID');
    expect(unknownFieldMessages(typos)).toEqual([
      'app.appleID is not a known field of app; check the spelling: did you mean appleId? (see customers/README.md)',
      'apiKey.fingerprnt is not a known field of apiKey; check the spelling: did you mean fingerprint? (see customers/README.md)',
      'contacts[0].emial is not a known field of contacts[0]; check the spelling: did you mean email? (see customers/README.md)',
      'rotaton is not a known field; check the spelling: did you mean rotation? (see customers/README.md)',
    ]);
  });

  test('a name close to nothing gets the list of known fields, not a guess', () => {
    expect(unknownFieldMessages(recordText({ extra: 'owner: jane' }))).toEqual([
      'owner is not a known field; check the spelling: the known fields are customer, displayName, app, apiKey, rotation, contacts (see customers/README.md)',
    ]);
  });

  test('in the platform configuration too', () => {
    const platform = { ...EXAMPLE_CONFIG.context.platform, namePrefx: 'asc-keys' };
    const [message] = unknownFieldMessages(recordText(), platform);
    expect(message).toMatch(
      /^context\.platform\.namePrefx is not a known field.*; check the spelling: did you mean namePrefix\?/,
    );
  });

  test('a name that may be a line of a pasted key is described by its length, and no field is guessed from it', () => {
    const line = 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg';
    const [message] = unknownFieldMessages(recordText({ extra: `${line}: x` }));
    expect(message).toMatch(
      /^an unknown field of 48 characters at the top level is not a known field; check the spelling: the known fields are/,
    );
    expect(message).not.toContain(line.slice(0, 12));
  });
});
