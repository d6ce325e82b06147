import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { keyVersionId } from '../../lib/model/key-version.js';
import { AscEmulator } from '../support/asc-emulator.js';
import { CLI_BIN, runCli, type CliResult } from '../support/cli.js';
import { tempProject, type TempProject } from '../support/project.js';
import type { MotoServer } from '../support/moto.js';
import type { TerraformEnv } from '../support/terraform.js';
import { deployJob as runDeployJob, recordsRepo, versionStages } from '../support/deploy-job.js';
import { terraformFixture, type TerraformFixture } from '../support/terraform-fixture.js';
import { appleKey, idArgs, inbox, writeP8, type AppleKey } from '../import/import-harness.js';
import { keyNeedles } from '../import/plaintext-watch.js';

/**
 * The merge is the moment a key takes effect, end to end: the built CLI on branches of a git
 * repository, the deploy job's own command with the real terraform, moto for AWS and the App
 * Store Connect emulator for Apple. Onboarding and rotation each run import (branch), the
 * default branch's nightly checks, merge and deploy; then an import past its grace period and
 * its discard.
 */
let fixture: TerraformFixture;
let moto: MotoServer;
let tf: TerraformEnv;
let project: TempProject;
const emulator = new AscEmulator();
const files = inbox();
const keys: AppleKey[] = [];
const outputs: string[] = [];
let clockShift: string;

const { git, commit, merge } = recordsRepo(() => project.dir);

/**
 * The built CLI; `daysLater` runs it with the process's clock that many days ahead (a module
 * preloaded with --import moves Date), as the nightly would see the same AWS a week on.
 */
async function cli(args: readonly string[], daysLater = 0): Promise<CliResult> {
  const r = await runCli(
    args,
    {
      cwd: project.dir,
      env: {
        ...moto.env,
        ...tf.env,
        ASC_API_BASE_URL: emulator.url,
        AWS_EC2_METADATA_DISABLED: 'true',
        ASC_KEYS_TEST_CLOCK_SHIFT_MS: String(daysLater * 86_400_000),
      },
    },
    [process.execPath, '--import', pathToFileURL(clockShift).href, CLI_BIN],
  );
  outputs.push(r.stdout, r.stderr);
  return r;
}

const json = async (
  args: readonly string[],
  daysLater = 0,
): Promise<{ code: number; doc: Record<string, unknown> }> => {
  const r = await cli([...args, '--format', 'json'], daysLater);
  expect(r.stderr.replace(/^asc-keys: warning: .*\n/gm, '')).toBe('');
  return { code: r.code, doc: JSON.parse(r.stdout) };
};

/** deploy.yml's steps: affected, synth of those stacks, then the deploy command. */
const deployJob = (base: string) => runDeployJob(base, { dir: project.dir, moto, tf, cli, outputs });

