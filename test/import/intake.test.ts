import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { systemClock } from '../../lib/apple/clock.js';
import { DEFAULT_RETRY } from '../../lib/apple/retry-policy.js';
import { githubClient } from '../../lib/github/github-client.js';
import { intakeBranch, runIntake, type IntakeDeps, type IntakeOutcome } from '../../lib/import/intake.js';
import { keyVersionId } from '../../lib/model/key-version.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { loadProject } from '../../lib/records/load-project.js';
import { REQUEST_LABEL, requestIssueBody, type RequestMeta } from '../../lib/requests/request-issue.js';
import { checkKeyFile, sealKey, type SealingPublicJwk } from '../../lib/sealing/browser-core.js';
import { SealingKeySecret } from '../../lib/sealing/sealing-key-secret.js';
import {
  generateSealingKey,
  sealingPublicJwk,
  withNewKey,
  type SealingKeyRing,
} from '../../lib/sealing/sealing-keyring.js';
import {
  applyCustomer,
  applyPlatform,
  motoClients,
  type MotoClients,
} from '../support/apply-desired-state.js';
import { AscEmulator, type KeyState } from '../support/asc-emulator.js';
import { runCli } from '../support/cli.js';
import { exampleProject } from '../support/example-project.js';
import {
  commentEvent as githubCommentEvent,
  issuePayload,
  startGithubFake,
  type FakeIssue,
  type GithubFake,
} from '../support/github-fake.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import type { TempProject } from '../support/project.js';
import { generateTestKey } from '../support/keys.js';
import { appleKey, versionsOf, type AppleKey } from './import-harness.js';
import { keyNeedles } from './plaintext-watch.js';

const ACME_APP = '1234567890';
const TRIAGER = 'platform-dev';
let moto: MotoServer;
let clients: MotoClients;
let github: GithubFake;
const emulator = new AscEmulator();
let project: TempProject;
let ring: SealingKeyRing;
let recipient: SealingPublicJwk;
const keys: AppleKey[] = [];
const blocks: string[] = [];
const logs: string[] = [];
const outputs: string[] = [];
/** Every request body sent to GitHub, over all tests. */
const sent: string[] = [];

/** A key App Store Connect knows, for the app given, in the state given. */
async function newKey(appleId = ACME_APP, state: KeyState = 'active'): Promise<AppleKey> {
  const key = { ...(await appleKey(emulator, { state: 'unregistered' })), appleId };
  emulator.register({
    keyId: key.keyId,
    issuerId: key.issuerId!,
    publicKey: key.publicKey,
    state,
    apps: [appleId],
  });
  keys.push(key);
  return key;
}

/** Sealed with the page's own code, as the customer's page does it. */
async function sealed(key: AppleKey, customer: string | undefined, to = recipient): Promise<string> {
  const checked = await checkKeyFile(`AuthKey_${key.keyId}.p8`, new Uint8Array(Buffer.from(key.pem)));
  if (!checked.ok) throw new Error(checked.message);
  const block = await sealKey(to, checked, {
    ...(key.issuerId && { issuerId: key.issuerId }),
    ...(customer && { customer }),
  });
  blocks.push(block);
  return block;
}

function requestIssue(meta: RequestMeta): FakeIssue {
  return github.addIssue({
    title: `Key request: ${meta.customer} (${meta.reason}, due ${meta.dueOn})`,
    body: requestIssueBody({
      meta,
      message: { subject: 'A new App Store Connect API key', text: 'Hello,\nplease seal a key.' },
      contacts: [],
      emailConfigured: false,
    }),
    labels: [REQUEST_LABEL],
    user: 'github-actions[bot]',
  });
}

const acmeRequest = () =>
  requestIssue({
    customer: 'acme-corp',
    reason: 'rotation',
    dueOn: '2027-06-01',
    appleId: ACME_APP,
    keyId: '2X9R4HXF34',
  });

