import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { keyVersionId } from '../../lib/model/key-version.js';
import { addDays } from '../../lib/records/days.js';
import { REQUEST_LABEL } from '../../lib/requests/request-issue.js';
import { AscEmulator } from '../support/asc-emulator.js';
import { startChromium } from '../support/chromium.js';
import { runCli, type CliResult } from '../support/cli.js';
import { commentEvent, startGithubFake, type FakeIssue, type GithubFake } from '../support/github-fake.js';
import { startMotoServer, type MotoServer } from '../support/moto.js';
import { EXAMPLE_CONFIG, tempProject, type TempProject } from '../support/project.js';
import { dropFile, sealedBlockOf } from '../support/sealing-page-driver.js';
import { terraformFixture, type TerraformFixture } from '../support/terraform-fixture.js';
import type { TerraformEnv } from '../support/terraform.js';
import { deployJob as runDeployJob, recordsRepo, versionStages } from '../support/deploy-job.js';
import { appleKey, idArgs, inbox, writeP8, type AppleKey } from '../import/import-harness.js';
import { keyNeedles } from '../import/plaintext-watch.js';

/**
 * A rotation from the day a key falls due to the day the old key is proven gone, as the platform
 * team and the customer live it: the built CLI in a git repository, real Terraform against moto
 * (SES included: the emails are read back from moto), the App Store Connect emulator, the GitHub
 * fake and headless Chromium. The nightly (follow-up) opens and emails the request; the customer
 * seals a new key on the page attached to that email; the block is pasted in the issue and
 * imported; merge and deploy make the new key current; the customer revokes the old key; the
 * next nightly proves it and closes the request.
 */
const PLATFORM = EXAMPLE_CONFIG.context.platform as Record<string, unknown>;
const ACCOUNT = PLATFORM.accountId as string;
const REGION = PLATFORM.region as string;
const SENDER = 'keys@globex.example';
const COMPANY = 'Globex Publishing';
const SLUG = 'initech';
const CONTACT = 'jane@initech.example';
const TODAY = new Date().toISOString().slice(0, 10);

let fixture: TerraformFixture;
let moto: MotoServer;
/** SES on a moto of its own: moto's data.json, the one way to read sent mail back, fails on some of the stacks' resources. */
let sesMoto: MotoServer;
let tf: TerraformEnv;
let github: GithubFake;
let project: TempProject;
const emulator = new AscEmulator();
const files = inbox();
const keys: AppleKey[] = [];
const outputs: string[] = [];
let oldKey: AppleKey;
let newKey: AppleKey;
let pullRequest: number;

const { git, commit, merge } = recordsRepo(() => project.dir);

const env = (): NodeJS.ProcessEnv => ({
  ...moto.env,
  ...tf.env,
  AWS_EC2_METADATA_DISABLED: 'true',
  ASC_API_BASE_URL: emulator.url,
  GITHUB_TOKEN: github.token,
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
  AWS_ENDPOINT_URL_SESV2: sesMoto.url,
});

async function cli(args: readonly string[], input?: string): Promise<CliResult> {
  const r = await runCli(args, { cwd: project.dir, env: env(), ...(input !== undefined && { input }) });
  outputs.push(r.stdout, r.stderr);
  return r;
}

async function json<T = Record<string, unknown>>(args: readonly string[]): Promise<{ code: number; doc: T }> {
  const r = await cli([...args, '--format', 'json']);
  expect(r.stderr.replace(/^asc-keys: warning: .*\n/gm, ''), r.stderr).toBe('');
  return { code: r.code, doc: JSON.parse(r.stdout) as T };
}

/** The nightly's key-request job, as nightly.yml runs it. */
async function nightly(): Promise<
  { customer: string; action: string; issue: number | null; message: string }[]
> {
  const r = await json<{
    results: { customer: string; action: string; issue: number | null; message: string }[];
  }>(['follow-up']);
  expect(r.code).toBe(0);
  return r.doc.results;
}

/** deploy.yml's steps: affected, synth of those stacks, then the deploy command. */
const deployJob = (base: string) => runDeployJob(base, { dir: project.dir, moto, tf, cli, outputs });

