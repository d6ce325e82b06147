import type { RequestReason } from './request-message.js';

export const REQUEST_LABEL = 'asc-keys:request';
const MARKER = /<!-- asc-keys:request (\{[^\n]*?\}) -->/;
export const REMINDER_MARKER = '<!-- asc-keys:reminder -->';
export const REVOKE_MARKER = '<!-- asc-keys:revoke -->';

/** What the request issue carries for the machines, in an HTML comment GitHub does not show. */
export interface RequestMeta {
  readonly customer: string;
  readonly reason: RequestReason;
  readonly dueOn: string;
  /** The app's Apple ID, so that intake can import a new customer's first key. */
  readonly appleId?: string;
  /** A new customer's name and contacts, for the record intake writes (onboarding). */
  readonly displayName?: string;
  readonly contacts?: readonly { readonly name?: string; readonly email: string }[];
  /** The key that was current when the request was opened (rotation). */
  readonly keyId?: string;
  /** When the message was emailed, and to whom. */
  readonly sent?: { readonly on: string; readonly to: readonly string[] };
  /** The first night the records named a new key (the pull request was merged). */
  readonly mergedOn?: string;
  /** The first night the secret's previous version was the old key (the rotation was deployed). */
  readonly deployedOn?: string;
  /** The night Apple rejected the old key: the rotation is done. */
  readonly revokedOn?: string;
}

export function parseRequestMeta(body: string): RequestMeta | undefined {
  const json = MARKER.exec(body)?.[1];
  if (!json) return undefined;
  try {
    const meta = JSON.parse(json) as Partial<RequestMeta>;
    if (typeof meta.customer !== 'string' || typeof meta.dueOn !== 'string') return undefined;
    if (meta.reason !== 'rotation' && meta.reason !== 'onboarding') return undefined;
    return meta as RequestMeta;
  } catch {
    return undefined;
  }
}

export interface RequestIssueInput {
  readonly meta: RequestMeta;
  readonly message: { readonly subject: string; readonly text: string };
  /** The addresses the message can be sent to (the record's contacts). */
  readonly contacts: readonly string[];
  readonly emailConfigured: boolean;
}

/**
 * The issue: for the platform team, how this request works and where it stands; then the
 * message for the customer, to send as it is (by email with `--send`, or by hand).
 */
export function requestIssueBody(input: RequestIssueInput): string {
  const { meta } = input;
  // "<" and ">" would end the HTML comment early; JSON escapes them safely.
  const marker = `<!-- asc-keys:request ${JSON.stringify(meta).replace(/</g, '\\u003c').replace(/>/g, '\\u003e')} -->`;
  const sent = meta.sent
    ? `**Sent** by email on ${meta.sent.on} to ${meta.sent.to.join(', ')}.`
    : input.emailConfigured
      ? `**Not sent yet.** Send it with \`asc-keys request --customer ${meta.customer} --send\`${input.contacts.length ? '' : ' once the record has contacts'}, or copy the message below into an email to the customer.`
      : `**Not sent by asc-keys** (no sender is configured): copy the message below into an email to ${input.contacts.length ? input.contacts.join(', ') : 'the customer'}.`;
  return [
    marker,
    ...(meta.mergedOn
      ? [
          `**Merged** on ${meta.mergedOn}${meta.deployedOn ? `, **deployed** by ${meta.deployedOn}` : ''}. The nightly checks that the old key no longer works at Apple, and closes this issue when it is proven.`,
          '',
        ]
      : []),
    `Key request for **${meta.customer}** (${meta.reason === 'rotation' ? `rotation of the key ${meta.keyId ?? ''}`.trim() : 'onboarding'}), due ${meta.dueOn}.`,
    '',
    sent,
    '',
    'When the customer answers with a sealed block, paste the whole block into a comment on this issue (you need triage rights on this repository). The intake workflow imports it, answers here, and opens a pull request that changes the record. Merge it and deploy: the new key takes effect then. Once the old key no longer works at Apple, the nightly closes this issue.',
    '',
    `## Message to the customer`,
    '',
    `Subject: ${input.message.subject}`,
    '',
    ...input.message.text.split('\n').map((l) => (l ? `> ${l}` : '>')),
    '',
  ].join('\n');
}

export function requestIssueTitle(meta: Pick<RequestMeta, 'customer' | 'reason' | 'dueOn'>): string {
  return `Key request: ${meta.customer} (${meta.reason}, due ${meta.dueOn})`;
}
