import type { ImportCode } from './import-result.js';

/**
 * What intake says on the request issue and in its pull request. Every text is built from the
 * request's data, IDs and codes: never from the comment that carried the block.
 */
export type IntakeCode =
  | ImportCode
  /** The author of the text has no triage rights on the repository. */
  | 'NOT_PERMITTED'
  /** The issue carries no request data (it was not opened by `asc-keys request`). */
  | 'REQUEST_UNKNOWN'
  /** A new customer's request that names no app. */
  | 'APP_UNKNOWN'
  /** The block was sealed with the general page, which names no customer. */
  | 'SEALED_NO_CUSTOMER'
  /** The text holds blocks of different keys. */
  | 'SEALED_SEVERAL_KEYS'
  /** The key was imported before: its pull request is open or merged, or the record names it. */
  | 'ALREADY_IMPORTED'
  /** The key is stored, but the record's pull request could not be opened. */
  | 'PULL_REQUEST_FAILED';

export interface RefusalContext {
  readonly customer: string;
  readonly author: string;
  /** Where the block was: "comment 123" or "the issue's description". */
  readonly where: string;
  readonly keyId?: string;
  readonly appleId?: string;
  /** The customer's own sealing page, when requests are configured. */
  readonly pageUrl?: string;
  /** The role the author holds, for NOT_PERMITTED. */
  readonly role?: string;
  /** The customer the block was made for, for SEALED_OTHER_CUSTOMER. */
  readonly blockCustomer?: string;
  /** The import's or the sealing check's own explanation, for the codes without a text here. */
  readonly detail: string;
}

const NOTHING = 'Nothing was stored and no pull request was opened.';
const RERUN =
  'Run the workflow again once it is back (Actions, the failed "intake" run, "Re-run jobs"), or paste the block again.';

/** The reason a block was refused and the next step, in plain words. */
export function refusalText(code: IntakeCode, c: RefusalContext): string {
  const key = c.keyId ? `key ${c.keyId}` : 'the key';
  const page = c.pageUrl ? ` (${c.pageUrl})` : '';
  const sealAgain = `Ask the customer to seal the key again on their own sealing page${page} and send the new block; paste it here.`;
  switch (code) {
    case 'NOT_PERMITTED':
      return `@${c.author} has no triage rights on this repository (role: ${c.role ?? 'none'}), and only people with triage rights or more may hand over a key here. ${NOTHING} Someone of the platform team can paste the block again to import it.`;
    case 'REQUEST_UNKNOWN':
      return `This issue is labelled as a key request, but it was not opened by \`asc-keys request\`, so it does not say which customer the key is for. ${NOTHING} Open the request with \`asc-keys request --customer <slug>\` and paste the block there.`;
    case 'APP_UNKNOWN':
      return `This request does not name the app of ${c.customer}, so the new record cannot be written. ${NOTHING} Open a new request with \`asc-keys request --customer ${c.customer} --reason onboarding --app-id <Apple ID>\`, or import the block by hand with \`asc-keys import --sealed\`.`;
    case 'SEALED_NO_CUSTOMER':
      return `The block was sealed with the general sealing page, which does not say which customer it is for, so it cannot be matched to this request. ${NOTHING} ${sealAgain} (Or import it by hand with \`asc-keys import --sealed\` after checking who sent it.)`;
    case 'SEALED_OTHER_CUSTOMER':
      return `The block was sealed with the page of customer **${c.blockCustomer ?? 'another customer'}**, but this request is for **${c.customer}**. ${NOTHING} Check who sent it: paste it in the request of ${c.blockCustomer ?? 'that customer'}, or ask ${c.customer} to seal their own key on their page${page}.`;
    case 'SEALED_SEVERAL_KEYS':
      return `${c.where === "the issue's description" ? 'The description' : 'The comment'} holds blocks of different keys, and one request takes one key. ${NOTHING} Ask the customer which key they mean, and paste only that block in a new comment.`;
    case 'SEALED_TAMPERED':
      return `The block does not open: it was changed or damaged on the way (a character altered, a line lost). ${NOTHING} Ask the customer to send the block again as an attachment (a .txt file), and paste it whole.`;
    case 'SEALED_TRUNCATED':
      return `The block is cut short: its end is missing. ${NOTHING} Paste the whole block, from its BEGIN line to its END line; if the email cut it, ask the customer to send it again as an attachment (a .txt file).`;
    case 'SEALED_MALFORMED':
    case 'SEALED_NOT_FOUND':
      return `This is not a sealed block that asc-keys can read (its parts have the wrong shape). ${NOTHING} Paste the block exactly as the customer sent it, from its BEGIN line to its END line.`;
    case 'SEALED_RETIRED_KEY':
      return `The block was sealed with an old sealing page, whose key has been retired since, so nobody can open it any more. ${NOTHING} ${sealAgain}`;
    case 'SEALED_OTHER_KEY':
      return `The block was sealed with a page that is not ours (another installation's, or a key that was removed). ${NOTHING} ${sealAgain}`;
    case 'SEALED_PAYLOAD_INVALID':
      return `The block opened, but what is inside is not a key the sealing page makes. ${NOTHING} ${sealAgain}`;
    case 'SEALING_KEY_UNAVAILABLE':
      return `Intake cannot read the sealing key: ${c.detail}. ${NOTHING} An administrator has to fix this first; then run the workflow again.`;
    case 'KEY_REJECTED':
      return `App Store Connect rejected ${key} twice: the key was revoked, or it does not belong with the Issuer ID the customer entered on the page. ${NOTHING} Ask the customer to check the key and the Issuer ID under Users and Access > Integrations, and to seal a new key if it was revoked.`;
    case 'ROLE_INSUFFICIENT':
      return `App Store Connect accepted ${key}, but it may not read the app: its role is not App Manager. ${NOTHING} Ask the customer to create a new key with the role App Manager and seal that one.`;
    case 'AGREEMENT_MISSING':
      return `App Store Connect refused ${key} because the customer's agreements are missing or expired. ${NOTHING} The customer's Account Holder accepts the latest agreements (Business in App Store Connect); then paste the same block again.`;
    case 'APP_NOT_FOUND':
      return `${key} does not see the app ${c.appleId ?? ''} in App Store Connect: it belongs to another team than the one that owns the app. ${NOTHING} Ask the customer to create the key in the team that owns the app, and seal that one.`;
    case 'APPLE_UNAVAILABLE':
    case 'APPLE_UNEXPECTED':
      return `App Store Connect could not be asked about ${key} (it did not answer, or answered in a way asc-keys does not know). ${NOTHING} ${RERUN}`;
    case 'AWS_UNAVAILABLE':
      return `AWS could not be asked. ${NOTHING} ${RERUN}`;
    default:
      return `The import was refused (${code}): ${c.detail}.`;
  }
}

