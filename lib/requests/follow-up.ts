import { githubFailure } from '../github/github-settings.js';
import { rotationStatus } from '../model/rotation.js';
import type { CustomerRecord } from '../records/customer-record.js';
import { addDays, daysBetween, today } from '../records/days.js';
import {
  attachmentName,
  openRequest,
  openRequests,
  pageUrl,
  requestBody,
  type OpenRequest,
  type RequestContext,
} from './open-request.js';
import type { PreviousKeyProbe } from './previous-key-probe.js';
import { REMINDER_MARKER, REVOKE_MARKER, type RequestMeta } from './request-issue.js';
import { reminderMessage, revokeMessage, type RequestSubject } from './request-message.js';

export type FollowUpAction =
  'opened' | 'reminded' | 'merged' | 'deployed' | 'proven' | 'asked-to-revoke' | 'onboarded' | 'waiting';

export interface FollowUp {
  readonly customer: string;
  readonly action: FollowUpAction;
  readonly issue: number | null;
  readonly message: string;
}

/** The day the nightly opens a request: the lead time, by default the first reminder day. */
export function requestOpensOn(record: CustomerRecord, leadDays: number | undefined, now: Date): string {
  const lead = leadDays ?? Math.max(0, ...record.rotation.remindDaysBefore);
  return addDays(rotationStatus(record, now).dueOn, -lead);
}

export function subjectOf(record: CustomerRecord, keyId: string | undefined): RequestSubject {
  return {
    customer: record.customer,
    appleId: record.appleId,
    contacts: record.contacts,
    ...(record.displayName && { displayName: record.displayName }),
    ...(record.bundleId && { bundleId: record.bundleId }),
    ...(keyId && { currentKeyId: keyId }),
  };
}

/**
 * The nightly's work on key requests, customer by customer: open a request for every key due
 * within the lead time that has none (and send it when email is configured); remind every
 * `remindEveryDays` until the rotation is merged, at most `maxReminders` times; once the
 * rotation is deployed, prove with Apple that the old key no longer works and close the
 * request, or after the grace period ask the customer to revoke it.
 */
export async function followUpRequests(
  context: RequestContext,
  records: readonly CustomerRecord[],
  probe: PreviousKeyProbe,
): Promise<FollowUp[]> {
  let open: Map<string, OpenRequest>;
  try {
    open = await openRequests(context.issues);
  } catch (err) {
    throw githubFailure(err, context.issues.repo);
  }
  const results: FollowUp[] = [];
  for (const record of [...records].sort((a, b) => a.customer.localeCompare(b.customer))) {
    const request = open.get(record.customer);
    try {
      results.push(
        request ? await followUp(context, record, request, probe) : await maybeOpen(context, record),
      );
    } catch (err) {
      throw githubFailure(
        err,
        context.issues.repo,
        `followed up on ${results.length} customers before ${record.customer}; a run tomorrow continues`,
      );
    }
  }
  return results;
}

async function maybeOpen(context: RequestContext, record: CustomerRecord): Promise<FollowUp> {
  const day = today(context.now);
  const opensOn = requestOpensOn(record, context.config.leadDays, context.now);
  if (day < opensOn)
    return {
      customer: record.customer,
      action: 'waiting',
      issue: null,
      message: `a request opens on ${opensOn}`,
    };
  const send = Boolean(context.mailer) && record.contacts.length > 0;
  const outcome = await openRequest(context, {
    subject: subjectOf(record, record.keyId),
    reason: 'rotation',
    dueOn: rotationStatus(record, context.now).dueOn,
    maxAgeDays: record.rotation.maxAgeDays,
    send,
  });
  return { customer: record.customer, action: 'opened', issue: outcome.issue, message: outcome.message };
}

