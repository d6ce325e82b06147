import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { simpleParser, type ParsedMail } from 'mailparser';
import { beforeAll, describe, expect, test } from 'vitest';
import { githubClient } from '../../lib/github/github-client.js';
import { Issues } from '../../lib/github/issues.js';
import type { CustomerRecord } from '../../lib/records/customer-record.js';
import { addDays } from '../../lib/records/days.js';
import { requestsConfigSchema } from '../../lib/records/requests-config-schema.js';
import { followUpRequests } from '../../lib/requests/follow-up.js';
import { openRequest, type RequestContext } from '../../lib/requests/open-request.js';
import type { PreviousKeyState } from '../../lib/requests/previous-key-probe.js';
import { RequestMailer } from '../../lib/requests/request-email.js';
import { parseRequestMeta } from '../../lib/requests/request-issue.js';
import { requestStatuses } from '../../lib/requests/request-status.js';
import type { GithubFake } from '../support/github-fake.js';
import { requestServices } from '../support/request-services.js';
import type { MotoServer } from '../support/moto.js';
import { record } from '../support/records.js';

const SENDER = 'keys@globex.example';
const CONFIG = requestsConfigSchema.parse({
  companyName: 'Globex Publishing',
  sealingPageUrl: 'https://keys.globex.example/{customer}.html',
  email: SENDER,
});
const DAY0 = '2027-04-01';
// Due 20 days after DAY0: inside the first reminder (30 days before the due day).
const DUE = addDays(DAY0, 20);
const ACME = record({
  customer: 'acme-corp',
  displayName: 'ACME Corp',
  createdOn: addDays(DUE, -365),
  contacts: [{ name: 'Jane Doe', email: 'jane@acme.example' }],
});
// Due in 40 days: not yet.
const LATER = record({ customer: 'later', keyId: 'LATERKEY01', createdOn: addDays(DAY0, 40 - 365) });

const services = requestServices(SENDER);
let github: GithubFake;
let moto: MotoServer;
let ses: SESv2Client;
beforeAll(() => {
  ({ github, moto, ses } = services);
});

function night(day: string): RequestContext {
  const now = new Date(`${day}T03:17:00Z`);
  github.clock = () => now;
  return {
    config: CONFIG,
    issues: new Issues(
      githubClient({
        token: github.token,
        baseUrl: github.url,
        secondMs: 1,
        pacing: { writeMs: 0, notifyMs: 0 },
      }),
      { owner: github.owner, repo: github.repo },
    ),
    mailer: new RequestMailer(ses),
    sealingPage: async () => '<!doctype html><title>page</title>',
    now,
  };
}

async function sentMail(): Promise<{ to: string[]; mail: ParsedMail }[]> {
  const data = (await (await fetch(`${moto.url}/moto-api/data.json`)).json()) as {
    ses: { RawMessage: { destinations: string[]; raw_data: string }[] };
  };
  return Promise.all(
    data.ses.RawMessage.map(async (m) => ({
      to: [...new Set(m.destinations)],
      mail: await simpleParser(m.raw_data),
    })),
  );
}

/** The previous-key answers of each night, in order, recorded with the key they were asked about. */
function probeOf(states: PreviousKeyState[]) {
  const asked: [string, string][] = [];
  return {
    asked,
    probe: async (r: CustomerRecord, oldKeyId: string) => {
      asked.push([r.customer, oldKeyId]);
      return states.shift() ?? 'unknown';
    },
  };
}

