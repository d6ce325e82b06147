import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { generateSealingKey, sealingPublicJwk } from '../../lib/sealing/sealing-keyring.js';
import { runCli } from '../support/cli.js';
import { startGithubFake, type GithubFake } from '../support/github-fake.js';
import { runIn } from '../support/run-in-process.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { EXAMPLE_CONFIG, recordText, tempProject } from '../support/project.js';

const REQUESTS = {
  companyName: 'Initech Apps',
  sealingPageUrl: 'https://keys.initech.example/{customer}.html',
  email: 'keys@initech.example',
};
const PLATFORM = {
  ...EXAMPLE_CONFIG.context.platform,
  github: { repository: 'acme/asc-keys', oidcProvider: 'existing' },
  requests: REQUESTS,
};
const CONTACTS = 'contacts:\n  - name: Jane Doe\n    email: jane@acme.example';

let github: GithubFake;
let moto: MotoServer;

beforeAll(async () => {
  [github, moto] = await Promise.all([startGithubFake(), startMoto()]);
  const ses = new SESv2Client({
    endpoint: moto.url,
    region: moto.env.AWS_REGION!,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: REQUESTS.email }));
});
afterAll(async () => {
  await Promise.all([github.stop(), moto.stop()]);
});

function project(platform: Record<string, unknown> = PLATFORM) {
  const p = tempProject({ 'acme-corp.yaml': recordText({ extra: CONTACTS }) }, platform);
  return p;
}

const env = () => ({
  ...moto.env,
  GITHUB_TOKEN: github.token,
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: '',
});

