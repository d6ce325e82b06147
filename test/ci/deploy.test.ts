import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GetRoleCommand, IAMClient, ListOpenIDConnectProvidersCommand } from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { parse } from 'yaml';
import { keyVersionId } from '../../lib/model/key-version.js';
import { deploy } from '../../lib/ci/deploy.js';
import { deploySummary } from '../../lib/ci/deploy-summary.js';
import { runCli } from '../support/cli.js';
import { exampleProject } from '../support/example-project.js';
import { EXAMPLE_CONFIG, recordText, REPO } from '../support/project.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { initAndApply, prepareTerraform, writeOverride, type TerraformEnv } from '../support/terraform.js';

/**
 * The deploy workflow's jobs (deploy.yml), run as GitHub's matrix runs them, against moto with
 * the real terraform: the affected job (affected, matrix), the platform job, then one job per
 * shard (stacks, synth --stack, apply --shard), each in its own output directory as on its
 * own runner, sharing only the state, as the S3 backend shares it. The test adds only what CI
 * has and this machine has not: an override beside each stack pointing the provider at moto.
 * Two shards: acme-corp and initech fall in shard 1, globex and jdoe-studio in shard 2.
 */
const SHARDS = '2';
const ACCOUNT = EXAMPLE_CONFIG.context.platform.accountId as string;
let moto: MotoServer;
let tf: TerraformEnv;
let dir: string;
let customers: string;

const git = (...args: string[]): string =>
  execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const commit = (message: string): string => {
  git('add', '--all');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '--quiet', '-m', message);
  return git('rev-parse', 'HEAD');
};

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function deployCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [join(REPO, 'dist/lib/ci/deploy-cli.js'), ...args], {
      cwd: dir,
      env: { ...tf.env, ...moto.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The affected job: `affected` since the last successful deploy, then the matrix of jobs. */
async function affectedJob(base: string): Promise<{ stacks: string[]; platform: boolean; shards: number[] }> {
  const affected = await runCli(['affected', '--base', base, '--format', 'json'], { cwd: dir });
  expect(affected.code, affected.stderr).toBe(0);
  writeFileSync(join(dir, 'affected.json'), affected.stdout);
  const lint = await runCli(['lint'], { cwd: dir });
  expect(lint.code, lint.stdout).toBe(0);
  const matrix = await deployCli(['matrix', '--affected', 'affected.json', '--shards', SHARDS]);
  expect(matrix.code, matrix.stderr).toBe(0);
  const outputs = Object.fromEntries(
    matrix.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('=')),
  );
  return {
    stacks: (JSON.parse(affected.stdout) as { stacks: string[] }).stacks,
    platform: outputs.platform === 'true',
    shards: JSON.parse(outputs.shards) as number[],
  };
}

/** The synth step of a platform or shard job, in the job's own output directory. */
async function synthJob(part: readonly string[]): Promise<{ out: string; stacks: string[] }> {
  const out = mkdtempSync(join(tmpdir(), 'asc-keys-deploy-job-'));
  const listed = await deployCli(['stacks', '--affected', 'affected.json', ...part]);
  expect(listed.code, listed.stderr).toBe(0);
  const stacks = listed.stdout.trim().split(' ');
  const synth = await runCli(['synth', '--stack', stacks.join(' '), '--out', out], { cwd: dir });
  expect(synth.code, synth.stderr).toBe(0);
  for (const stack of readdirSync(join(out, 'stacks'))) writeOverride(tf, join(out, 'stacks', stack), stack);
  return { out, stacks };
}

/** A platform or shard job of deploy.yml after `affected`: synth its stacks, then apply them. */
async function job(part: readonly string[]): Promise<Run & { summary: string; stacks: string[] }> {
  const { out, stacks } = await synthJob(part);
  const summary = join(out, 'summary.md');
  const r = await deployCli(['apply', '--affected', 'affected.json', '--out', out, ...part], {
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_ACTIONS: 'true',
  });
  return { ...r, stacks, summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '' };
}

const shard = (i: number): string[] => ['--shard', `${i}/${SHARDS}`];

beforeAll(async () => {
  moto = await startMoto({ accountId: ACCOUNT });
  tf = await prepareTerraform(mkdtempSync(join(tmpdir(), 'asc-keys-deploy-tf-')), moto.url);
  ({ dir, customers } = exampleProject());
  // The platform with its GitHub roles, so that the OIDC provider and both roles go through Terraform too.
  const config = JSON.parse(readFileSync(join(dir, 'cdktf.json'), 'utf8'));
  config.context.platform.github = { repository: 'acme/asc-keys', oidcProvider: 'create' };
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify(config, null, 2));
  git('init', '--quiet');
});

