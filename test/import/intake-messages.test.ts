import { describe, expect, test } from 'vitest';
import { refusalComment, type IntakeCode, type RefusalContext } from '../../lib/import/intake-messages.js';

/**
 * What the request issue says when intake refuses a block: the code, what happened in plain
 * words, that nothing was stored, and what to do next. The refusals that the scenarios of
 * intake.test.ts reach with a real block are asserted there; these are the rest, each read as
 * the platform team and the customer read it.
 */
describe('refusalComment', () => {
  const PAGE = 'https://keys.example.com/seal/acme-corp.html';
  const context: RefusalContext = {
    customer: 'acme-corp',
    author: 'platform-dev',
    where: 'comment 1234',
    keyId: '2X9R4HXF34',
    appleId: '1234567890',
    pageUrl: PAGE,
    detail: 'the secret asc-keys/sealing-key is not readable (AccessDeniedException)',
  };
  const NOTHING = 'Nothing was stored and no pull request was opened.';
  const SEAL_AGAIN = `Ask the customer to seal the key again on their own sealing page (${PAGE}) and send the new block; paste it here.`;
  const RERUN =
    'Run the workflow again once it is back (Actions, the failed "intake" run, "Re-run jobs"), or paste the block again.';

  const cases: [IntakeCode, RegExp | string][] = [
    [
      'APP_UNKNOWN',
      'Open a new request with `asc-keys request --customer acme-corp --reason onboarding --app-id <Apple ID>`, or import the block by hand with `asc-keys import --sealed`.',
    ],
    ['SEALED_TRUNCATED', 'Paste the whole block, from its BEGIN line to its END line'],
    [
      'SEALED_MALFORMED',
      /not a sealed block that asc-keys can read.*Paste the block exactly as the customer sent it/,
    ],
    [
      'SEALED_NOT_FOUND',
      /not a sealed block that asc-keys can read.*Paste the block exactly as the customer sent it/,
    ],
    ['SEALED_OTHER_KEY', /a page that is not ours/],
    ['SEALED_PAYLOAD_INVALID', /what is inside is not a key the sealing page makes/],
    [
      'SEALING_KEY_UNAVAILABLE',
      `Intake cannot read the sealing key: ${context.detail}. ${NOTHING} An administrator has to fix this first; then run the workflow again.`,
    ],
    [
      'ROLE_INSUFFICIENT',
      /accepted key 2X9R4HXF34, but .*create a new key with the role App Manager and seal that one/,
    ],
    [
      'AGREEMENT_MISSING',
      /refused key 2X9R4HXF34 .*Account Holder accepts the latest agreements.*paste the same block again/,
    ],
    [
      'APP_NOT_FOUND',
      /key 2X9R4HXF34 does not see the app 1234567890 .*create the key in the team that owns the app/,
    ],
    ['APPLE_UNAVAILABLE', /App Store Connect could not be asked about key 2X9R4HXF34/],
    ['APPLE_UNEXPECTED', /App Store Connect could not be asked about key 2X9R4HXF34/],
    ['AWS_UNAVAILABLE', /^AWS could not be asked\./],
  ];

  test.each(cases)('%s: the code, what happened, nothing stored, the next step', (code, says) => {
    const comment = refusalComment(code, context);
    const [head, blank, text] = comment.split('\n');
    expect(head).toBe(`**Not imported** (${code}): the sealed block in comment 1234 by @platform-dev.`);
    expect(blank).toBe('');
    if (typeof says === 'string') expect(text).toContain(says);
    else expect(text).toMatch(says);
    expect(text).toContain(NOTHING);
    // The next step comes after what happened; none starts by giving up on the key.
    expect(text!.indexOf(NOTHING)).toBeGreaterThan(0);
    expect(text!.slice(text!.indexOf(NOTHING) + NOTHING.length).trim()).not.toBe('');
    expect(comment).not.toMatch(/\b(delete|overwrite|remove)\b/i);
  });

  test("a block the customer must seal again names the customer's own page", () => {
    for (const code of ['SEALED_OTHER_KEY', 'SEALED_PAYLOAD_INVALID'] as const) {
      expect(refusalComment(code, context)).toContain(SEAL_AGAIN);
      const withoutPage: RefusalContext = { ...context, pageUrl: undefined };
      expect(refusalComment(code, withoutPage)).toContain(
        'Ask the customer to seal the key again on their own sealing page and send the new block',
      );
    }
  });

  test('an outage of Apple or AWS says to run the workflow again, not to seal a new key', () => {
    for (const code of ['APPLE_UNAVAILABLE', 'APPLE_UNEXPECTED', 'AWS_UNAVAILABLE'] as const) {
      const comment = refusalComment(code, context);
      expect(comment).toContain(RERUN);
      expect(comment).not.toMatch(/seal the key again|seal a new key|create a new key/i);
    }
  });

  test("a code with no text of its own carries the import's explanation", () => {
    const detail =
      'the record would not pass lint: customers/acme-corp.yaml:4:3 FIELD_INVALID …; nothing was stored';
    expect(refusalComment('RECORD_INVALID', { ...context, detail })).toBe(
      `**Not imported** (RECORD_INVALID): the sealed block in comment 1234 by @platform-dev.\n\nThe import was refused (RECORD_INVALID): ${detail}.`,
    );
  });
});