describe('asc-keys request', () => {
  test('opens and sends the request as a user runs it, and says where it is', async () => {
    const p = project();
    const key = await generateSealingKey(new Date());
    writeFileSync(join(p.dir, 'sealing-public-key.json'), JSON.stringify(sealingPublicJwk(key)));
    const run = await runCli(['request', '--customer', 'acme-corp', '--send', '--format', 'json'], {
      cwd: p.dir,
      env: env(),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({
      customer: 'acme-corp',
      action: 'opened',
      url: `https://github.com/acme/asc-keys/issues/${out.issue}`,
      sentTo: ['jane@acme.example'],
    });
    const issue = github.issues.find((i) => i.number === out.issue)!;
    expect(issue.body).toContain('Initech Apps publishes your iOS app ACME Corp');
    const status = await runCli(['status', '--format', 'json'], { cwd: p.dir, env: env() });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).customers[0]).toMatchObject({
      customer: 'acme-corp',
      keyId: '2X9R4HXF34',
      dueOn: '2027-06-01',
      request: { issue: out.issue, openedOn: out.openedOn, sentTo: ['jane@acme.example'] },
      previousKeyRevoked: null,
    });
    const followUp = await runCli(['follow-up', '--format', 'json'], { cwd: p.dir, env: env() });
    expect(followUp.stderr).toBe('');
    expect(JSON.parse(followUp.stdout).results).toEqual([
      {
        customer: 'acme-corp',
        action: 'waiting',
        issue: out.issue,
        message: expect.stringMatching(/^next reminder on \d{4}-\d\d-\d\d$/),
      },
    ]);
    const text = await runCli(['request', '--customer', 'acme-corp'], { cwd: p.dir, env: env() });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(
        `^Already open: key request #${out.issue} for acme-corp, due 2027-06-01: \\S+; sent on \\d{4}-\\d\\d-\\d\\d to jane@acme.example$`,
        'm',
      ),
    );
  });

  test('configuration errors are exit 2 and name the setting', async () => {
    const withoutRequests: Record<string, unknown> = { ...PLATFORM };
    delete withoutRequests.requests;
    const none = await runCli(['request', '--customer', 'acme-corp'], {
      cwd: project(withoutRequests).dir,
      env: env(),
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /key requests are not configured; add "requests" to context.platform in cdktf.json/,
    );

    const noToken = await runCli(['request', '--customer', 'acme-corp'], {
      cwd: project().dir,
      env: { ...env(), GITHUB_TOKEN: '', GH_TOKEN: '' },
    });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/no GitHub token \(GITHUB_TOKEN is not set\); set GITHUB_TOKEN/);

    const rotateNew = await runCli(['request', '--customer', 'new-co', '--reason', 'rotation'], {
      cwd: project().dir,
      env: env(),
    });
    expect(rotateNew.code).toBe(2);
    expect(rotateNew.stderr).toMatch(/new-co has no record .* --reason onboarding --app-id/);
  });

  describe('in process', () => {
    afterEach(() => vi.unstubAllEnvs());
    beforeEach(() => {
      for (const [k, v] of Object.entries(env())) vi.stubEnv(k, v);
    });
    /** Key requests without email: GitHub is all a request needs. */
    const withoutEmail = { companyName: REQUESTS.companyName, sealingPageUrl: REQUESTS.sealingPageUrl };

    test("options that do not fit the customer's records: exit 2, what to do instead, no issue opened", async () => {
      const p = project({ ...PLATFORM, requests: withoutEmail });
      writeFileSync(join(p.customers, 'broken-co.yaml'), recordText({ customer: 'broken-co', keyId: 'bad' }));
      const issues = github.issues.length;
      for (const [args, message] of [
        [
          ['--customer', 'Acme'],
          '--customer must be a customer slug: 1 to 63 characters of a-z, 0-9 and "-"; give the name of the customer\'s record file in customers/, without .yaml',
        ],
        [
          ['--customer', 'broken-co'],
          'the record of broken-co has errors; run "asc-keys lint", fix them, and request again',
        ],
        [
          ['--customer', 'acme-corp', '--app-id', '987654321'],
          'acme-corp has a record: --app-id, --display-name and --contact are for new customers; change the record instead',
        ],
        [
          ['--customer', 'new-co', '--app-id', 'App 1'],
          "new-co has no record yet; give the app's Apple ID with --app-id <digits> (App Store Connect, App Information)",
        ],
      ] as const) {
        const r = await runIn(p.dir, ['request', ...args]);
        expect(r, args.join(' ')).toEqual({ code: 2, stdout: '', stderr: `asc-keys: ${message}\n` });
      }
      expect(github.issues.length).toBe(issues);
    });

    test("a new customer's onboarding request carries the app, the name and the contacts given", async () => {
      const p = project({ ...PLATFORM, requests: withoutEmail });
      const key = await generateSealingKey(new Date());
      writeFileSync(join(p.dir, 'sealing-public-key.json'), JSON.stringify(sealingPublicJwk(key)));
      const r = await runIn(p.dir, [
        'request',
        '--customer',
        'new-co',
        '--app-id',
        '987654321',
        '--display-name',
        'New Co',
        '--contact',
        'Jo Doe <jo@new-co.example>',
        '--format',
        'json',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ customer: 'new-co', action: 'opened', sentTo: null });
      const issue = github.issues.find((i) => i.number === out.issue)!;
      expect(issue.title).toMatch(/^Key request: new-co \(onboarding, due \d{4}-\d\d-\d\d\)$/);
      expect(issue.body).toContain('987654321');
      expect(issue.body).toContain('New Co');
      expect(issue.body).toContain('jo@new-co.example');
      expect(existsSync(join(p.customers, 'new-co.yaml'))).toBe(false);
    });
  });

  test('lint reports a requests setting that cannot work, with its line', async () => {
    const p = project({
      ...PLATFORM,
      requests: { ...REQUESTS, sealingPageUrl: 'https://keys.initech.example/page.html' },
    });
    const run = await runCli(['lint'], { cwd: p.dir, env: env() });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/cdktf\.json:\d+:\d+: error FIELD_INVALID .*must contain \{customer\}/);
  });
});
