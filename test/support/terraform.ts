import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertProject } from './project-guard.js';

/**
 * Real Terraform against moto, for tests. The stacks pin the AWS provider 6.x for users; the
 * tests use the provider in this machine's filesystem mirror (5.100.0), never the internet, and
 * point every endpoint at moto through an `override.tf.json` beside each synthesized stack.
 */
export const MIRROR = '/opt/tf-plugins';
/** The AWS provider in the mirror: the tests' only one (docs/testing.md says why not 6.x). */
export const TEST_PROVIDER_VERSION = '5.100.0';

/** Every service the stacks use, and STS and IAM, which the provider asks for the account ID. */
const SERVICES = ['sts', 'iam', 'kms', 'secretsmanager', 'scheduler', 'sns', 'events', 'cloudtrail'];

export interface TerraformEnv {
  /** The environment every terraform command of the test runs with. */
  readonly env: NodeJS.ProcessEnv;
  /** Where the tests' local state files go. */
  readonly stateDir: string;
  readonly motoUrl: string;
  /**
   * State files kept elsewhere, by stack name: the shared fixture's custody and platform stacks
   * (test/support/terraform-fixture.ts), which every test using it plans against.
   */
  readonly states?: Readonly<Record<string, string>>;
}

/**
 * Checks that terraform and the provider mirror are present (a clear failure otherwise, as the
 * moto tests fail when moto is missing) and writes a CLI configuration that installs the AWS
 * provider only from the mirror. The mirror's unpacked layout is symlinked by `init`, so every
 * stack shares the one provider binary; nothing is downloaded or copied.
 */
export async function prepareTerraform(workDir: string, motoUrl: string): Promise<TerraformEnv> {
  assertProject('Terraform', ['terraform']);
  const provider = join(
    MIRROR,
    'registry.terraform.io/hashicorp/aws',
    TEST_PROVIDER_VERSION,
    'linux_amd64',
    `terraform-provider-aws_v${TEST_PROVIDER_VERSION}_x5`,
  );
  try {
    await run('terraform', ['version'], workDir, process.env);
  } catch (err) {
    throw new Error(
      `terraform is not on PATH (${(err as Error).message.split('\n')[0]}). The Terraform tests need terraform 1.11 and the AWS provider ${TEST_PROVIDER_VERSION} in ${MIRROR}`,
    );
  }
  if (!existsSync(provider))
    throw new Error(
      `the AWS provider ${TEST_PROVIDER_VERSION} is not in the filesystem mirror (${provider} is missing). The Terraform tests install providers only from ${MIRROR}`,
    );
  mkdirSync(workDir, { recursive: true });
  const cliConfig = join(workDir, 'terraform.rc');
  writeFileSync(
    cliConfig,
    `provider_installation {
  filesystem_mirror {
    path    = "${MIRROR}"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`,
  );
  const stateDir = join(workDir, 'state');
  mkdirSync(stateDir, { recursive: true });
  return {
    motoUrl,
    stateDir,
    env: {
      ...process.env,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
      // Terraform and the AWS provider are Go programs, and every Terraform command starts the
      // provider again, which builds the schema of every AWS resource: most of the Terraform
      // tests' CPU. Collecting garbage at four times the default heap growth spends about a
      // quarter less CPU on that for a few tens of MB more memory; the programs' behaviour is the same.
      GOGC: '400',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  };
}

/**
 * The test's override beside a synthesized stack: every endpoint at moto, test credentials,
 * and local state in the test's directory. Terraform merges override files over the stack's
 * own JSON. The provider version is the stack's own constraint, which the mirror's 5.100.0
 * must satisfy (the only version the CLI configuration can install).
 */
export function writeOverride(tf: TerraformEnv, stackDir: string, stackName: string): void {
  const override = {
    terraform: {
      backend: { local: { path: tf.states?.[stackName] ?? join(tf.stateDir, `${stackName}.tfstate`) } },
    },
    provider: {
      // One override per provider of the stack, its aliases (the custody stack's us-east-1) included.
      aws: providerAliases(stackDir).map((alias) => ({
        ...(alias === undefined ? {} : { alias }),
        access_key: 'testing',
        secret_key: 'testing',
        skip_credentials_validation: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        // The account ID is asked of moto's STS, so allowed_account_ids is checked for real.
        endpoints: [Object.fromEntries(SERVICES.map((s) => [s, tf.motoUrl]))],
      })),
    },
  };
  writeFileSync(join(stackDir, 'override.tf.json'), `${JSON.stringify(override, null, 2)}\n`);
}

/** The aliases of the stack's AWS providers (undefined for the default one). */
function providerAliases(stackDir: string): (string | undefined)[] {
  const stack = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as {
    provider?: { aws?: { alias?: string }[] };
  };
  return (stack.provider?.aws ?? [{}]).map((p) => p.alias);
}

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (err && code === -1) reject(err);
      else resolve({ code, stdout, stderr });
    });
  });
}