const client = {
  endpoint: '',
  region: REGION,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
};
const secrets = () => new SecretsManagerClient({ ...client, endpoint: moto.url });
const stagesOf = (name: string) => versionStages(secrets(), name);
const versionOf = (key: AppleKey): string => keyVersionId(`asc-keys/${SLUG}`, key.keyId, key.fingerprint);

/** Every email SES accepted, read back through moto's API, as the customer's mail client shows it. */
async function mailbox(): Promise<{ to: string[]; mail: ParsedMail }[]> {
  const data = (await (await fetch(`${sesMoto.url}/moto-api/data.json`)).json()) as {
    ses: { RawMessage?: { destinations: string[]; raw_data: string }[] };
  };
  return Promise.all(
    (data.ses.RawMessage ?? []).map(async (m) => ({
      to: [...new Set(m.destinations)],
      mail: await simpleParser(m.raw_data),
    })),
  );
}

/** The records as the checkout has them, on the fake's default branch too (intake reads and writes there). */
function publish(): void {
  for (const name of readdirSync(project.customers))
    github.commitFile('main', `customers/${name}`, readFileSync(join(project.customers, name), 'utf8'));
}

/** The checkout catches up with the fake's default branch after a merge; returns main before it. */
function pull(): string {
  const before = git('rev-parse', 'main');
  const path = `customers/${SLUG}.yaml`;
  writeFileSync(join(project.dir, path), github.fileOn('main', path)!);
  commit('Merge the pull request');
  return before;
}

/** intake.yml on an issue_comment event: `asc-keys intake --event "$GITHUB_EVENT_PATH"`. */
async function intake(
  issue: FakeIssue,
  body: string,
): Promise<{ code: number; doc: Record<string, unknown> }> {
  const user = 'platform-engineer';
  const event = join(mkdtempSync(join(tmpdir(), 'asc-keys-event-')), 'event.json');
  writeFileSync(event, JSON.stringify(commentEvent(github, issue, body, user)));
  // Its progress goes to the run's log (stderr); the answer is the JSON document.
  const r = await cli(['intake', '--event', event, '--format', 'json']);
  return { code: r.code, doc: JSON.parse(r.stdout) as Record<string, unknown> };
}

const requestIssue = (): FakeIssue => {
  const found = github.issues.filter((i) => i.labels.includes(REQUEST_LABEL));
  expect(found).toHaveLength(1);
  return found[0]!;
};

/**
 * The request fields of `status` and `check keys` (JSON) for the customer. check keys' verdict on
 * the promoted key is moto's to give, not ours: moto answers an unstaged read with the version
 * its last put made current and does not follow a moved AWSCURRENT (test/ci/promote-pending.test.ts
 * reads the promoted key by its label), so only the request fields are compared here.
 */
async function requestFields(): Promise<Record<'status' | 'keys', Record<string, unknown>>> {
  const pick = (r: Record<string, unknown>) => ({
    ageDays: r.ageDays,
    request: r.request,
    previousKeyRevoked: r.previousKeyRevoked,
  });
  const status = await json<{ customers: Record<string, unknown>[] }>(['status']);
  const keys = await json<{ results: Record<string, unknown>[] }>(['check', 'keys']);
  expect(keys.doc.results.map((r) => r.keyId)).toEqual([newKey.keyId]);
  return { status: pick(status.doc.customers[0]!), keys: pick(keys.doc.results[0]!) };
}

/** What a customer may read: no key, no sealed block, no secret's name, no tool's jargon. */
function expectReadableByTheCustomer(text: string): void {
  expect(text).toContain(COMPANY);
  expect(text).not.toMatch(
    /asc-keys|aws-sm|secretsmanager|AWSCURRENT|AWSPREVIOUS|PRIVATE KEY|SEALED KEY|undefined|null/,
  );
  for (const n of keys.flatMap(keyNeedles)) expect(text.includes(n)).toBe(false);
}

