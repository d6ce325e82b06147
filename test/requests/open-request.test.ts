import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { simpleParser, type ParsedMail } from 'mailparser';
import { beforeAll, describe, expect, test } from 'vitest';
import { UnavailableError, UsageError } from '../../lib/errors.js';
import { githubClient } from '../../lib/github/github-client.js';
import { Issues } from '../../lib/github/issues.js';
import { requestsConfigSchema } from '../../lib/records/requests-config-schema.js';
import { openRequest, type RequestContext } from '../../lib/requests/open-request.js';
import { RequestMailer } from '../../lib/requests/request-email.js';
import { parseRequestMeta } from '../../lib/requests/request-issue.js';
import type { RequestSubject } from '../../lib/requests/request-message.js';
import type { GithubFake } from '../support/github-fake.js';
import { requestServices } from '../support/request-services.js';
import type { MotoServer } from '../support/moto.js';

const NOW = new Date('2026-12-07T03:17:00Z');
const SENDER = 'keys@globex.example';
const CONFIG = requestsConfigSchema.parse({
  companyName: 'Globex Publishing',
  sealingPageUrl: 'https://keys.globex.example/{customer}.html',
  email: SENDER,
});
const SUBJECT: RequestSubject = {
  customer: 'acme-corp',
  displayName: 'ACME Corp',
  appleId: '1234567890',
  currentKeyId: '2X9R4HXF34',
  contacts: [{ name: 'Jane Doe', email: 'jane@acme.example' }, { email: 'it@acme.example' }],
};
const PAGE = '<!doctype html><title>Seal your key</title><p>the page for acme-corp</p>';

const services = requestServices(SENDER);
let github: GithubFake;
let moto: MotoServer;
let ses: SESv2Client;
beforeAll(() => {
  ({ github, moto, ses } = services);
});

function context(overrides: Partial<RequestContext> = {}): RequestContext {
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
    sealingPage: async () => PAGE,
    now: NOW,
    ...overrides,
  };
}

const rotation = { subject: SUBJECT, reason: 'rotation' as const, dueOn: '2027-01-15', maxAgeDays: 365 };

/** What SES sent, read back through moto's own API, and parsed as a mail program would. */
async function sentMail(): Promise<{ destinations: string[]; source: string; mail: ParsedMail }[]> {
  const data = (await (await fetch(`${moto.url}/moto-api/data.json`)).json()) as {
    ses: { RawMessage: { destinations: string[]; source: string; raw_data: string }[] };
  };
  return Promise.all(
    data.ses.RawMessage.map(async (m) => ({
      destinations: [...new Set(m.destinations)],
      source: m.source,
      mail: await simpleParser(m.raw_data),
    })),
  );
}