/** Runs terraform in `dir`; its output is kept beside the stack (terraform-<command>.log) for failures. */
async function terraform(tf: TerraformEnv, dir: string, args: string[]): Promise<TerraformResult> {
  const r = await run('terraform', [...args, '-no-color'], dir, tf.env);
  writeFileSync(join(dir, `terraform-${args[0]}.log`), `${r.stdout}\n${r.stderr}`);
  return r;
}

function ok(what: string, dir: string, r: TerraformResult): TerraformResult {
  if (r.code !== 0)
    throw new Error(
      `terraform ${what} failed in ${dir} (exit ${r.code}):\n${r.stderr}\n${r.stdout.slice(-4000)}`,
    );
  return r;
}

/** init (provider from the mirror, local backend), then apply. */
export async function initAndApply(tf: TerraformEnv, stackDir: string, stackName: string): Promise<void> {
  await init(tf, stackDir, stackName);
  await apply(tf, stackDir);
}

export async function apply(tf: TerraformEnv, stackDir: string): Promise<void> {
  ok('apply', stackDir, await terraform(tf, stackDir, ['apply', '-auto-approve', '-input=false']));
}

/** `plan -detailed-exitcode`: 0 no changes, 2 changes (1 is an error and throws). */
export async function plan(tf: TerraformEnv, stackDir: string): Promise<TerraformResult> {
  const r = await terraform(tf, stackDir, ['plan', '-detailed-exitcode', '-input=false']);
  if (r.code !== 0 && r.code !== 2) ok('plan', stackDir, r);
  return r;
}

/** One resource's planned change, from `terraform show -json` of a saved plan. */
export interface PlannedChange {
  readonly address: string;
  readonly actions: string[];
  /** Whether the change adopts an existing object (an import block). */
  readonly importing: boolean;
}

/** `plan -out=plan.bin`, then the planned change of each resource; `applyPlan` applies that very plan. */
export async function planChanges(tf: TerraformEnv, stackDir: string): Promise<PlannedChange[]> {
  ok('plan', stackDir, await terraform(tf, stackDir, ['plan', '-input=false', '-out=plan.bin']));
  const shown = ok('show', stackDir, await terraform(tf, stackDir, ['show', '-json', 'plan.bin']));
  const parsed = JSON.parse(shown.stdout) as {
    resource_changes?: { address: string; change: { actions: string[]; importing?: unknown } }[];
  };
  return (parsed.resource_changes ?? []).map((c) => ({
    address: c.address,
    actions: c.change.actions,
    importing: c.change.importing !== undefined,
  }));
}

export async function applyPlan(tf: TerraformEnv, stackDir: string): Promise<void> {
  ok('apply', stackDir, await terraform(tf, stackDir, ['apply', '-input=false', 'plan.bin']));
}

/** `init` alone (provider from the mirror, local backend), for a test that plans before it applies. */
export async function init(tf: TerraformEnv, stackDir: string, stackName: string): Promise<void> {
  writeOverride(tf, stackDir, stackName);
  ok('init', stackDir, await terraform(tf, stackDir, ['init', '-input=false']));
}

/** What `terraform providers schema -json` says of one block: its attributes and nested blocks. */
export interface SchemaBlock {
  readonly attributes?: Record<string, { optional?: boolean; required?: boolean; computed?: boolean }>;
  readonly block_types?: Record<string, { block: SchemaBlock }>;
}

export interface AwsProviderSchema {
  readonly provider: SchemaBlock;
  readonly resources: Record<string, SchemaBlock>;
  readonly data: Record<string, SchemaBlock>;
}

/** The schema of the mirror's AWS provider, from `terraform providers schema -json` in a scratch configuration. */
export async function awsProviderSchema(tf: TerraformEnv, workDir: string): Promise<AwsProviderSchema> {
  mkdirSync(workDir, { recursive: true });
  writeFileSync(
    join(workDir, 'main.tf.json'),
    JSON.stringify({
      terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: TEST_PROVIDER_VERSION } } },
    }),
  );
  ok('init', workDir, await terraform(tf, workDir, ['init', '-input=false', '-backend=false']));
  const shown = ok(
    'providers schema',
    workDir,
    await terraform(tf, workDir, ['providers', 'schema', '-json']),
  );
  const schemas = JSON.parse(shown.stdout) as {
    provider_schemas: Record<
      string,
      {
        provider: { block: SchemaBlock };
        resource_schemas: Record<string, { block: SchemaBlock }>;
        data_source_schemas: Record<string, { block: SchemaBlock }>;
      }
    >;
  };
  const aws = schemas.provider_schemas['registry.terraform.io/hashicorp/aws']!;
  const blocks = (m: Record<string, { block: SchemaBlock }>): Record<string, SchemaBlock> =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.block]));
  return {
    provider: aws.provider.block,
    resources: blocks(aws.resource_schemas),
    data: blocks(aws.data_source_schemas),
  };
}