function recordText(createdOn: string): string {
  const path = join(project.customers, `${SLUG}.yaml`);
  const text = readFileSync(path, 'utf8').replace(/createdOn: \S+/, `createdOn: ${createdOn}`);
  return text.includes('contacts:')
    ? text
    : `${text.trimEnd()}\ncontacts:\n  - name: Jane Doe\n    email: ${CONTACT}\n`;
}

beforeAll(async () => {
  // The custody stack (the administrators') and the platform (its deploy): the shared Terraform
  // fixture's, applied once for the run. Key requests change neither without a github block.
  [fixture, sesMoto] = await Promise.all([terraformFixture(), startMotoServer({ accountId: ACCOUNT })]);
  ({ moto, tf } = fixture);
  github = await startGithubFake({ owner: 'acme', repo: 'keys' });
  github.users.set('platform-engineer', 'triage');
  await emulator.start();
  await new SESv2Client({ ...client, endpoint: sesMoto.url }).send(
    new CreateEmailIdentityCommand({ EmailIdentity: SENDER }),
  );

  // The records repository: the platform configuration with key requests.
  project = tempProject(
    {},
    {
      ...PLATFORM,
      requests: {
        companyName: COMPANY,
        sealingPageUrl: 'https://keys.globex.example/{customer}.html',
        email: SENDER,
      },
    },
  );
  git('init', '--quiet', '--initial-branch', 'main');
  const config = readFileSync(project.config, 'utf8');
  rmSync(project.config);
  writeFileSync(join(project.dir, 'README.md'), 'keys\n');
  writeFileSync(join(project.dir, '.gitignore'), 'cdktf.out/\naffected.json\nsummary.md\n');
  commit('readme');
  writeFileSync(project.config, config);
  writeFileSync(join(project.customers, 'README.md'), 'records\n');
  commit('platform configuration');
  // The administrators make the sealing key once; its public half is committed beside the records.
  const sealing = await cli(['sealing-key', 'create']);
  expect(sealing.code, sealing.stderr).toBe(0);
  commit('sealing public key');

  // Initech was onboarded a while ago: imported, merged, deployed.
  oldKey = await appleKey(emulator);
  keys.push(oldKey);
  git('checkout', '--quiet', '-b', 'onboard', 'main');
  const imported = await json([
    'import',
    ...idArgs(SLUG, oldKey),
    '--p8',
    writeP8(files, `AuthKey_${oldKey.keyId}.p8`, oldKey.pem),
  ]);
  expect(imported.code, JSON.stringify(imported.doc)).toBe(0);
  commit('onboard initech');
  git('checkout', '--quiet', 'main');
  expect((await deployJob(merge('onboard'))).code).toBe(0);
}, 900_000);

afterAll(async () => {
  await emulator.stop();
  await github?.stop();
  await Promise.all([fixture?.release(), sesMoto?.stop()]);
});