/** The comment on the request issue for a refused block. */
export function refusalComment(code: IntakeCode, c: RefusalContext): string {
  return [
    `**Not imported** (${code}): the sealed block in ${c.where} by @${c.author}.`,
    '',
    refusalText(code, c),
  ].join('\n');
}

export interface ImportedKey {
  readonly issue: number;
  readonly customer: string;
  readonly author: string;
  readonly where: string;
  readonly keyId: string;
  readonly issuerId?: string;
  readonly fingerprint: string;
  readonly appleId: string;
  readonly secret: string;
  readonly version: string;
  readonly previousKeyId?: string;
  readonly onboarding: boolean;
}

export function pullTitle(k: ImportedKey): string {
  return `${k.onboarding ? 'Onboard' : 'Rotate'} ${k.customer}: key ${k.keyId} (request #${k.issue})`;
}

/**
 * The pull request's description. It names the request without a closing keyword: the
 * request stays open after the merge, until the nightly proves that the old key is revoked.
 */
export function pullBody(k: ImportedKey): string {
  const rows: [string, string][] = [
    ['Customer', k.customer],
    ['Key ID', k.keyId],
    ['Issuer ID', k.issuerId ?? 'none (individual key)'],
    ['Fingerprint', `\`${k.fingerprint}\``],
    [
      "Apple's answer",
      `200 OK: App Store Connect returned app ${k.appleId} to a token signed with this key (check code OK)`,
    ],
    ['Stored', `as the pending version \`${k.version}\` of \`${k.secret}\` (AWSPENDING)`],
    ...(k.previousKeyId ? ([['Replaces', `key ${k.previousKeyId}`]] as [string, string][]) : []),
  ];
  return [
    `Answers the key request #${k.issue}: @${k.author} handed over a sealed block in ${k.where}, and intake imported it.`,
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([a, b]) => `| ${a} | ${b} |`),
    '',
    `Merging this pull request and deploying makes the new key the one publishing uses (the deploy moves AWSCURRENT to it).${
      k.previousKeyId
        ? ` Once publishing uses it, the customer revokes key ${k.previousKeyId} in App Store Connect (Users and Access > Integrations).`
        : ''
    }`,
    '',
    `The request #${k.issue} stays open after the merge: the nightly closes it when Apple no longer accepts the old key.`,
    '',
    'GitHub does not start workflows for pull requests that a workflow opened: to run the pull request checks, close and reopen this pull request.',
  ].join('\n');
}

export function successComment(k: ImportedKey, pull: { number: number }): string {
  return [
    `**Imported** key ${k.keyId} for ${k.customer}, from the sealed block in ${k.where} by @${k.author}.`,
    '',
    `App Store Connect accepted it for app ${k.appleId}, and it is stored as the pending version of the customer's secret (fingerprint \`${k.fingerprint}\`). Pull request #${pull.number} changes the record: review it and merge it, then deploy; the key takes effect then.`,
    '',
    k.previousKeyId
      ? `This request stays open until the nightly proves that the old key ${k.previousKeyId} no longer works at Apple: once publishing uses the new key, the customer revokes ${k.previousKeyId} in App Store Connect (Users and Access > Integrations).`
      : 'This request stays open until the new key is merged and deployed.',
  ].join('\n');
}

export function duplicateComment(
  k: { keyId: string; customer: string; where: string; author: string },
  pull: { number: number; state: string } | undefined,
): string {
  const where = pull
    ? pull.state === 'merged'
      ? `it was imported before, and pull request #${pull.number} is merged`
      : `it was imported before: pull request #${pull.number} is open for it`
    : `the records already name this key`;
  return `**Already imported**: the sealed block in ${k.where} by @${k.author} holds key ${k.keyId} for ${k.customer}, and ${where}. Nothing was stored again and no new pull request was opened.`;
}

export function pullFailedComment(k: ImportedKey, why: string): string {
  return [
    `**Imported, but no pull request**: key ${k.keyId} for ${k.customer} is stored as the pending version of the customer's secret, but the pull request that changes the record could not be opened (${why}).`,
    '',
    `Run the workflow again (Actions, the failed "intake" run, "Re-run jobs"): it finds the key stored and opens the pull request. To take the pending key back instead, run \`asc-keys import --discard --customer ${k.customer}\`.`,
  ].join('\n');
}