async function followUp(
  context: RequestContext,
  record: CustomerRecord,
  request: OpenRequest,
  probe: PreviousKeyProbe,
): Promise<FollowUp> {
  const { issues } = context;
  const { meta, issue } = request;
  const day = today(context.now);
  const result = (action: FollowUpAction, message: string): FollowUp => ({
    customer: record.customer,
    action,
    issue: issue.number,
    message,
  });
  const oldKeyId = meta.keyId;
  const merged = oldKeyId === undefined || record.keyId !== oldKeyId;
  if (!merged) return remind(context, record, request);

  if (meta.reason === 'onboarding' || oldKeyId === undefined) {
    await issues.close(
      issue.number,
      `Done: the record of ${record.customer} names the key ${record.keyId} (merged by ${day}). Deploy it if that has not happened yet.`,
    );
    return result('onboarded', `closed: ${record.customer} is onboarded with the key ${record.keyId}`);
  }

  let current: RequestMeta = meta;
  const notes: string[] = [];
  if (!current.mergedOn) {
    current = { ...current, mergedOn: day };
    notes.push(
      `The records name the new key ${record.keyId} since ${day}. Once it is deployed, the nightly checks every night that the old key ${oldKeyId} no longer works at Apple.`,
    );
  }
  const state = await probe(record, oldKeyId);
  if (state === 'revoked') {
    await issues.close(
      issue.number,
      `Done: on ${day} Apple rejected the old key ${oldKeyId} (401 to a token it signed): it is revoked. The key in use is ${record.keyId}.`,
    );
    return result('proven', `closed: the old key ${oldKeyId} is proven revoked on ${day}`);
  }
  if (state !== 'not-deployed' && !current.deployedOn) {
    current = { ...current, deployedOn: day };
    notes.push(
      `The new key ${record.keyId} is deployed (the secret's previous version is the old key ${oldKeyId}).`,
    );
  }
  if (current !== meta) {
    await issues.updateBody(issue.number, requestBody(context, inputOf(record, current), current));
    await issues.comment(issue.number, notes.join('\n\n'));
  }
  const revokeDue = current.deployedOn
    ? addDays(current.deployedOn, context.config.revokeGraceDays)
    : undefined;
  if (state === 'accepted' && revokeDue && day >= revokeDue) {
    const comments = await issues.comments(issue.number);
    if (!comments.some((c) => c.body.includes(REVOKE_MARKER))) {
      const message = revokeMessage({
        company: context.config.companyName,
        subject: subjectOf(record, oldKeyId),
        oldKeyId,
        inUseSince: current.deployedOn!,
      });
      const sentTo = await email(context, record, message, `the ${oldKeyId} revocation request`, false);
      await issues.comment(
        issue.number,
        [
          REVOKE_MARKER,
          `The old key ${oldKeyId} still works at Apple ${context.config.revokeGraceDays} days after the rotation was deployed. ${sentTo ? `Sent to ${sentTo.join(', ')} on ${day}:` : 'Send this to the customer:'}`,
          '',
          `Subject: ${message.subject}`,
          '',
          ...message.text.split('\n').map((l) => (l ? `> ${l}` : '>')),
        ].join('\n'),
      );
      return result(
        'asked-to-revoke',
        `asked to revoke the old key ${oldKeyId}${sentTo ? ` (sent to ${sentTo.join(', ')})` : ''}`,
      );
    }
  }
  if (current.deployedOn && current.deployedOn !== meta.deployedOn)
    return result(
      'deployed',
      `deployed; the old key ${oldKeyId} ${state === 'accepted' ? 'still works' : 'could not be checked'}`,
    );
  if (current.mergedOn !== meta.mergedOn) return result('merged', `merged; waiting for the deploy`);
  return result(
    'waiting',
    state === 'not-deployed'
      ? 'merged, not deployed yet'
      : `the old key ${oldKeyId} ${state === 'accepted' ? 'still works' : 'could not be checked'}`,
  );
}

/** A weekly reminder while the customer has not answered, at most `maxReminders`. */
async function remind(
  context: RequestContext,
  record: CustomerRecord,
  request: OpenRequest,
): Promise<FollowUp> {
  const { issues, config } = context;
  const { meta, issue } = request;
  const day = today(context.now);
  const comments = await issues.comments(issue.number);
  const reminders = comments.filter((c) => c.body.includes(REMINDER_MARKER));
  const last = [issue.openedOn, meta.sent?.on ?? '', ...reminders.map((r) => r.createdOn)].sort().at(-1)!;
  const base = { customer: record.customer, issue: issue.number };
  if (reminders.length >= config.maxReminders)
    return { ...base, action: 'waiting', message: `no answer after ${reminders.length} reminders` };
  const nextOn = addDays(last, config.remindEveryDays);
  if (day < nextOn) return { ...base, action: 'waiting', message: `next reminder on ${nextOn}` };
  const message = reminderMessage({
    company: config.companyName,
    reason: meta.reason,
    subject: subjectOf(record, meta.keyId),
    dueOn: meta.dueOn,
    today: day,
    pageUrl: pageUrl(config, record.customer),
    maxAgeDays: record.rotation.maxAgeDays,
    sentOn: meta.sent?.on ?? issue.openedOn,
    ...(context.mailer && meta.sent && { attachmentName: attachmentName(record.customer) }),
  });
  // Only a request that went out by email is reminded by email: the first message decides the channel.
  const sentTo = meta.sent
    ? await email(context, record, message, `reminder ${reminders.length + 1}`, true)
    : null;
  await issues.comment(
    issue.number,
    [
      REMINDER_MARKER,
      `Reminder ${reminders.length + 1} of ${config.maxReminders}: no sealed block after ${daysBetween(issue.openedOn, day)} days. ${sentTo ? `Sent to ${sentTo.join(', ')} on ${day}.` : 'Send the customer a reminder, or paste their block here.'}`,
    ].join('\n'),
  );
  return {
    ...base,
    action: 'reminded',
    message: `reminder ${reminders.length + 1} of ${config.maxReminders}${sentTo ? ` sent to ${sentTo.join(', ')}` : ''}`,
  };
}

async function email(
  context: RequestContext,
  record: CustomerRecord,
  message: { subject: string; text: string },
  what: string,
  attachPage: boolean,
): Promise<string[] | null> {
  if (!context.mailer || !context.config.email || !record.contacts.length) return null;
  const to = record.contacts.map((c) => c.email);
  await context.mailer.send(
    {
      from: context.config.email,
      to,
      message,
      ...(attachPage && {
        attachment: {
          filename: attachmentName(record.customer),
          html: await context.sealingPage(subjectOf(record, undefined)),
        },
      }),
    },
    `${what} of ${record.customer} was not sent; the next nightly tries again`,
  );
  return to;
}

function inputOf(record: CustomerRecord, meta: RequestMeta) {
  return {
    subject: subjectOf(record, meta.keyId),
    reason: meta.reason,
    dueOn: meta.dueOn,
    maxAgeDays: record.rotation.maxAgeDays,
    send: false,
  };
}