describe('followUpRequests', () => {
  test('opens and sends a request only for keys due within the lead time, once', async () => {
    const { probe } = probeOf([]);
    const first = await followUpRequests(night(DAY0), [LATER, ACME], probe);
    expect(first.map((f) => [f.customer, f.action])).toEqual([
      ['acme-corp', 'opened'],
      ['later', 'waiting'],
    ]);
    expect(first[1]!.message).toBe(`a request opens on ${addDays(DAY0, 10)}`);
    expect(github.issues.map((i) => i.title)).toEqual([`Key request: acme-corp (rotation, due ${DUE})`]);
    expect((await sentMail()).map((m) => m.to)).toEqual([['jane@acme.example']]);
    // The next night: one request still, nothing sent again.
    const second = await followUpRequests(night(addDays(DAY0, 1)), [LATER, ACME], probe);
    expect(second.map((f) => f.action)).toEqual(['waiting', 'waiting']);
    expect(github.issues).toHaveLength(1);
    expect(await sentMail()).toHaveLength(1);
  });

  test('a configured lead time wins over the first reminder day', async () => {
    const context = { ...night(DAY0), config: { ...CONFIG, leadDays: 10 } };
    const [acme] = await followUpRequests(context, [ACME], probeOf([]).probe);
    expect(acme).toMatchObject({ action: 'waiting', message: `a request opens on ${addDays(DUE, -10)}` });
  });

  test('reminds every week until the configured count, by email as the request was sent', async () => {
    const { probe } = probeOf([]);
    await followUpRequests(night(DAY0), [ACME], probe);
    const actions: string[] = [];
    for (let d = 1; d <= 35; d++) {
      const [acme] = await followUpRequests(night(addDays(DAY0, d)), [ACME], probe);
      if (acme!.action !== 'waiting') actions.push(`${d} ${acme!.message}`);
    }
    expect(actions).toEqual([
      '7 reminder 1 of 3 sent to jane@acme.example',
      '14 reminder 2 of 3 sent to jane@acme.example',
      '21 reminder 3 of 3 sent to jane@acme.example',
    ]);
    const mails = await sentMail();
    expect(mails.map((m) => m.mail.subject)).toEqual([
      'Globex Publishing: please send a new App Store Connect API key for ACME Corp',
      ...Array(3).fill(
        'Reminder: Globex Publishing: please send a new App Store Connect API key for ACME Corp',
      ),
    ]);
    const reminder = mails[1]!.mail.text!;
    expect(reminder).toContain(
      `On ${DAY0} we asked you for a new App Store Connect API key for your app ACME Corp (Apple ID 1234567890), and we have not received it yet. Please send it by ${DUE}.`,
    );
    // The third reminder is after the due day.
    expect(mails[3]!.mail.text).toContain(`It was due on ${DUE}: please send it as soon as you can.`);
    expect(mails[1]!.mail.attachments.map((a) => a.filename)).toEqual(['key-sealing-page-acme-corp.html']);
    expect(github.issues[0]!.comments.map((c) => c.body.split('\n')[1])).toEqual([
      expect.stringMatching(/^Reminder 1 of 3: no sealed block after 7 days\. Sent to jane@acme\.example/),
      expect.stringMatching(/^Reminder 2 of 3/),
      expect.stringMatching(/^Reminder 3 of 3/),
    ]);
  });

  test('after the merge: waits for the deploy, then proves the old key revoked and closes the request with the day', async () => {
    const { probe, asked } = probeOf(['not-deployed', 'accepted', 'accepted', 'revoked']);
    await followUpRequests(night(DAY0), [ACME], probe);
    const rotated = { ...ACME, keyId: 'NEWKEY0001', createdOn: addDays(DAY0, 2) };
    const nights = [];
    for (const d of [3, 4, 5, 6])
      nights.push((await followUpRequests(night(addDays(DAY0, d)), [rotated], probe))[0]!);
    expect(nights.map((n) => n.action)).toEqual(['merged', 'deployed', 'waiting', 'proven']);
    expect(asked).toEqual(Array(4).fill(['acme-corp', '2X9R4HXF34']));
    const [issue] = github.issues;
    expect(issue!.state).toBe('closed');
    expect(issue!.stateReason).toBe('completed');
    expect(issue!.comments.at(-1)!.body).toBe(
      `Done: on ${addDays(DAY0, 6)} Apple rejected the old key 2X9R4HXF34 (401 to a token it signed): it is revoked. The key in use is NEWKEY0001.`,
    );
    expect(parseRequestMeta(issue!.body)).toMatchObject({
      mergedOn: addDays(DAY0, 3),
      deployedOn: addDays(DAY0, 4),
    });
    expect((await requestStatuses(night(DAY0).issues, [rotated])).get('acme-corp')).toEqual({
      request: null,
      previousKeyRevoked: true,
    });
    // No reminder was sent after the merge.
    expect(issue!.comments.filter((c) => c.body.includes('Reminder'))).toEqual([]);
  });

  test("an onboarding request closes once the new customer's record is merged; no old key is asked about", async () => {
    const { probe, asked } = probeOf([]);
    const { issue } = await openRequest(night(DAY0), {
      subject: { customer: 'newco', displayName: 'Newco', appleId: '5550001111', contacts: [] },
      reason: 'onboarding',
      dueOn: addDays(DAY0, 14),
      send: false,
    });
    const onboarded = record({ customer: 'newco', keyId: 'NEWCOKEY01', createdOn: addDays(DAY0, 3) });
    const [newco] = await followUpRequests(night(addDays(DAY0, 4)), [onboarded], probe);
    expect(newco).toEqual({
      customer: 'newco',
      action: 'onboarded',
      issue,
      message: 'closed: newco is onboarded with the key NEWCOKEY01',
    });
    const closed = github.issues.find((i) => i.number === issue)!;
    expect(closed.state).toBe('closed');
    expect(closed.comments.at(-1)!.body).toBe(
      `Done: the record of newco names the key NEWCOKEY01 (merged by ${addDays(DAY0, 4)}). Deploy it if that has not happened yet.`,
    );
    expect(asked).toEqual([]);
    expect(await sentMail()).toEqual([]);
  });

  test('an old key still accepted after the grace period: the customer is asked, once, to revoke it, with the place to click', async () => {
    const { probe } = probeOf(Array(20).fill('accepted'));
    await followUpRequests(night(DAY0), [ACME], probe);
    const rotated = { ...ACME, keyId: 'NEWKEY0001' };
    const deployed = addDays(DAY0, 2);
    const actions: string[] = [];
    for (let d = 2; d <= 18; d++) {
      const [acme] = await followUpRequests(night(addDays(DAY0, d)), [rotated], probe);
      if (acme!.action !== 'waiting') actions.push(`${d} ${acme!.action}`);
    }
    expect(actions).toEqual(['2 deployed', '16 asked-to-revoke']);
    const mails = await sentMail();
    const revoke = mails.at(-1)!.mail;
    expect(revoke.subject).toBe(
      'Globex Publishing: please revoke the old App Store Connect API key for ACME Corp',
    );
    expect(revoke.attachments).toEqual([]);
    expect(revoke.text).toContain(`we have published with it since ${deployed}`);
    expect(revoke.text).toContain(
      'In App Store Connect, go to Users and Access > Integrations > App Store Connect API (Team Keys).',
    );
    expect(revoke.text).toContain('find the key with the Key ID 2X9R4HXF34, and click Revoke next to it');
    expect(revoke.text).toContain('Revoke only that key');
    expect(github.issues[0]!.state).toBe('open');
    const statuses = await requestStatuses(night(DAY0).issues, [rotated, LATER]);
    expect(statuses.get('acme-corp')).toEqual({
      request: { issue: 1, openedOn: DAY0, sentTo: ['jane@acme.example'] },
      previousKeyRevoked: false,
    });
    expect(statuses.get('later')).toEqual({ request: null, previousKeyRevoked: null });
  });
});