describe('a rotation from due to done', () => {
  test('the key falls due: the nightly opens the request and emails it, with the sealing page attached', async () => {
    // 340 days later (the record's own day moved back instead of the clock forward): due in 25
    // days, inside the lead time (the first reminder, 30 days before).
    const before = git('rev-parse', 'main');
    writeFileSync(join(project.customers, `${SLUG}.yaml`), recordText(addDays(TODAY, -340)));
    commit('initech: contacts');
    publish();
    expect((await deployJob(before)).code).toBe(0);
    const dueOn = addDays(TODAY, 25);

    expect(await nightly()).toEqual([
      {
        customer: SLUG,
        action: 'opened',
        issue: expect.any(Number),
        message: expect.stringContaining(`sent on ${TODAY} to ${CONTACT}`),
      },
    ]);
    const issue = requestIssue();
    expect(issue.title).toBe(`Key request: ${SLUG} (rotation, due ${dueOn})`);
    expect(issue.body).toContain(`**Sent** by email on ${TODAY} to ${CONTACT}.`);

    const mails = await mailbox();
    expect(mails.map((m) => m.to)).toEqual([[CONTACT]]);
    const { mail } = mails[0]!;
    expect(mail.from?.text).toBe(SENDER);
    expect(mail.subject).toBe(`${COMPANY}: please send a new App Store Connect API key for ${SLUG}`);
    // Read as Jane reads it: who asks, why, which key, where, by when, what happens next.
    const text = mail.text!;
    expect(text).toContain(`Hello Jane Doe,`);
    expect(text).toContain(`(Key ID ${oldKey.keyId})`);
    expect(text).toContain('choose the role App Manager');
    expect(text).toContain(`https://keys.globex.example/${SLUG}.html`);
    expect(text).toContain(`key-sealing-page-${SLUG}.html`);
    expect(text).toContain(`Please send it by ${dueOn}.`);
    expect(text).toContain('Please keep your current key');
    expectReadableByTheCustomer(text);
    expect(mail.attachments.map((a) => a.filename)).toEqual([`key-sealing-page-${SLUG}.html`]);

    // The next night changes nothing: one request, one email.
    expect(await nightly()).toEqual([expect.objectContaining({ action: 'waiting', issue: issue.number })]);
    expect(await mailbox()).toHaveLength(1);

    // check keys (and status) say it: the key's age, the open request, no rotation proven yet.
    const checked = await json<{ results: Record<string, unknown>[] }>(['check', 'keys']);
    expect(checked.code).toBe(0);
    expect(checked.doc.results).toEqual([
      expect.objectContaining({
        customer: SLUG,
        keyId: oldKey.keyId,
        code: 'OK',
        ageDays: 340,
        dueOn,
        request: { issue: issue.number, openedOn: TODAY, sentTo: [CONTACT] },
        previousKeyRevoked: null,
      }),
    ]);
  }, 600_000);

  test('the customer seals a new key on the attached page; the block pasted in the issue is imported for review', async () => {
    // Jane makes the new key in the same team (its Issuer ID) for the same app.
    newKey = { ...(await appleKey(emulator, { state: 'unregistered' })), issuerId: oldKey.issuerId! };
    keys.push(newKey);
    emulator.register({
      keyId: newKey.keyId,
      issuerId: newKey.issuerId!,
      publicKey: newKey.publicKey,
      state: 'active',
      apps: [oldKey.appleId],
    });

    // Jane opens the page she received as an attachment (it works offline) in her browser.
    const attachment = (await mailbox())[0]!.mail.attachments[0]!;
    const page = join(mkdtempSync(join(tmpdir(), 'asc-keys-jane-')), attachment.filename!);
    writeFileSync(page, attachment.content);
    const browser = await startChromium();
    const reached: string[] = [];
    let block: string;
    try {
      const tab = await browser.context.newPage();
      const url = pathToFileURL(page).href;
      tab.on('request', (r) => void (r.url() !== url && reached.push(r.url())));
      await tab.goto(url);
      await dropFile(tab, `AuthKey_${newKey.keyId}.p8`, newKey.pem);
      await expect.poll(() => tab.locator('#key-id').textContent()).toBe(newKey.keyId);
      await tab.fill('#issuer-id', newKey.issuerId!);
      await tab.click('#seal');
      await expect.poll(() => sealedBlockOf(tab)).toMatch(/END ASC-KEYS SEALED KEY/);
      block = await sealedBlockOf(tab);
    } finally {
      await browser.close();
    }
    expect(reached).toEqual([]);

    // Her reply reaches the platform team, who paste the block into the request issue.
    const issue = requestIssue();
    const comment = `Jane's answer:\n\n${block}`;

    // The intake workflow runs on the comment event: Apple proves the key, it is staged as
    // AWSPENDING, and a pull request changes the record.
    const answered = await intake(issue, comment);
    expect(answered.code, JSON.stringify(answered.doc)).toBe(0);
    expect(answered.doc).toMatchObject({
      action: 'imported',
      code: 'OK',
      issue: issue.number,
      customer: SLUG,
      keyId: newKey.keyId,
      fingerprint: newKey.fingerprint,
      pullRequest: { number: expect.any(Number) },
    });
    pullRequest = (answered.doc.pullRequest as { number: number }).number;
    const pull = github.issues.find((i) => i.number === pullRequest)!;
    expect(pull.body).toContain(newKey.keyId);
    expect(pull.body).toContain(`#${issue.number}`);
    expect(issue.comments.at(-1)!.user).toBe('github-actions[bot]');
    expect(issue.comments.at(-1)!.body).toContain(`#${pullRequest}`);

    // Until the merge, the old key is the one in use; the nightly keeps waiting for the merge.
    expect(await stagesOf(`asc-keys/${SLUG}`)).toEqual({
      [versionOf(oldKey)]: ['AWSCURRENT'],
      [versionOf(newKey)]: ['AWSPENDING'],
    });
    expect(await nightly()).toEqual([expect.objectContaining({ action: 'waiting', issue: issue.number })]);
  }, 600_000);

  test('merge and deploy make the new key current; the nightly notes it and watches the old key', async () => {
    // The merge button; the default branch's checkout then has the changed record.
    github.mergePull(pullRequest);
    const base = pull();
    const deployed = await deployJob(base);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(await stagesOf(`asc-keys/${SLUG}`)).toEqual({
      [versionOf(newKey)]: ['AWSCURRENT'],
      [versionOf(oldKey)]: ['AWSPREVIOUS'],
    });
    const issue = requestIssue();
    expect(await nightly()).toEqual([
      {
        customer: SLUG,
        action: 'deployed',
        issue: issue.number,
        message: `deployed; the old key ${oldKey.keyId} still works`,
      },
    ]);
    expect(issue.state).toBe('open');
    expect(issue.comments.at(-1)!.body).toContain(`The new key ${newKey.keyId} is deployed`);
    // No email to the customer about it: the grace period to revoke has only begun.
    expect(await mailbox()).toHaveLength(1);
    // The request is still open: the old key is not proven revoked yet.
    expect(await requestFields()).toEqual({
      status: {
        ageDays: 0,
        request: expect.objectContaining({ issue: issue.number }),
        previousKeyRevoked: false,
      },
      keys: {
        ageDays: 0,
        request: expect.objectContaining({ issue: issue.number }),
        previousKeyRevoked: false,
      },
    });
  }, 600_000);

  test('the customer revokes the old key; the next nightly proves it with Apple and closes the request', async () => {
    emulator.register({
      keyId: oldKey.keyId,
      issuerId: oldKey.issuerId!,
      publicKey: oldKey.publicKey,
      state: 'revoked',
      apps: [oldKey.appleId],
    });
    const issue = requestIssue();
    expect(await nightly()).toEqual([
      {
        customer: SLUG,
        action: 'proven',
        issue: issue.number,
        message: `closed: the old key ${oldKey.keyId} is proven revoked on ${TODAY}`,
      },
    ]);
    expect(issue.state).toBe('closed');
    expect(issue.stateReason).toBe('completed');
    expect(issue.comments.at(-1)!.body).toBe(
      `Done: on ${TODAY} Apple rejected the old key ${oldKey.keyId} (401 to a token it signed): it is revoked. The key in use is ${newKey.keyId}.`,
    );
    expect(await requestFields()).toEqual({
      status: { ageDays: 0, request: null, previousKeyRevoked: true },
      keys: { ageDays: 0, request: null, previousKeyRevoked: true },
    });
    // Nothing more to do: the next night neither opens nor sends anything.
    expect(await nightly()).toEqual([expect.objectContaining({ action: 'waiting', issue: null })]);
    expect(github.issues.filter((i) => i.labels.includes(REQUEST_LABEL))).toHaveLength(1);
    expect(await mailbox()).toHaveLength(1);
  }, 600_000);

  test('no key material in any output, issue, comment or email', async () => {
    const needles = keys.flatMap(keyNeedles);
    const texts = [
      ...outputs,
      ...github.issues.flatMap((i) => [i.title, i.body, ...i.comments.map((c) => c.body)]),
      ...github.requests.map((r) => JSON.stringify(r.body ?? '')),
      ...(await mailbox()).map((m) => m.mail.text ?? ''),
    ];
    for (const t of texts) for (const n of needles) expect(t.includes(n)).toBe(false);
  });
});