/** The `issue_comment` event GitHub delivers when `user` comments `body` on `issue`. */
const commentEvent = (issue: FakeIssue, body: string, user = TRIAGER) =>
  githubCommentEvent(github, issue, body, user);

function deps(): IntakeDeps {
  return {
    github: githubClient({
      token: github.token,
      baseUrl: github.url,
      secondMs: 1,
      pacing: { writeMs: 0, notifyMs: 0 },
    }),
    repo: { owner: github.owner, repo: github.repo },
    secretsManager: clients.secretsManager,
    customersDir: project.customers,
    configFile: project.config,
    repositoryRoot: project.dir,
    ascBaseUrl: emulator.url,
    clock: systemClock,
    retry: { ...DEFAULT_RETRY, budgetMs: 1000 },
    log: (line) => logs.push(line),
  };
}

async function intake(event: unknown): Promise<IntakeOutcome> {
  const outcome = await runIntake(event, deps());
  outputs.push(JSON.stringify(outcome));
  return outcome;
}

const pulls = () => github.issues.filter((i) => i.pull);
const commentsOn = (issue: FakeIssue) => issue.comments.filter((c) => c.user === 'github-actions[bot]');
const writes = () => github.requests.filter((r) => r.method !== 'GET');
const pendingOf = async (slug: string) =>
  (await versionsOf(clients.secretsManager, `asc-keys/${slug}`))?.filter((v) =>
    v.stages.includes('AWSPENDING'),
  ) ?? [];

async function expectNothingStored(issue: FakeIssue): Promise<void> {
  expect(await pendingOf('acme-corp')).toEqual([]);
  expect(pulls()).toEqual([]);
  expect([...github.refs.keys()]).toEqual(['main']);
  expect(writes().filter((r) => r.method === 'PUT' || r.path.endsWith('/pulls'))).toEqual([]);
  expect(commentsOn(issue)).toHaveLength(1);
}

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto({ accountId: '111122223333' }), startGithubFake()]);
  clients = motoClients(moto);
  await emulator.start();
});
afterAll(async () => {
  await emulator.stop();
  await Promise.all([moto.stop(), github.stop()]);
});

beforeEach(async () => {
  sent.push(...github.requests.map((r) => JSON.stringify(r.body ?? '')));
  github.reset();
  github.users.set(TRIAGER, 'triage');
  github.users.set('reader', 'read');
  await moto.reset();
  project = exampleProject();
  const platform = loadProject({ customersDir: project.customers, configFile: project.config }).platform!;
  const desired = platformDesiredState(platform);
  await applyPlatform(clients, desired);
  // The platform makes the sealing secret; an administrator makes its first key.
  ring = { keys: [await generateSealingKey(new Date())] };
  await new SealingKeySecret(clients.secretsManager, 'asc-keys').write(ring);
  recipient = sealingPublicJwk(ring.keys[0]!);
  // acme-corp's current key, deployed; and the records on the default branch as in the checkout.
  const acme = loadProject({ customersDir: project.customers, configFile: project.config }).records.find(
    (r) => r.customer === 'acme-corp',
  )!;
  const old = await generateTestKey();
  await applyCustomer(
    clients,
    customerDesiredState(acme, platform, new Date()),
    JSON.stringify({ key_id: acme.keyId, issuer_id: acme.issuerId, key: old.pem, in_house: false }),
  );
  for (const slug of ['acme-corp', 'globex', 'jdoe-studio'])
    github.commitFile(
      'main',
      `customers/${slug}.yaml`,
      readFileSync(join(project.customers, `${slug}.yaml`), 'utf8'),
    );
  github.requests.length = 0;
});