const secrets = (): SecretsManagerClient =>
  new SecretsManagerClient({
    endpoint: moto.url,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
const stagesOf = (name: string) => versionStages(secrets(), name);
const versionOf = (slug: string, key: AppleKey): string =>
  keyVersionId(`asc-keys/${slug}`, key.keyId, key.fingerprint);

async function newKey(appleId?: string): Promise<AppleKey> {
  const key = await appleKey(emulator);
  if (appleId)
    emulator.register({
      keyId: key.keyId,
      issuerId: key.issuerId!,
      publicKey: key.publicKey,
      state: 'active',
      apps: [appleId],
    });
  keys.push(key);
  return appleId ? { ...key, appleId } : key;
}

/** `asc-keys import` on a new branch, committed there; back on main afterwards. */
async function importOnBranch(branch: string, slug: string, key: AppleKey): Promise<Record<string, unknown>> {
  git('checkout', '--quiet', '-b', branch, 'main');
  const p8 = writeP8(files, `AuthKey_${key.keyId}.p8`, key.pem);
  const r = await json(['import', ...idArgs(slug, key), '--p8', p8]);
  expect(r.code, JSON.stringify(r.doc)).toBe(0);
  commit(`import ${slug} ${key.keyId}`);
  git('checkout', '--quiet', 'main');
  return r.doc;
}

beforeAll(async () => {
  clockShift = join(mkdtempSync(join(tmpdir(), 'asc-keys-clock-')), 'shift-clock.mjs');
  writeFileSync(
    clockShift,
    `const shift = Number(process.env.ASC_KEYS_TEST_CLOCK_SHIFT_MS || 0);
const Real = Date;
globalThis.Date = class extends Real {
  constructor(...args) { super(...(args.length ? args : [Real.now() + shift])); }
  static now() { return Real.now() + shift; }
};
`,
  );
  // The administrators applied the custody stack by hand and the deploy the platform: the
  // shared Terraform fixture's, applied once for the run (the example platform of cdktf.json).
  fixture = await terraformFixture();
  ({ moto, tf } = fixture);
  await emulator.start();
  // An empty repository, then the platform configuration alone: its deploy applies the platform.
  project = tempProject({});
  git('init', '--quiet', '--initial-branch', 'main');
  const config = readFileSync(project.config, 'utf8');
  rmSync(project.config);
  writeFileSync(join(project.dir, 'README.md'), 'keys\n');
  commit('readme');
  writeFileSync(project.config, config);
  writeFileSync(join(project.customers, 'README.md'), 'records\n');
  commit('platform configuration');
}, 900_000);

afterAll(async () => {
  await emulator.stop();
  await fixture?.release();
});

describe('import, then merge, then deploy: with real Terraform against moto', () => {
  let first: AppleKey;
  let second: AppleKey;

  test('onboarding: staged on a branch (the default branch: awaiting merge, exit 0), current after merge and deploy', async () => {
    first = await newKey();
    const imported = await importOnBranch('onboard-initech', 'initech', first);
    expect(imported).toMatchObject({ action: 'created', code: 'OK' });
    expect(await stagesOf('asc-keys/initech')).toEqual({
      [versionOf('initech', first)]: ['AWSCURRENT', 'AWSPENDING'],
    });

    // The default branch's nightly: no record names the secret; it is awaiting merge, never unmanaged.
    const drift = await json(['check', 'drift']);
    expect(drift.code).toBe(0);
    expect(drift.doc.findings).toEqual([]);
    expect(drift.doc.pending).toEqual([
      {
        customer: 'initech',
        keyId: first.keyId,
        fingerprint: first.fingerprint,
        importedOn: new Date().toISOString().slice(0, 10),
        overdue: false,
      },
    ]);
    const text = await cli(['check', 'drift']);
    expect(text.stdout).toContain(`initech: awaiting merge: key ${first.keyId}`);
    expect(text.stdout).not.toMatch(/delete/i);
    // check keys on the default branch: no record yet, the staged key awaiting merge, exit 0.
    const keysBefore = await json(['check', 'keys']);
    expect(keysBefore.code).toBe(0);
    expect(keysBefore.doc.results).toEqual([]);
    expect(keysBefore.doc.pending).toEqual(drift.doc.pending);
    const keysText = await cli(['check', 'keys']);
    expect(keysText.stdout).toContain(`initech: awaiting merge: key ${first.keyId}`);
    // status asks AWS only with --aws, and then lists it too.
    const status = await json(['status', '--aws']);
    expect(status.code).toBe(0);
    expect(status.doc.pending).toEqual(drift.doc.pending);
    expect((await json(['status'])).doc.pending).toBeNull();
    // The pull request's own checks: the stack's secret is there to adopt.
    git('checkout', '--quiet', 'onboard-initech');
    const affected = await json(['affected', '--base', 'main', '--aws']);
    expect(affected).toMatchObject({ code: 0, doc: { stacks: ['customer-initech'], findings: [] } });
    git('checkout', '--quiet', 'main');

    const base = merge('onboard-initech');
    const deployed = await deployJob(base);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.summary).toContain('- `customer-initech`: applied');
    expect(deployed.stderr).toContain(
      `initech: key ${first.keyId} of initech is now current (version ${versionOf('initech', first)})`,
    );
    expect(await stagesOf('asc-keys/initech')).toEqual({ [versionOf('initech', first)]: ['AWSCURRENT'] });

    const keysAfter = await json(['check', 'keys']);
    expect(keysAfter.code).toBe(0);
    expect(keysAfter.doc.results).toMatchObject([{ customer: 'initech', code: 'OK' }]);
    expect(keysAfter.doc.pending).toEqual([]);
    const driftAfter = await json(['check', 'drift']);
    expect(driftAfter.code).toBe(0);
    expect(driftAfter.doc).toMatchObject({ findings: [], pending: [] });
  }, 900_000);

  test('rotation: the default branch checks the old key (OK) until the merge; the deploy makes the new key current, the old AWSPREVIOUS', async () => {
    second = await newKey(first.appleId);
    const imported = await importOnBranch('rotate-initech', 'initech', second);
    expect(imported).toMatchObject({ action: 'rotated', code: 'OK' });

    const keys = await json(['check', 'keys']);
    expect(keys.code).toBe(0);
    expect(keys.doc.results).toMatchObject([{ customer: 'initech', keyId: first.keyId, code: 'OK' }]);
    expect(keys.doc.pending).toMatchObject([{ customer: 'initech', keyId: second.keyId, overdue: false }]);
    const drift = await json(['check', 'drift']);
    expect(drift.code).toBe(0);
    expect(drift.doc.findings).toEqual([]);

    const base = merge('rotate-initech');
    const deployed = await deployJob(base);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stderr).toContain(
      `key ${second.keyId} of initech is now current (version ${versionOf('initech', second)}); the key before it stays readable as AWSPREVIOUS (version ${versionOf('initech', first)})`,
    );
    expect(await stagesOf('asc-keys/initech')).toEqual({
      [versionOf('initech', second)]: ['AWSCURRENT'],
      [versionOf('initech', first)]: ['AWSPREVIOUS'],
    });
    // moto keeps answering an unstaged read with the version a secret's last put made current
    // (it does not follow a moved AWSCURRENT), so the new key is read by its label here.
    const current = await secrets().send(
      new GetSecretValueCommand({ SecretId: 'asc-keys/initech', VersionStage: 'AWSCURRENT' }),
    );
    expect(JSON.parse(current.SecretString!).key_id).toBe(second.keyId);
    // check keys and check drift read the value without a label, for which moto still answers
    // with the rotated-out key: after a rotation they can be run against AWS only, not here.
    // What they read is AWSCURRENT, proven by its label above; nothing is pending any more.
    expect((await json(['check', 'keys'])).doc.pending).toEqual([]);
  }, 900_000);

  test('an import never merged: awaiting merge within the grace period, a pending finding after it; --discard removes it', async () => {
    const third = await newKey(first.appleId);
    await importOnBranch('abandoned', 'initech', third);

    // Within the grace period: awaiting merge, never a pending finding.
    const within = await json(['check', 'drift']);
    expect(within.doc.pending).toMatchObject([{ customer: 'initech', keyId: third.keyId, overdue: false }]);
    expect((within.doc.findings as { kind: string }[]).filter((f) => f.kind === 'pending')).toEqual([]);
    // Eight days later (the platform's default grace period is 7): a finding, exit 1.
    const later = await json(['check', 'drift'], 8);
    expect(later.code).toBe(1);
    expect(later.doc.pending).toMatchObject([{ customer: 'initech', keyId: third.keyId, overdue: true }]);
    expect((later.doc.findings as { kind: string }[]).filter((f) => f.kind === 'pending')).toEqual([
      expect.objectContaining({
        customer: 'initech',
        kind: 'pending',
        actual: versionOf('initech', third),
        message: expect.stringMatching(
          /^initech: an import was never merged \(.*more than 7 days ago\): merge its pull request, or discard it with "asc-keys import --discard --customer initech"$/,
        ),
      }),
    ]);
    expect((await json(['status', '--aws'], 8)).doc.pending).toMatchObject([
      { customer: 'initech', keyId: third.keyId, overdue: true },
    ]);

    const discarded = await json(['import', '--discard', '--customer', 'initech']);
    expect(discarded.code).toBe(0);
    expect(discarded.doc).toMatchObject({
      action: 'discarded',
      version: versionOf('initech', third),
      secretDeleted: false,
    });
    // The merged key is untouched.
    expect(await stagesOf('asc-keys/initech')).toEqual({
      [versionOf('initech', second)]: ['AWSCURRENT'],
      [versionOf('initech', first)]: ['AWSPREVIOUS'],
    });
    const after = await json(['check', 'drift']);
    expect(after.doc.pending).toEqual([]);
    expect((after.doc.findings as { kind: string }[]).filter((f) => f.kind === 'pending')).toEqual([]);
    const again = await json(['import', '--discard', '--customer', 'initech']);
    expect(again).toMatchObject({ code: 0, doc: { action: 'unchanged', code: 'NOTHING_PENDING' } });
  }, 900_000);

  test('an onboarding never merged: --discard schedules the secret, which held nothing else, for deletion with a recovery window', async () => {
    const key = await newKey();
    await importOnBranch('onboard-hooli', 'hooli', key);
    const discarded = await json(['import', '--discard', '--customer', 'hooli']);
    expect(discarded.code).toBe(0);
    expect(discarded.doc).toMatchObject({ action: 'discarded', secretDeleted: true });
    expect(discarded.doc.message).toContain('aws secretsmanager restore-secret --secret-id asc-keys/hooli');
    const d = await secrets().send(new DescribeSecretCommand({ SecretId: 'asc-keys/hooli' }));
    expect(d.DeletedDate).toBeInstanceOf(Date);
  }, 120_000);

  test('a pull request merged after its import was discarded: the restore (or a new import) is named before Terraform runs, and nothing says to apply the stack', async () => {
    const restore =
      /restore-secret --secret-id asc-keys\/hooli" by \d{4}-\d{2}-\d{2}, when its recovery window ends/;
    // The pull request's checks, on its branch.
    git('checkout', '--quiet', 'onboard-hooli');
    const synth = await cli(['synth', '--aws', '--stack', 'customer-hooli']);
    expect(synth.code).toBe(1);
    expect(synth.stdout).toMatch(
      /error SECRET_DELETED the secret asc-keys\/hooli of hooli is scheduled for deletion/,
    );
    expect(synth.stdout).toMatch(restore);
    const affected = await json(['affected', '--base', 'main', '--aws']);
    expect(affected.code).toBe(1);
    expect(affected.doc.findings).toMatchObject([{ file: 'customers/hooli.yaml', code: 'SECRET_DELETED' }]);
    git('checkout', '--quiet', 'main');
    const base = merge('onboard-hooli');

    // The nightly: the deletion is the finding, with the restore; no finding says to apply the stack.
    const drift = await json(['check', 'drift']);
    expect(drift.code).toBe(1);
    const hooli = (drift.doc.findings as { customer: string; message: string }[]).filter(
      (f) => f.customer === 'hooli',
    );
    expect(hooli.map((f) => f.message).join('\n')).toMatch(restore);
    for (const f of hooli) expect(f.message).not.toMatch(/apply the stack customer-hooli/);

    // The deploy fails hooli before Terraform runs (no init, no apply), naming the restore.
    const deployed = await deployJob(base);
    expect(deployed.code).toBe(1);
    expect(deployed.summary).toMatch(
      /- `customer-hooli`: failed: the secret asc-keys\/hooli of hooli is scheduled for deletion/,
    );
    expect(deployed.stderr).toContain('== customer-hooli: failed (init 0.0 s, apply 0.0 s)');
  }, 300_000);

  test('no key material in any output', () => {
    const needles = keys.flatMap(keyNeedles);
    for (const out of outputs) for (const n of needles) expect(out.includes(n)).toBe(false);
  });
});
