import { execFileSync, spawnSync } from 'node:child_process';
import {
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
import { deployOrder, deploySummary } from '../../lib/ci/deploy.js';
import { recordVersionId } from '../../lib/model/key-version.js';
import { loadProject } from '../../lib/records/load-project.js';
import { runCli } from '../support/cli.js';
import { exampleProject } from '../support/example-project.js';
import { EXAMPLE_CONFIG, REPO } from '../support/project.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { prepareTerraform, writeOverride, type TerraformEnv } from '../support/terraform.js';

/**
 * The deploy job's own commands (deploy.yml), against moto with the real terraform:
 * affected, lint, synth --stack, then deploy-cli applies. The test adds only what CI has and
 * this machine has not: an override beside each stack pointing the provider at moto.
 */
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

/** deploy.yml's steps after checkout and npm ci, with `base` as the last successful deploy. */
async function deployJob(
  base: string,
): Promise<{ code: number; stderr: string; summary: string; stacks: string[] }> {
  const env = { ...tf.env, ...moto.env };
  const affected = await runCli(['affected', '--base', base, '--format', 'json'], { cwd: dir, env });
  expect(affected.code, affected.stderr).toBe(0);
  writeFileSync(join(dir, 'affected.json'), affected.stdout);
  const stacks = (JSON.parse(affected.stdout) as { stacks: string[] }).stacks;
  const lint = await runCli(['lint'], { cwd: dir, env });
  expect(lint.code, lint.stdout).toBe(0);
  rmSync(join(dir, 'cdktf.out'), { recursive: true, force: true });
  const synth = await runCli(['synth', '--stack', stacks.join(' ')], { cwd: dir, env });
  expect(synth.code, synth.stderr).toBe(0);
  for (const stack of readdirSync(join(dir, 'cdktf.out', 'stacks')))
    writeOverride(tf, join(dir, 'cdktf.out', 'stacks', stack), stack);
  const summary = join(dir, 'summary.md');
  rmSync(summary, { force: true });
  const r = spawnSync('node', [join(REPO, 'dist/lib/ci/deploy-cli.js'), '--affected', 'affected.json'], {
    cwd: dir,
    env: { ...env, GITHUB_STEP_SUMMARY: summary },
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stderr: r.stderr, summary: readFileSync(summary, 'utf8'), stacks };
}

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

const iam = () =>
  new IAMClient({
    endpoint: moto.url,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
const secrets = () =>
  new SecretsManagerClient({
    endpoint: moto.url,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });

describe('the deploy job against moto with real Terraform', () => {
  test("platform, then the customers whose keys import stored, then a removed record's stack destroyed", async () => {
    // The repository before asc-keys: a README. Then the platform configuration, applied
    // first (one-time setup makes the same apply by hand); then the records.
    const hold = mkdtempSync(join(tmpdir(), 'asc-keys-deploy-hold-'));
    renameSync(customers, join(hold, 'customers'));
    renameSync(join(dir, 'cdktf.json'), join(hold, 'cdktf.json'));
    writeFileSync(join(dir, 'README.md'), 'fleet\n');
    const readme = commit('readme');
    renameSync(join(hold, 'cdktf.json'), join(dir, 'cdktf.json'));
    mkdirSync(customers);
    renameSync(join(hold, 'customers', 'README.md'), join(customers, 'README.md'));
    const platformOnly = commit('platform configuration');

    const one = await deployJob(readme);
    expect(one.stacks).toEqual(['platform']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.summary).toBe('## Deploy\n\n- `platform`: applied\n');
    // The platform's roles, GitHub's among them, and the account's GitHub OIDC provider.
    for (const role of ['asc-keys-validator', 'asc-keys-planner', 'asc-keys-deployer'])
      expect((await iam().send(new GetRoleCommand({ RoleName: role }))).Role?.RoleName).toBe(role);
    const providers = await iam().send(new ListOpenIDConnectProvidersCommand({}));
    expect(providers.OpenIDConnectProviderList?.map((p) => p.Arn)).toEqual([
      `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
    ]);

    // asc-keys import stages each key before its record is merged, under the version ID the
    // record names; the customer stacks adopt the secrets and the deploy makes the keys current.
    // jdoe-studio's secret holds a version no record names (a key stored some other way).
    const records = loadProject({
      customersDir: join(hold, 'customers'),
      configFile: join(dir, 'cdktf.json'),
    }).records;
    const version = (slug: string): string => recordVersionId(records.find((r) => r.customer === slug)!)!;
    for (const slug of ['acme-corp', 'globex', 'jdoe-studio']) {
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
          ...(slug !== 'jdoe-studio' && { ClientRequestToken: version(slug), VersionStages: ['AWSPENDING'] }),
        }),
      );
    }
    for (const file of readdirSync(join(hold, 'customers')))
      renameSync(join(hold, 'customers', file), join(customers, file));
    const withRecords = commit('three customers');
    const two = await deployJob(platformOnly);
    expect(two.stacks).toEqual(['customer-acme-corp', 'customer-globex', 'customer-jdoe-studio']);
    // jdoe-studio fails before Terraform runs, naming the import; the others still deploy.
    expect(two.code, two.stderr).toBe(1);
    expect(two.summary).toBe(
      [
        '## Deploy',
        '',
        `- \`customer-acme-corp\`: applied. key 2X9R4HXF34 of acme-corp is now current (version ${version('acme-corp')})`,
        `- \`customer-globex\`: applied. key B8VN3C6Z1Q of globex is now current (version ${version('globex')})`,
        `- \`customer-jdoe-studio\`: failed. customers/jdoe-studio.yaml names key 7QK2M9PLX3 (fingerprint ${records.find((r) => r.customer === 'jdoe-studio')!.fingerprint}), but asc-keys/jdoe-studio has no version ${version('jdoe-studio')} of it: run "asc-keys import --customer jdoe-studio --app-id 2345678901 --key-id 7QK2M9PLX3 …" with the key that customers/jdoe-studio.yaml names, then deploy again (import, then merge, then deploy)`,
        '',
      ].join('\n'),
    );
    const acmeStages = (await secrets().send(new DescribeSecretCommand({ SecretId: 'asc-keys/acme-corp' })))
      .VersionIdsToStages;
    expect(acmeStages).toEqual({ [version('acme-corp')]: ['AWSCURRENT'] });
    const tagged = await secrets().send(new DescribeSecretCommand({ SecretId: 'asc-keys/globex' }));
    expect(tagged.Tags).toEqual(expect.arrayContaining([{ Key: 'customer', Value: 'globex' }]));
    expect(tagged.DeletedDate).toBeUndefined();

    // A merge that removes globex: only its stack is affected, and it is destroyed.
    rmSync(join(customers, 'globex.yaml'));
    commit('globex leaves');
    const three = await deployJob(withRecords);
    expect(three.stacks).toEqual(['customer-globex']);
    expect(three.code, three.stderr).toBe(0);
    const deleted = await secrets().send(new DescribeSecretCommand({ SecretId: 'asc-keys/globex' }));
    expect(deleted.DeletedDate).toBeInstanceOf(Date);
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(three.summary).toBe(
      `## Deploy\n\n- \`customer-globex\`: destroyed (record removed). The secret \`asc-keys/globex\` can be restored until ${until}: \`aws secretsmanager restore-secret --secret-id asc-keys/globex\`, then put the record back.\n`,
    );
    const acme = await secrets().send(new DescribeSecretCommand({ SecretId: 'asc-keys/acme-corp' }));
    expect(acme.DeletedDate).toBeUndefined();
    // Five Terraform applies on a shared 2-core machine.
  }, 900_000);

  test('the platform applies first; a failed deploy lists the stacks it skipped', () => {
    expect(deployOrder(['customer-a', 'platform', 'customer-b'])).toEqual([
      'platform',
      'customer-a',
      'customer-b',
    ]);
    expect(
      deploySummary([
        { stack: 'platform', action: 'failed' },
        { stack: 'customer-a', action: 'skipped' },
      ]),
    ).toBe('## Deploy\n\n- `platform`: failed\n- `customer-a`: skipped\n');
    expect(deploySummary([])).toBe('## Deploy\n\nNo stack is affected by this merge.\n');
  });
});