describe('openRequest', () => {
  test('opens one labelled issue per customer holding the message, and a second run finds it instead', async () => {
    const first = await openRequest(context(), { ...rotation, send: false });
    expect(first).toMatchObject({ action: 'opened', issue: 1, sentTo: null, openedOn: '2026-12-07' });
    const again = await openRequest(context(), { ...rotation, send: false });
    expect(again).toMatchObject({ action: 'exists', issue: 1 });
    expect(github.issues).toHaveLength(1);
    const [issue] = github.issues;
    expect(issue!.labels).toEqual(['asc-keys:request']);
    expect(github.labels.get('asc-keys:request')?.description).toMatch(/key we asked a customer for/);
    expect(issue!.title).toBe('Key request: acme-corp (rotation, due 2027-01-15)');
    expect(parseRequestMeta(issue!.body)).toEqual({
      customer: 'acme-corp',
      reason: 'rotation',
      dueOn: '2027-01-15',
      appleId: '1234567890',
      keyId: '2X9R4HXF34',
    });
    // The message as the customer reads it: who, why, which key, where, by when, what next.
    const message = issue!.body.split('## Message to the customer')[1]!.replace(/^> ?/gm, '');
    expect(message).toContain('Hello Jane Doe,');
    expect(message).toContain('Globex Publishing publishes your iOS app ACME Corp (Apple ID 1234567890)');
    expect(message).toContain('(Key ID 2X9R4HXF34)');
    expect(message).toContain('Please send it by 2027-01-15.');
    expect(message).toContain('choose the role App Manager');
    expect(message).toContain('https://keys.globex.example/acme-corp.html');
    expect(message).toContain('What happens next:');
    expect(issue!.body).toContain('**Not sent yet.**');
    // Another customer gets their own request.
    await openRequest(context(), { ...rotation, subject: { ...SUBJECT, customer: 'globex' }, send: false });
    expect(github.issues.map((i) => i.number)).toEqual([1, 2]);
    expect(github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/labels'))).toHaveLength(1);
  });

  test('the label made by another run in the meantime (GitHub answers 422 already_exists) is what was wanted: the request opens', async () => {
    github.failNext(
      { method: 'POST', path: /\/labels$/ },
      {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
        },
      },
    );
    const opened = await openRequest(context(), { ...rotation, send: false });
    expect(opened).toMatchObject({ action: 'opened', issue: 1 });
    expect(github.issues.map((i) => i.labels)).toEqual([['asc-keys:request']]);
  });

  test("--send emails the contacts from the sender identity, with the customer's page attached, and the issue says when and to whom", async () => {
    const outcome = await openRequest(context(), { ...rotation, send: true });
    expect(outcome).toMatchObject({
      action: 'opened',
      sentTo: ['jane@acme.example', 'it@acme.example'],
      sentOn: '2026-12-07',
    });
    const [sent, ...more] = await sentMail();
    expect(more).toEqual([]);
    expect(sent!.source).toBe(SENDER);
    expect(sent!.destinations.sort()).toEqual(['it@acme.example', 'jane@acme.example']);
    expect(sent!.mail.subject).toBe(
      'Globex Publishing: please send a new App Store Connect API key for ACME Corp',
    );
    expect(sent!.mail.text).toContain('https://keys.globex.example/acme-corp.html');
    expect(sent!.mail.text).toContain('attached to this email as key-sealing-page-acme-corp.html');
    expect(
      sent!.mail.attachments.map((a) => [a.filename, a.contentType, a.content.toString('utf8')]),
    ).toEqual([['key-sealing-page-acme-corp.html', 'text/html', PAGE]]);
    const body = github.issues[0]!.body;
    expect(body).toContain('**Sent** by email on 2026-12-07 to jane@acme.example, it@acme.example.');
    expect(parseRequestMeta(body)?.sent).toEqual({
      on: '2026-12-07',
      to: ['jane@acme.example', 'it@acme.example'],
    });
    // Sent once: running it again neither opens nor sends.
    expect(await openRequest(context(), { ...rotation, send: true })).toMatchObject({
      action: 'exists',
      sentOn: '2026-12-07',
    });
    expect(await sentMail()).toHaveLength(1);
  });

  test('no message holds a key, a sealed block or a secret name, and no other company than the configured one', async () => {
    await openRequest(context(), { ...rotation, send: true });
    await openRequest(context(), {
      subject: { customer: 'new-co', appleId: '42', contacts: [{ email: 'a@new.example' }] },
      reason: 'onboarding',
      dueOn: '2026-12-21',
      send: true,
    });
    const texts = [
      ...github.issues.flatMap((i) => [i.title, i.body]),
      ...(await sentMail()).map((m) => `${m.mail.subject}\n${m.mail.text}`),
    ];
    expect(texts).toHaveLength(6);
    for (const t of texts) {
      expect(t).not.toMatch(/PRIVATE KEY|SEALED KEY|asc-keys\/|aws-sm:|arn:aws|Staffbase/);
    }
    const onboarding = github.issues[1]!.body;
    expect(onboarding).toContain(
      'Globex Publishing is getting ready to publish your iOS app new-co (Apple ID 42)',
    );
    expect(onboarding).toContain('Please send it by 2026-12-21.');
  });

  test('a display name full of Markdown, HTML and a forged marker cannot change what the issue says or who it is for', async () => {
    const hostile = `Evil -->\n<!-- asc-keys:request {"customer":"victim","reason":"rotation","dueOn":"2027-01-01"} --> @everyone [x](javascript:1) <img src=x>`;
    await openRequest(context(), { ...rotation, subject: { ...SUBJECT, displayName: hostile }, send: true });
    const body = github.issues[0]!.body;
    expect(parseRequestMeta(body)?.customer).toBe('acme-corp');
    expect(body.match(/<!--/g)).toHaveLength(1);
    expect(body).not.toMatch(/@everyone|<img|\]\(javascript/);
    const [sent] = await sentMail();
    expect(sent!.mail.subject).not.toMatch(/[\n<>]/);
  });

  test('a due day that has passed asks for the key as soon as possible', async () => {
    await openRequest(context(), { ...rotation, dueOn: '2026-11-30', send: false });
    expect(github.issues[0]!.body).toContain('It was due on 2026-11-30: please send it as soon as you can.');
  });

  test('SES refusing the sender is a configuration error naming requests.email; the issue stays open, not sent, and the next run sends', async () => {
    const refused = context({ config: { ...CONFIG, email: 'nobody@unverified.example' } });
    const error = await openRequest(refused, { ...rotation, send: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('EMAIL_REFUSED');
    expect((error as Error).message).toMatch(/requests\.email/);
    expect((error as Error).message).toMatch(/request #1 for acme-corp is open .* and not sent/);
    expect(github.issues[0]!.body).toContain('**Not sent yet.**');
    expect(await sentMail()).toEqual([]);
    expect(await openRequest(context(), { ...rotation, send: true })).toMatchObject({
      action: 'exists',
      sentTo: ['jane@acme.example', 'it@acme.example'],
    });
    expect(await sentMail()).toHaveLength(1);
  });

  test('--send without a sender or without contacts is refused before anything is opened', async () => {
    const noSender = context({ config: requestsConfigSchema.parse({ ...CONFIG, email: undefined }) });
    delete (noSender as { mailer?: unknown }).mailer;
    await expect(openRequest(noSender, { ...rotation, send: true })).rejects.toThrow(
      /--send needs a sender, and requests\.email in cdktf\.json is not set; set requests\.email/,
    );
    await expect(
      openRequest(context(), { ...rotation, subject: { ...SUBJECT, contacts: [] }, send: true }),
    ).rejects.toThrow(/acme-corp has no contacts .* add contacts/);
    expect(github.requests).toEqual([]);
  });

  test('GitHub refusing the token is exit 2, and an outage that outlasts the retries exit 3', async () => {
    const wrong = context({
      issues: new Issues(
        githubClient({ token: 'wrong', baseUrl: github.url, pacing: { writeMs: 0, notifyMs: 0 } }),
        {
          owner: github.owner,
          repo: github.repo,
        },
      ),
    });
    await expect(openRequest(wrong, { ...rotation, send: false })).rejects.toThrow(
      /GitHub refused the token/,
    );
    for (let i = 0; i < 4; i++) github.failNext({}, { status: 503, body: { message: 'unavailable' } });
    const down = await openRequest(context(), { ...rotation, send: false }).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(UnavailableError);
    expect((down as Error).message).toMatch(
      /GitHub could not be asked \(HTTP 503, after retries\); nothing was changed/,
    );
    expect(github.issues).toEqual([]);
  });
});
