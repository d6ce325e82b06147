import { printable } from '../printable.js';
import type { Contact } from '../records/customer-record.js';

export type RequestReason = 'rotation' | 'onboarding';

/** Who a request is for: a record, or for a new customer what the command was told. */
export interface RequestSubject {
  readonly customer: string;
  readonly displayName?: string;
  readonly appleId: string;
  readonly bundleId?: string;
  /** The key in use today (rotation only): public data that names it in App Store Connect. */
  readonly currentKeyId?: string;
  readonly contacts: readonly Contact[];
}

export interface RequestMessageInput {
  readonly company: string;
  readonly reason: RequestReason;
  readonly subject: RequestSubject;
  /** The day the new key is needed by, YYYY-MM-DD. */
  readonly dueOn: string;
  /** Today, YYYY-MM-DD: a due day in the past reads "as soon as you can". */
  readonly today: string;
  /** The link to the customer's own sealing page. */
  readonly pageUrl: string;
  /** The file name of the page attached to the email, when it is sent by email. */
  readonly attachmentName?: string;
  /** How many days a key is used before it is replaced (rotation). */
  readonly maxAgeDays?: number;
}

export interface CustomerMessage {
  readonly subject: string;
  /** Plain text, which also reads as Markdown in the issue. */
  readonly text: string;
}

/** The App Store Connect path where keys are made and revoked, as Apple's pages name it. */
export const ASC_KEYS_PLACE = 'Users and Access > Integrations > App Store Connect API (Team Keys)';

/** Names from records are printed on one line, without characters that Markdown or email headers would act on. */
export function plainName(text: string): string {
  return printable(text, { max: 100 })
    .replace(/[<>[\]`*_#|@]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function appName(subject: RequestSubject): string {
  const name = subject.displayName ? plainName(subject.displayName) : subject.customer;
  return `${name} (Apple ID ${subject.appleId}${subject.bundleId ? `, bundle ID ${plainName(subject.bundleId)}` : ''})`;
}

function greeting(subject: RequestSubject): string {
  const names = subject.contacts.map((c) => (c.name ? plainName(c.name) : '')).filter(Boolean);
  return names.length ? `Hello ${names.join(', ')},` : 'Hello,';
}

function byWhen(input: RequestMessageInput): string {
  return input.dueOn < input.today
    ? `It was due on ${input.dueOn}: please send it as soon as you can.`
    : `Please send it by ${input.dueOn}.`;
}

/**
 * The message a customer receives when we need a key from them, in the issue and by email.
 * It says who we are, why, which key to create, where to seal it, by when, and what happens
 * next. It never holds a key, a sealed block or the name of a secret.
 */
export function requestMessage(input: RequestMessageInput): CustomerMessage {
  const { company, subject } = input;
  const app = appName(subject);
  const why =
    input.reason === 'rotation'
      ? [
          `${company} publishes your iOS app ${app} to the App Store with an App Store Connect API key that you created for us${subject.currentKeyId ? ` (Key ID ${subject.currentKeyId})` : ''}.`,
          `We replace every such key ${input.maxAgeDays ? `after ${input.maxAgeDays} days ` : ''}so that a key that might have been exposed without anyone noticing stops working. For that we need a new key from you. ${byWhen(input)}`,
        ]
      : [
          `${company} is getting ready to publish your iOS app ${app} to the App Store. For that we need an App Store Connect API key from you. ${byWhen(input)}`,
        ];
  const page = input.attachmentName
    ? `Open your key sealing page: ${input.pageUrl} (it is also attached to this email as ${input.attachmentName}, which works offline too).`
    : `Open your key sealing page: ${input.pageUrl}`;
  const text = [
    greeting(subject),
    '',
    ...why.flatMap((p) => [p, '']),
    'What to do (about ten minutes; you need the Account Holder or Admin role in App Store Connect):',
    '',
    `1. In App Store Connect, go to ${ASC_KEYS_PLACE} and click Generate API Key (or the + button).`,
    `2. Name the key, for example "${company} publishing", and under Access choose the role App Manager. App Manager is all we need: please do not choose Admin.`,
    '3. Click Generate, then Download API Key. You get a file named AuthKey_ followed by the new Key ID and .p8, for example AuthKey_2X9R4HXF34.p8. Apple lets you download it only once, so keep it until we confirm.',
    `4. ${page}`,
    '5. Drop the .p8 file onto the page, enter your Issuer ID (shown above the list of keys in App Store Connect), and click Seal the key.',
    '6. Click Copy the block and paste the whole block, from its BEGIN line to its END line, into your reply to this message. Nothing else is needed: no password, no zip file, and please never send the .p8 file itself.',
    '',
    'What happens next:',
    '',
    `- We check the new key with Apple and set it up for publishing. If anything is wrong with it, we write to you and say what to do.`,
    ...(input.reason === 'rotation'
      ? [
          `- Keep your current key${subject.currentKeyId ? ` (Key ID ${subject.currentKeyId})` : ''} active until we write that the new one is in use. Then we ask you to revoke the old key in App Store Connect; until it is revoked we remind you.`,
        ]
      : ['- We write to you once your app is set up with the new key.']),
    '',
    'If you have questions, reply to this message.',
    '',
    `Thank you,`,
    `${company}`,
  ].join('\n');
  const subjectLine =
    input.reason === 'rotation'
      ? `${company}: please send a new App Store Connect API key for ${subject.displayName ? plainName(subject.displayName) : subject.customer}`
      : `${company}: please send an App Store Connect API key for ${subject.displayName ? plainName(subject.displayName) : subject.customer}`;
  return { subject: subjectLine, text };
}

/** The weekly reminder of an unanswered request. */
export function reminderMessage(input: RequestMessageInput & { readonly sentOn: string }): CustomerMessage {
  const first = requestMessage(input);
  return {
    subject: `Reminder: ${first.subject}`,
    text: [
      greeting(input.subject),
      '',
      `On ${input.sentOn} we asked you for ${input.reason === 'rotation' ? 'a new' : 'an'} App Store Connect API key for your app ${appName(input.subject)}, and we have not received it yet. ${byWhen(input)} If you have already sent it, thank you, and please ignore this reminder.`,
      '',
      'Our first message follows, with the steps.',
      '',
      '----',
      '',
      first.text,
    ].join('\n'),
  };
}

/** Sent when the previous key still works after the grace period. */
export function revokeMessage(input: {
  readonly company: string;
  readonly subject: RequestSubject;
  readonly oldKeyId: string;
  readonly inUseSince: string;
}): CustomerMessage {
  const name = input.subject.displayName ? plainName(input.subject.displayName) : input.subject.customer;
  return {
    subject: `${input.company}: please revoke the old App Store Connect API key for ${name}`,
    text: [
      greeting(input.subject),
      '',
      `Thank you for the new API key for your app ${appName(input.subject)}: we have published with it since ${input.inUseSince}.`,
      '',
      `Your previous key (Key ID ${input.oldKeyId}) still works at Apple. We no longer use it, and a key that nobody uses but that still works is a risk if it was ever exposed. Please revoke it:`,
      '',
      `1. In App Store Connect, go to ${ASC_KEYS_PLACE}.`,
      `2. In the list of active keys, find the key with the Key ID ${input.oldKeyId}, and click Revoke next to it (it shows when you move the pointer over the row).`,
      '3. Confirm with Revoke.',
      '',
      'Revoke only that key: the new one is the key we publish with. We check every night; once the old key no longer works, this request is done and we will not remind you again.',
      '',
      'Thank you,',
      input.company,
    ].join('\n'),
  };
}