afterAll(async () => {
  await moto?.stop();
});

const clientConfig = () => ({
  endpoint: moto.url,
  region: 'eu-central-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});
const iam = () => new IAMClient(clientConfig());
const secrets = () => new SecretsManagerClient(clientConfig());
/**
 * What asc-keys import stores before a record is merged: the secret, with the key as its pending
 * version under the ID the record names. The customer stack adopts the secret; the deploy makes
 * the version current.
 */
const storeKey = async (slug: string, recordFile: string): Promise<void> => {
  const { apiKey } = parse(readFileSync(recordFile, 'utf8')) as {
    apiKey: { keyId: string; fingerprint: string };
  };
  await secrets().send(
    new CreateSecretCommand({
      Name: `asc-keys/${slug}`,
      KmsKeyId: 'alias/asc-keys',
      Tags: [{ Key: 'managed-by', Value: 'asc-keys' }],
    }),
  );
  await secrets().send(
    new PutSecretValueCommand({
      SecretId: `asc-keys/${slug}`,
      SecretString: 'stored by import',
      ClientRequestToken: keyVersionId(`asc-keys/${slug}`, apiKey.keyId, apiKey.fingerprint),
      VersionStages: ['AWSPENDING'],
    }),
  );
};

describe('the sharded deploy workflow against moto with real Terraform', () => {
  test('platform job first; then one job per shard; a cancelled shard and a failed stack land on the re-run', async () => {
    // The repository before asc-keys: a README. Then the platform configuration; then the records.
    const hold = mkdtempSync(join(tmpdir(), 'asc-keys-deploy-hold-'));
    renameSync(customers, join(hold, 'customers'));
    renameSync(join(dir, 'cdktf.json'), join(hold, 'cdktf.json'));
    writeFileSync(join(dir, 'README.md'), 'fleet\n');
    const readme = commit('readme');
    renameSync(join(hold, 'cdktf.json'), join(dir, 'cdktf.json'));
    mkdirSync(customers);
    renameSync(join(hold, 'customers', 'README.md'), join(customers, 'README.md'));
    const platformOnly = commit('platform configuration');

    // 0. The administrators apply the custody stack by hand (keys, roles, the OIDC provider):
    // the deploy never does, even though the platform configuration touches it.
    const custody = mkdtempSync(join(tmpdir(), 'asc-keys-deploy-custody-'));
    const synthCustody = await runCli(['synth', '--stack', 'custody', '--out', custody], { cwd: dir });
    expect(synthCustody.code, synthCustody.stderr).toBe(0);
    await initAndApply(tf, join(custody, 'stacks', 'custody'), 'custody');
    for (const role of ['asc-keys-validator', 'asc-keys-planner', 'asc-keys-deployer'])
      expect((await iam().send(new GetRoleCommand({ RoleName: role }))).Role?.RoleName).toBe(role);
    const providers = await iam().send(new ListOpenIDConnectProvidersCommand({}));
    expect(providers.OpenIDConnectProviderList?.map((p) => p.Arn)).toEqual([
      `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
    ]);

    // 1. The platform changed: the platform job runs, and no shard (none has a stack).
    const one = await affectedJob(readme);
    expect(one).toEqual({ stacks: ['platform'], platform: true, shards: [] });
    const platform = await job(['--platform']);
    expect(platform.code, platform.stderr).toBe(0);
    expect(platform.summary).toBe(
      '## Deploy: platform\n\n1 stack: 0 failed, 0 skipped, 0 destroyed, 1 applied, 0 unchanged.\n\n- `platform`: applied\n',
    );

    // 2. Three customers: no platform job, both shards.
    for (const slug of ['acme-corp', 'globex', 'jdoe-studio'])
      await storeKey(slug, join(hold, 'customers', `${slug}.yaml`));
    for (const file of readdirSync(join(hold, 'customers')))
      renameSync(join(hold, 'customers', file), join(customers, file));
    const withRecords = commit('three customers');
    const two = await affectedJob(platformOnly);
    expect(two).toEqual({
      stacks: ['customer-acme-corp', 'customer-globex', 'customer-jdoe-studio'],
      platform: false,
      shards: [1, 2],
    });
    const first = await job(shard(1));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stacks).toEqual(['customer-acme-corp']);
    expect(first.summary).toContain('1 stack: 0 failed, 0 skipped, 0 destroyed, 1 applied, 0 unchanged.');

    // Shard 2 is cancelled once its first stack has landed: the second never starts.
    const cancel = new AbortController();
    const { out } = await synthJob(shard(2));
    const cancelled = await deploy({
      affected: join(dir, 'affected.json'),
      part: { kind: 'shard', shard: { index: 2, count: 2 } },
      out,
      customers,
      env: { ...tf.env, ...moto.env },
      signal: cancel.signal,
      log: () => undefined,
      afterCustomerApply: async () => cancel.abort(),
    });
    expect(cancelled.map((o) => [o.stack, o.action])).toEqual([
      ['customer-globex', 'applied'],
      ['customer-jdoe-studio', 'skipped'],
    ]);
    expect(cancelled[1]!.reason).toMatch(/cancelled before this stack started; the next deploy applies it/);
    // The re-run of shard 2: globex only refreshes (it landed), jdoe-studio is applied, and its
    // init takes the provider from the cache the first stack filled.
    const rerun = await job(shard(2));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.summary).toBe(
      '## Deploy: shard 2 of 2\n\n2 stacks: 0 failed, 0 skipped, 0 destroyed, 1 applied, 1 unchanged.\n\n- `customer-jdoe-studio`: applied\n- `customer-globex`: unchanged (already applied)\n',
    );
    const jdoeLog = rerun.stderr.slice(rerun.stderr.indexOf('::group::customer-jdoe-studio'));
    expect(jdoeLog).toMatch(/from the shared cache directory/);
    const tagged = await secrets().send(new DescribeSecretCommand({ SecretId: 'asc-keys/globex' }));
    expect(tagged.Tags).toEqual(expect.arrayContaining([{ Key: 'customer', Value: 'globex' }]));

    // 3. A merge adds initech, whose key was never stored, and removes globex. Shard 1 fails
    // with initech named; shard 2 finishes: globex destroyed.
    writeFileSync(
      join(customers, 'initech.yaml'),
      recordText({ customer: 'initech', keyId: 'Q7W8E9R0T1', appleId: '1234567899' }),
    );
    rmSync(join(customers, 'globex.yaml'));
    commit('initech joins, globex leaves');
    const three = await affectedJob(withRecords);
    expect(three).toEqual({
      stacks: ['customer-globex', 'customer-initech'],
      platform: false,
      shards: [1, 2],
    });
    const failed = await job(shard(1));
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('1 of 1 stacks did not land: customer-initech\n');
    // Caught before Terraform runs, naming the import (import, then merge, then deploy).
    expect(failed.stderr).toContain(
      '::error title=deploy of customer-initech::the secret asc-keys/initech of initech does not exist, so the stack customer-initech has no secret to adopt and Terraform would fail with "couldn\'t find resource"; run "asc-keys import --customer initech --app-id 1234567899 --key-id Q7W8E9R0T1',
    );
    expect(failed.summary).toMatch(
      /^## Deploy: shard 1 of 2\n\n1 stack: 1 failed, 0 skipped, 0 destroyed, 0 applied, 0 unchanged\.\n\nThe failed and skipped stacks did not land\. .*\n\n- `customer-initech`: failed: the secret asc-keys\/initech of initech does not exist, .*; run "asc-keys import --customer initech .*, then merge and deploy \(import, then merge, then deploy\)/,
    );
    const removed = await job(shard(2));
    expect(removed.code, removed.stderr).toBe(0);
    const deleted = await secrets().send(new DescribeSecretCommand({ SecretId: 'asc-keys/globex' }));
    expect(deleted.DeletedDate).toBeInstanceOf(Date);
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(removed.summary).toContain(
      `- \`customer-globex\`: destroyed (record removed). The secret \`asc-keys/globex\` can be restored until ${until}: \`aws secretsmanager restore-secret --secret-id asc-keys/globex\`, then put the record back.\n`,
    );

    // The key is stored; re-running the failed shard lands initech.
    await storeKey('initech', join(customers, 'initech.yaml'));
    const landed = await job(shard(1));
    expect(landed.code, landed.stderr).toBe(0);
    expect(landed.summary).toContain('- `customer-initech`: applied\n');
    const acme = await secrets().send(new DescribeSecretCommand({ SecretId: 'asc-keys/acme-corp' }));
    expect(acme.DeletedDate).toBeUndefined();
  }, 900_000);

  test('a failed platform skips every customer; a shard starts no stack after ten failures, or once cancelled', async () => {
    const out = mkdtempSync(join(tmpdir(), 'asc-keys-deploy-fail-'));
    const names = ['platform', ...Array.from({ length: 12 }, (_, i) => `customer-c${i}`)];
    for (const name of names) {
      mkdirSync(join(out, 'stacks', name), { recursive: true });
      writeFileSync(join(out, 'stacks', name, 'cdk.tf.json'), '{}');
    }
    const list = join(out, 'affected.json');
    writeFileSync(list, JSON.stringify({ stacks: names }));
    // Terraform that cannot start fails each stack it is asked for, at init.
    const common = {
      affected: list,
      out,
      customers: out,
      log: () => undefined,
      terraform: join(out, 'no-terraform'),
    };
    const all = await deploy(common);
    expect(all[0]).toMatchObject({
      stack: 'platform',
      action: 'failed',
      reason: expect.stringMatching(
        /^terraform init could not run \(spawn .*ENOENT\); is terraform on PATH\?$/,
      ),
    });
    expect(all.slice(1).map((o) => [o.action, o.reason])).toEqual(
      names.slice(1).map(() => ['skipped', 'the platform failed; the customer stacks need it']),
    );
    const shard = await deploy({ ...common, part: { kind: 'shard', shard: { index: 1, count: 1 } } });
    expect(shard.filter((o) => o.action === 'failed')).toHaveLength(10);
    expect(shard.filter((o) => o.action === 'skipped').map((o) => o.reason)).toEqual([
      'not started after 10 stacks failed; fix those, then re-run the job (stacks already applied only refresh)',
      'not started after 10 stacks failed; fix those, then re-run the job (stacks already applied only refresh)',
    ]);
    const cancelled = await deploy({ ...common, signal: AbortSignal.abort() });
    expect(new Set(cancelled.map((o) => o.action))).toEqual(new Set(['skipped']));
  });

  test('the summary: counts, then failures first, each with its reason', () => {
    expect(
      deploySummary(
        [
          { stack: 'customer-a', action: 'applied' },
          { stack: 'customer-b', action: 'failed', reason: 'terraform apply failed (exit 1)' },
          { stack: 'customer-c', action: 'skipped', reason: 'the platform failed' },
        ],
        { kind: 'shard', shard: { index: 3, count: 8 } },
      ),
    ).toBe(
      '## Deploy: shard 3 of 8\n\n3 stacks: 1 failed, 1 skipped, 0 destroyed, 1 applied, 0 unchanged.\n\nThe failed and skipped stacks did not land. Re-running the failed jobs, or the next deploy, applies them; the stacks that landed only refresh.\n\n- `customer-b`: failed: terraform apply failed (exit 1)\n- `customer-c`: skipped: the platform failed\n- `customer-a`: applied\n',
    );
    expect(deploySummary([])).toBe('## Deploy\n\nNo stack of this job is affected by the merge.\n');
  });
});
