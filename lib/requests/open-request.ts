import { UsageError } from '../errors.js';
import { githubFailure } from '../github/github-settings.js';
import type { Issue, Issues } from '../github/issues.js';
import { today } from '../records/days.js';
import type { RequestsConfig } from '../records/requests-config-schema.js';
import type { RequestMailer } from './request-email.js';
import {
  parseRequestMeta,
  REQUEST_LABEL,
  requestIssueBody,
  requestIssueTitle,
  type RequestMeta,
} from './request-issue.js';
import { requestMessage, type RequestReason, type RequestSubject } from './request-message.js';

export interface RequestContext {
  readonly config: RequestsConfig;
  readonly issues: Issues;
  /** Present when the request may be emailed (requests.email is set). */
  readonly mailer?: RequestMailer;
  /** The customer's own sealing page, to attach; only read when an email is sent. */
  readonly sealingPage: (subject: RequestSubject) => Promise<string>;
  readonly now: Date;
}

export interface OpenRequestInput {
  readonly subject: RequestSubject;
  readonly reason: RequestReason;
  readonly dueOn: string;
  readonly maxAgeDays?: number;
  readonly send: boolean;
}

export interface RequestOutcome {
  readonly customer: string;
  readonly action: 'opened' | 'exists';
  readonly issue: number;
  readonly url: string;
  readonly openedOn: string;
  /** Who the message went to, when it was emailed (now or before). */
  readonly sentTo: readonly string[] | null;
  readonly sentOn: string | null;
  readonly message: string;
}

export interface OpenRequest {
  readonly issue: Issue;
  readonly meta: RequestMeta;
}

/** The open key requests, one per customer (the oldest, should someone have opened two). */
export async function openRequests(issues: Issues): Promise<Map<string, OpenRequest>> {
  const found = new Map<string, OpenRequest>();
  for (const issue of await issues.listOpen(REQUEST_LABEL)) {
    const meta = parseRequestMeta(issue.body);
    if (meta && !found.has(meta.customer)) found.set(meta.customer, { issue, meta });
  }
  return found;
}

export const pageUrl = (config: RequestsConfig, customer: string) =>
  config.sealingPageUrl.replaceAll('{customer}', customer);
export const attachmentName = (customer: string) => `key-sealing-page-${customer}.html`;

/**
 * Opens the customer's key request unless one is open (one per customer), and with `send`
 * emails it to the record's contacts unless it was sent already. Safe to run again: a run
 * that failed after opening the issue sends on the next run.
 */
export async function openRequest(
  context: RequestContext,
  input: OpenRequestInput,
  existing?: OpenRequest,
): Promise<RequestOutcome> {
  const { issues, config } = context;
  const { subject } = input;
  const day = today(context.now);
  if (input.send) checkSendable(context, subject);
  let current = existing;
  let action: RequestOutcome['action'] = 'exists';
  try {
    current ??= (await openRequests(issues)).get(subject.customer);
    if (!current) {
      const meta: RequestMeta = {
        customer: subject.customer,
        reason: input.reason,
        dueOn: input.dueOn,
        appleId: subject.appleId,
        ...(input.reason === 'onboarding' && {
          ...(subject.displayName && { displayName: subject.displayName }),
          ...(subject.contacts.length && { contacts: subject.contacts }),
        }),
        ...(subject.currentKeyId && input.reason === 'rotation' && { keyId: subject.currentKeyId }),
      };
      await issues.ensureLabel(REQUEST_LABEL, 'asc-keys: a key we asked a customer for', '5319e7');
      const issue = await issues.create({
        title: requestIssueTitle(meta),
        body: requestBody(context, input, meta),
        labels: [REQUEST_LABEL],
      });
      current = { issue, meta };
      action = 'opened';
    }
  } catch (err) {
    throw githubFailure(err, issues.repo);
  }
  const where = `request #${current.issue.number} for ${subject.customer}`;
  if (input.send && !current.meta.sent) {
    const to = subject.contacts.map((c) => c.email);
    const message = requestMessage({
      ...messageInput(context, input),
      attachmentName: attachmentName(subject.customer),
    });
    await context.mailer!.send(
      {
        from: config.email!,
        to,
        message,
        attachment: { filename: attachmentName(subject.customer), html: await context.sealingPage(subject) },
      },
      `the ${where} is open (${current.issue.url}) and not sent`,
    );
    const meta: RequestMeta = { ...current.meta, sent: { on: day, to } };
    try {
      await issues.updateBody(
        current.issue.number,
        requestBody(context, { ...input, reason: meta.reason, dueOn: meta.dueOn }, meta),
      );
    } catch (err) {
      throw githubFailure(
        err,
        issues.repo,
        `the email was sent to ${to.join(', ')}, but the ${where} does not say so yet`,
      );
    }
    current = { issue: current.issue, meta };
  }
  const sent = current.meta.sent;
  return {
    customer: subject.customer,
    action,
    issue: current.issue.number,
    url: current.issue.url,
    openedOn: current.issue.openedOn,
    sentTo: sent ? [...sent.to] : null,
    sentOn: sent ? sent.on : null,
    message: `${action === 'opened' ? 'Opened' : 'Already open:'} key ${where}, due ${current.meta.dueOn}: ${current.issue.url}${
      sent
        ? `; sent on ${sent.on} to ${sent.to.join(', ')}`
        : context.mailer
          ? '; not sent (add --send to email it)'
          : '; not sent by email (requests.email is not configured): send the message in the issue yourself'
    }`,
  };
}

function messageInput(context: RequestContext, input: OpenRequestInput) {
  return {
    company: context.config.companyName,
    reason: input.reason,
    subject: input.subject,
    dueOn: input.dueOn,
    today: today(context.now),
    pageUrl: pageUrl(context.config, input.subject.customer),
    ...(input.maxAgeDays !== undefined && { maxAgeDays: input.maxAgeDays }),
  };
}

/** The request issue's body for `meta`, with the message built from the configuration. */
export function requestBody(context: RequestContext, input: OpenRequestInput, meta: RequestMeta): string {
  const emailConfigured = Boolean(context.mailer);
  return requestIssueBody({
    meta,
    message: requestMessage({
      ...messageInput(context, input),
      ...(emailConfigured && { attachmentName: attachmentName(input.subject.customer) }),
    }),
    contacts: input.subject.contacts.map((c) => c.email),
    emailConfigured,
  });
}

function checkSendable(context: RequestContext, subject: RequestSubject): void {
  if (!context.config.email || !context.mailer)
    throw new UsageError(
      'PLATFORM_CONFIG_INVALID',
      '--send needs a sender, and requests.email in cdktf.json is not set',
      {
        next: 'set requests.email to an SES identity that may send (or leave out --send and send the message in the issue yourself)',
      },
    );
  if (!subject.contacts.length)
    throw new UsageError('USAGE', `${subject.customer} has no contacts to send the request to`, {
      next: `add contacts (name and email) to customers/${subject.customer}.yaml, or --contact for a new customer`,
    });
}
