import type { AppleVerdict } from '../apple/check-with-apple.js';
import type { ImportRequest } from './import-request.js';

/** Said after every refusal: the guarantee the engineer relies on. */
export const NOTHING_DONE = 'nothing was stored and no record was written';

/** What the engineer tells the customer, per Apple's answer. */
export function appleAdvice(verdict: AppleVerdict, request: ImportRequest): string {
  const apple = verdict.said ? ` (Apple said ${verdict.said})` : '';
  const key = `key ${request.keyId}`;
  switch (verdict.code) {
    case 'KEY_REJECTED':
      return `App Store Connect rejected ${key} twice${apple}: the key was revoked, or it is paired with the wrong Issuer ID. Check --issuer-id with the customer (Users and Access > Integrations shows both); if the key was revoked, ask for a new one; ${NOTHING_DONE}`;
    case 'ROLE_INSUFFICIENT':
      return `${key} may not read app ${request.appleId}${apple}: its role is not App Manager. Ask the customer to generate a new key with the App Manager role; ${NOTHING_DONE}`;
    case 'AGREEMENT_MISSING':
      return `the customer's App Store Connect agreements are missing or expired${apple}: their Account Holder must accept the latest agreements (Business), then import again; ${NOTHING_DONE}`;
    case 'APP_NOT_FOUND':
      return `${key} sees no app ${request.appleId}${apple}: check --app-id (the Apple ID under App Information), and that the key belongs to the team that owns the app; ${NOTHING_DONE}`;
    case 'APPLE_UNAVAILABLE':
      // The cause, as check keys shows it: how often it was asked and what came back last.
      return `App Store Connect did not answer usefully in ${verdict.requests} attempt${verdict.requests === 1 ? '' : 's'}${verdict.said ? ` (last: ${verdict.said})` : ''}; ${NOTHING_DONE}; run the same command again later`;
    default:
      return `App Store Connect gave an answer asc-keys does not know${apple}; ${NOTHING_DONE}: run the same command again, and report it if it persists`;
  }
}

export function successMessage(
  request: ImportRequest,
  secret: string,
  file: string,
  previousKeyId: string | undefined,
  stored: boolean,
  wrote: boolean,
  staged: { readonly version: string; readonly current: boolean },
): string {
  const what = stored
    ? `staged key ${request.keyId} in ${secret} as its pending version ${staged.version}`
    : staged.current
      ? `key ${request.keyId} is already the current version ${staged.version} of ${secret}`
      : `key ${request.keyId} was already staged in ${secret} as its pending version ${staged.version}`;
  const record = wrote
    ? previousKeyId === undefined
      ? `wrote ${file}`
      : `updated ${file}`
    : `${file} already describes it`;
  const when = staged.current ? '' : `; ${TAKES_EFFECT}`;
  return `${what} and ${record}${when}`;
}

export const TAKES_EFFECT =
  'the key takes effect when the record is merged and deployed (the deploy makes the pending version current)';

/** A misplaced value is described by its shape, never quoted: it could be key material. */
export function describeId(value: string): string {
  return /^[A-Za-z0-9-]{1,40}$/.test(value) ? value : `(not an ID: ${value.length} characters)`;
}