describe('intake of a sealed block posted on a key request', () => {
  test('happy path: imported, staged as AWSPENDING, the record changed on a new branch, a pull request, a comment', async () => {
    const issue = acmeRequest();
    const key = await newKey();
    const before = readFileSync(join(project.customers, 'acme-corp.yaml'), 'utf8');
    const outcome = await intake(
      commentEvent(issue, `Here is the key from ACME:\n\n${await sealed(key, 'acme-corp')}\nThanks!`),
    );
    expect(outcome).toMatchObject({
      action: 'imported',
      code: 'OK',
      customer: 'acme-corp',
      keyId: key.keyId,
      fingerprint: key.fingerprint,
      exitCode: 0,
    });

    // Stored staged: the new key pending under the ID the record names, the old one still current.
    const version = keyVersionId('asc-keys/acme-corp', key.keyId, key.fingerprint);
    const versions = await versionsOf(clients.secretsManager, 'asc-keys/acme-corp');
    expect(versions!.find((v) => v.id === version)?.stages).toEqual(['AWSPENDING']);
    expect(versions!.filter((v) => v.stages.includes('AWSCURRENT'))).toHaveLength(1);

    // The record: changed on the branch only; the checkout and the default branch as they were.
    const branch = intakeBranch('acme-corp', key.keyId);
    const changed = github.fileOn(branch, 'customers/acme-corp.yaml')!;
    expect(changed).toContain(`keyId: ${key.keyId}`);
    expect(changed).toContain(`fingerprint: ${key.fingerprint}`);
    expect(changed).toContain('appleId: "1234567890"');
    expect(github.fileOn('main', 'customers/acme-corp.yaml')).toBe(before);
    expect(readFileSync(join(project.customers, 'acme-corp.yaml'), 'utf8')).toBe(before);

    // The pull request: the key, its fingerprint, Apple's answer, the request, and no closing keyword.
    const [pull] = pulls();
    expect(pulls()).toHaveLength(1);
    expect(pull!.pull).toEqual({ head: branch, base: 'main', merged: false });
    expect(outcome.pullRequest).toEqual({
      number: pull!.number,
      url: expect.stringContaining(`/pull/${pull!.number}`),
    });
    expect(pull!.title).toBe(`Rotate acme-corp: key ${key.keyId} (request #${issue.number})`);
    expect(pull!.body).toContain(`| Key ID | ${key.keyId} |`);
    expect(pull!.body).toContain(`| Fingerprint | \`${key.fingerprint}\` |`);
    expect(pull!.body).toContain("| Apple's answer | 200 OK");
    expect(pull!.body).toContain(`key request #${issue.number}`);
    expect(pull!.body).toContain(`| Replaces | key 2X9R4HXF34 |`);
    expect(pull!.body).not.toMatch(/\b(close[sd]?|fix(e[sd])?|resolve[sd]?)\b:?\s+#\d+/i);
    expect(issue.state).toBe('open');

    // The answer on the request.
    const [answer] = commentsOn(issue);
    expect(commentsOn(issue)).toHaveLength(1);
    expect(answer!.body).toContain(`**Imported** key ${key.keyId} for acme-corp`);
    expect(answer!.body).toContain(`Pull request #${pull!.number}`);
    expect(answer!.body).toContain('the old key 2X9R4HXF34');
    // The one commit on the branch, made through the contents API on top of the default branch.
    const puts = github.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => decodeURIComponent(r.path))).toEqual([
      `/repos/acme/asc-keys/contents/customers/acme-corp.yaml`,
    ]);
  });

  test('onboarding: a new customer, the record created on the branch with the name and contacts the request carries', async () => {
    const issue = requestIssue({
      customer: 'initech',
      reason: 'onboarding',
      dueOn: '2027-01-15',
      appleId: '5550001111',
      displayName: 'Initech',
      contacts: [{ name: 'Bill Lumbergh', email: 'bill@initech.example' }],
    });
    const key = await newKey('5550001111');
    const outcome = await intake(commentEvent(issue, await sealed(key, 'initech')));
    expect(outcome).toMatchObject({ action: 'imported', customer: 'initech' });
    // A new secret: its one version is the pending one (moto labels a first version current as well).
    const versions = await versionsOf(clients.secretsManager, 'asc-keys/initech');
    expect(versions!.map((v) => v.id)).toEqual([
      keyVersionId('asc-keys/initech', key.keyId, key.fingerprint),
    ]);
    expect(versions![0]!.stages).toContain('AWSPENDING');
    const record = github.fileOn(intakeBranch('initech', key.keyId), 'customers/initech.yaml')!;
    expect(record).toContain('customer: initech');
    expect(record).toContain('displayName: Initech');
    expect(record).toContain('email: bill@initech.example');
    expect(existsSync(join(project.customers, 'initech.yaml'))).toBe(false);
    expect(pulls()[0]!.title).toBe(`Onboard initech: key ${key.keyId} (request #${issue.number})`);
  });

  describe('refused with a comment, nothing stored', () => {
    test('an author without triage rights: no AWS, no Apple', async () => {
      const issue = acmeRequest();
      const key = await newKey();
      const asked = emulator.requests;
      const outcome = await intake(commentEvent(issue, await sealed(key, 'acme-corp'), 'reader'));
      expect(outcome).toMatchObject({ action: 'refused', code: 'NOT_PERMITTED', exitCode: 1 });
      expect(commentsOn(issue)[0]!.body).toContain(
        '@reader has no triage rights on this repository (role: read)',
      );
      expect(
        github.requests.some((r) => r.path === '/repos/acme/asc-keys/collaborators/reader/permission'),
      ).toBe(true);
      expect(emulator.requests).toBe(asked);
      await expectNothingStored(issue);
      // Someone GitHub does not know as a collaborator at all: the same answer.
      github.requests.length = 0;
      const stranger = await intake(commentEvent(issue, await sealed(key, 'acme-corp'), 'drive-by'));
      expect(stranger).toMatchObject({ code: 'NOT_PERMITTED' });
      expect(commentsOn(issue)[1]!.body).toContain('(role: none)');
    });

    test('a block for another customer: names that customer and the next step', async () => {
      const issue = acmeRequest();
      const key = await newKey();
      const outcome = await intake(commentEvent(issue, await sealed(key, 'globex')));
      expect(outcome).toMatchObject({ action: 'refused', code: 'SEALED_OTHER_CUSTOMER', exitCode: 1 });
      const [answer] = commentsOn(issue);
      expect(answer!.body).toContain(
        'sealed with the page of customer **globex**, but this request is for **acme-corp**',
      );
      expect(answer!.body).toContain('Nothing was stored');
      await expectNothingStored(issue);
    });

    test('a request whose marker names no customer slug (a path): no request, nothing read or written', async () => {
      const issue = requestIssue({ customer: '../../../tmp/x', reason: 'rotation', dueOn: '2027-06-01' });
      const outcome = await intake(commentEvent(issue, await sealed(await newKey(), 'acme-corp')));
      expect(outcome).toMatchObject({ action: 'refused', code: 'REQUEST_UNKNOWN', exitCode: 1 });
      expect(commentsOn(issue)[0]!.body).toContain('it was not opened by `asc-keys request`');
      await expectNothingStored(issue);
    });

    test('a block sealed with the general page, which names no customer', async () => {
      const issue = acmeRequest();
      const outcome = await intake(commentEvent(issue, await sealed(await newKey(), undefined)));
      expect(outcome).toMatchObject({ code: 'SEALED_NO_CUSTOMER' });
      await expectNothingStored(issue);
    });

    test('a tampered block: one character changed on the way', async () => {
      const issue = acmeRequest();
      const block = await sealed(await newKey(), 'acme-corp');
      const lines = block.split('\n');
      const i = Math.floor(lines.length / 2);
      lines[i] = lines[i]!.slice(0, 10) + (lines[i]![10] === 'A' ? 'B' : 'A') + lines[i]!.slice(11);
      const outcome = await intake(commentEvent(issue, lines.join('\n')));
      expect(outcome).toMatchObject({ action: 'refused', code: 'SEALED_TAMPERED', exitCode: 1 });
      expect(commentsOn(issue)[0]!.body).toContain('it was changed or damaged on the way');
      await expectNothingStored(issue);
    });

    test('a block cut short on the way (its END line lost): SEALED_TRUNCATED, paste the whole block', async () => {
      const issue = acmeRequest();
      const block = await sealed(await newKey(), 'acme-corp');
      const cut = block.slice(0, block.indexOf('-----END'));
      const outcome = await intake(commentEvent(issue, cut));
      expect(outcome).toMatchObject({ action: 'refused', code: 'SEALED_TRUNCATED', exitCode: 1 });
      expect(commentsOn(issue)[0]!.body).toMatch(
        /^\*\*Not imported\*\* \(SEALED_TRUNCATED\): .*\n\nThe block is cut short: its end is missing\. Nothing was stored .*Paste the whole block, from its BEGIN line to its END line/,
      );
      await expectNothingStored(issue);
    });

    test('a block sealed to a retired sealing key', async () => {
      const issue = acmeRequest();
      const block = await sealed(await newKey(), 'acme-corp');
      const later = new Date(Date.now() + 2 * 86_400_000);
      await new SealingKeySecret(clients.secretsManager, 'asc-keys').write(
        withNewKey(ring, await generateSealingKey(later), 0, later),
      );
      const outcome = await intake(commentEvent(issue, block));
      expect(outcome).toMatchObject({ action: 'refused', code: 'SEALED_RETIRED_KEY' });
      expect(commentsOn(issue)[0]!.body).toContain('whose key has been retired since');
      await expectNothingStored(issue);
    });

    test('a key Apple rejects (revoked)', async () => {
      const issue = acmeRequest();
      const key = await newKey(ACME_APP, 'revoked');
      const outcome = await intake(commentEvent(issue, await sealed(key, 'acme-corp')));
      expect(outcome).toMatchObject({ action: 'refused', code: 'KEY_REJECTED', exitCode: 1 });
      expect(commentsOn(issue)[0]!.body).toContain(`App Store Connect rejected key ${key.keyId} twice`);
      await expectNothingStored(issue);
    });
  });

  describe('each key once', () => {
    test('the same block twice in a comment, once quoted, and a second block of the same key: one import', async () => {
      const issue = acmeRequest();
      const key = await newKey();
      const block = await sealed(key, 'acme-corp');
      const again = await sealed(key, 'acme-corp');
      const quoted = block
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n');
      const outcome = await intake(commentEvent(issue, `${block}\n${quoted}\n\n${block}\n${again}`));
      expect(outcome).toMatchObject({ action: 'imported' });
      expect(pulls()).toHaveLength(1);
      expect(github.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
      expect(commentsOn(issue)).toHaveLength(1);
    });

    test('a block already imported, pasted again: no second import, no second pull request', async () => {
      const issue = acmeRequest();
      const key = await newKey();
      const block = await sealed(key, 'acme-corp');
      await intake(commentEvent(issue, block));
      const asked = emulator.requests;
      const writesBefore = writes().length;
      const second = await intake(commentEvent(issue, `again, sorry:\n${block}`));
      expect(second).toMatchObject({ action: 'duplicate', code: 'ALREADY_IMPORTED', exitCode: 0 });
      expect(second.pullRequest?.number).toBe(pulls()[0]!.number);
      expect(pulls()).toHaveLength(1);
      expect(emulator.requests).toBe(asked);
      // The one write after the first import is the comment that says so.
      expect(
        writes()
          .slice(writesBefore)
          .map((r) => `${r.method} ${r.path}`),
      ).toEqual([`POST /repos/acme/asc-keys/issues/${issue.number}/comments`]);
      expect(commentsOn(issue)[1]!.body).toContain(`pull request #${pulls()[0]!.number} is open for it`);
      // Merged: the same answer, naming the merge.
      github.mergePull(pulls()[0]!.number);
      const third = await intake(commentEvent(issue, block));
      expect(third).toMatchObject({ action: 'duplicate' });
      expect(commentsOn(issue)[2]!.body).toContain('is merged');
      expect(pulls()).toHaveLength(1);
    });

    test('blocks of two different keys in one comment: refused, the customer is asked which', async () => {
      const issue = acmeRequest();
      const outcome = await intake(
        commentEvent(
          issue,
          `${await sealed(await newKey(), 'acme-corp')}\n${await sealed(await newKey(), 'acme-corp')}`,
        ),
      );
      expect(outcome).toMatchObject({ code: 'SEALED_SEVERAL_KEYS' });
      await expectNothingStored(issue);
    });
  });

  test('the pull request cannot be opened: the comment says the key is stored; the run again opens it, writing nothing twice', async () => {
    const issue = acmeRequest();
    const key = await newKey();
    const event = commentEvent(issue, await sealed(key, 'acme-corp'));
    github.failNext(
      { method: 'POST', path: /\/pulls$/ },
      { status: 403, body: { message: 'Resource not accessible by integration', status: '403' } },
    );
    const failed = await intake(event);
    expect(failed).toMatchObject({ action: 'refused', code: 'PULL_REQUEST_FAILED', exitCode: 2 });
    expect(commentsOn(issue)[0]!.body).toContain('**Imported, but no pull request**');
    expect(commentsOn(issue)[0]!.body).toContain(`asc-keys import --discard --customer acme-corp`);
    expect(await pendingOf('acme-corp')).toHaveLength(1);
    expect(pulls()).toEqual([]);
    // "Re-run jobs": the same event again.
    const again = await intake(event);
    expect(again).toMatchObject({ action: 'imported', code: 'OK' });
    expect(pulls()).toHaveLength(1);
    expect(await pendingOf('acme-corp')).toHaveLength(1);
    expect(github.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
    expect(github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/git/refs'))).toHaveLength(
      1,
    );
  });

  test('events that are not intake’s: another label, a closed request, a pull request, no block, an edit of the title only', async () => {
    const issue = acmeRequest();
    const block = await sealed(await newKey(), 'acme-corp');
    const event = commentEvent(issue, block) as { issue: Record<string, unknown> };
    const cases: [unknown, RegExp][] = [
      [{ ...event, issue: { ...event.issue, labels: [{ name: 'bug' }] } }, /not labelled asc-keys:request/],
      [{ ...event, issue: { ...event.issue, state: 'closed' } }, /is closed/],
      [{ ...event, issue: { ...event.issue, pull_request: { url: 'x' } } }, /is a pull request/],
      [{ ...event, action: 'deleted' }, /action "deleted"/],
      [commentEvent(issue, 'Thanks, we will send it tomorrow.'), /no sealed block in comment/],
      [
        {
          action: 'edited',
          issue: { ...event.issue, body: `${issue.body}\n${block}` },
          changes: { title: { from: 'x' } },
          sender: { login: TRIAGER },
        },
        /left its description as it was/,
      ],
    ];
    for (const [e, why] of cases) {
      const outcome = await intake(e);
      expect(outcome).toMatchObject({ action: 'ignored', exitCode: 0 });
      expect(outcome.message).toMatch(why);
    }
    expect(github.requests).toEqual([]);
  });

  test('a block pasted in the description when a triager edits it: imported', async () => {
    const issue = acmeRequest();
    const key = await newKey();
    issue.body = `${issue.body}\n\n${await sealed(key, 'acme-corp')}`;
    const outcome = await intake({
      action: 'edited',
      issue: issuePayload(issue),
      changes: { body: { from: 'the request as it was' } },
      sender: { login: TRIAGER },
    });
    expect(outcome).toMatchObject({ action: 'imported' });
    expect(commentsOn(issue)[0]!.body).toContain(
      "from the sealed block in the issue's description by @platform-dev",
    );
  });
});

describe('through the built CLI, as the workflow runs it', () => {
  test('an event file that is missing, not JSON, or another event: exit 2, saying what to give', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asc-keys-event-'));
    writeFileSync(join(dir, 'broken.json'), '{"action": "created", ');
    writeFileSync(join(dir, 'push.json'), JSON.stringify({ ref: 'refs/heads/main', commits: [] }));
    const expected: [string, RegExp][] = [
      [
        'missing.json',
        /cannot read the event file .*missing\.json \(ENOENT\); intake reads the event file of an "issues" or "issue_comment" workflow run: give --event "\$GITHUB_EVENT_PATH"/,
      ],
      ['broken.json', /the event file .*broken\.json is not JSON/],
      ['push.json', /the event is not an "issues" or "issue_comment" event of GitHub \(action: /],
    ];
    for (const [file, message] of expected) {
      const r = await runCli(['intake', '--event', join(dir, file)], {
        cwd: project.dir,
        env: { GITHUB_TOKEN: '' },
      });
      outputs.push(r.stdout, r.stderr);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  test('a comment full of shell and workflow syntax around the block changes nothing but the import', async () => {
    const issue = acmeRequest();
    const key = await newKey();
    const dir = mkdtempSync(join(tmpdir(), 'asc-keys-hostile-'));
    const marks = ['dollar', 'backtick', 'semicolon'].map((m) => join(dir, m));
    const hostile = [
      `$(touch ${marks[0]})`,
      `\`touch ${marks[1]}\``,
      '${{ github.token }} ${{ secrets.AWS_SECRET_ACCESS_KEY }}',
      `"; touch ${marks[2]}; rm -rf ${dir} #`,
      "'; rm -rf / --no-preserve-root; echo '",
      '::set-output name=stacks::all',
      '::add-mask::x',
      '<!-- asc-keys:request {"customer":"globex","reason":"rotation","dueOn":"2027-01-01"} -->',
    ].join('\n');
    const event = commentEvent(issue, `${hostile}\n${await sealed(key, 'acme-corp')}\n${hostile}`);
    const eventFile = join(dir, 'event.json');
    writeFileSync(eventFile, JSON.stringify(event));
    const r = await runCli(['intake', '--event', eventFile, '--format', 'json'], {
      cwd: project.dir,
      env: {
        ...moto.env,
        AWS_EC2_METADATA_DISABLED: 'true',
        ASC_API_BASE_URL: emulator.url,
        GITHUB_TOKEN: github.token,
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
      },
    });
    outputs.push(r.stdout, r.stderr);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      action: 'imported',
      customer: 'acme-corp',
      keyId: key.keyId,
    });
    for (const m of marks) expect(existsSync(m)).toBe(false);
    expect(existsSync(eventFile)).toBe(true);
    // Nothing of the comment reached GitHub, the log or the output: only intake's own words.
    const said = [...github.requests.map((q) => JSON.stringify(q.body ?? '')), r.stdout, r.stderr].join('\n');
    for (const piece of ['touch', 'rm -rf', '${{', 'set-output', 'add-mask', 'globex'])
      expect(said).not.toContain(piece);
    expect(github.fileOn(intakeBranch('acme-corp', key.keyId), 'customers/acme-corp.yaml')).toContain(
      key.keyId,
    );
  });
});

afterAll(() => {
  // No key, and no part of a sealed block, in anything sent to GitHub, logged or returned.
  const needles = [
    ...keys.flatMap(keyNeedles),
    ...blocks.flatMap((b) => b.split('\n').filter((l) => l.length >= 40)),
  ];
  sent.push(...github.requests.map((r) => JSON.stringify(r.body ?? '')));
  const said = [...sent, ...logs, ...outputs];
  // The search has something to find in: keys were made and GitHub was sent requests.
  if (keys.length) {
    expect(needles.length).toBeGreaterThan(keys.length * 10);
    expect(sent.length).toBeGreaterThan(0);
  }
  for (const text of said) expect(needles.filter((n) => text.includes(n))).toEqual([]);
});
