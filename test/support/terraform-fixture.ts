import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteSecretCommand,
  ListSecretsCommand,
  RestoreSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { DeleteScheduleCommand, ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { checkDrift } from '../../lib/checks/check-drift.js';
import { AwsSecretsManagerStore } from '../../lib/secrets/aws-secrets-manager-store.js';
import { synthesize } from '../../lib/stacks/synthesize.js';
import { motoClients, type MotoClients } from './apply-desired-state.js';
import { MOTO_ACCOUNT, motoAt, startMotoServer, type MotoServer } from './moto.js';
import { assertProject } from './project-guard.js';
import { PLATFORM } from './records.js';
import { initAndApply, prepareTerraform, type TerraformEnv } from './terraform.js';

/**
 * The shared Terraform fixture: the custody and platform stacks (the example platform of
 * cdktf.json) applied once with real Terraform to a moto server of their own, and lent to one
 * test file at a time. Applying those two stacks is the costliest thing the Terraform tests do
 * (each Terraform command starts the AWS provider, seconds of CPU, and the KMS keys wait for
 * their settings to propagate), and most Terraform tests need them only as the ground their
 * customers stand on.
 *
 * The run's global setup (the default export, the terraform project's) starts building one
 * fixture in the background while the other projects' tests run. A test file takes a fixture
 * with `terraformFixture()`: a free one, else the one being built, else it builds one of its
 * own, which later files reuse, up to two; a file that finds both lent waits for one. So a
 * fixture is applied once for all the files that run one after another.
 *
 * The borrower works in customers of its own (stacks with state files of its own) and may
 * plan or apply the custody and platform stacks against the fixture's state. `release()` in
 * `afterAll` deletes every secret and schedule the borrower created and then checks, with
 * `check drift`'s own comparison, that the platform is as Terraform applied it: a test that
 * changes the platform restores it before it releases, or fails saying so.
 */
export const FIXTURE_POOL = 'ASC_KEYS_TEST_TERRAFORM_FIXTURES';
/** The stacks every fixture holds, applied in this order. */
export const FIXTURE_STACKS = ['custody', 'platform'] as const;

/**
 * At most this many fixtures at once. Two let two borrowers run side by side; a third costs a
 * whole custody and platform apply (tens of seconds of CPU on a machine the other files already
 * keep busy) to save a borrower the wait until one of the two is released.
 */
const MAX_FIXTURES = 2;
const READY = 'ready.json';
const FAILED = 'failed.txt';
const LEASE = 'lease';
const PID = 'moto.pid';
const RUN_PID = 'ASC_KEYS_TEST_RUN_PID';

interface Ready {
  readonly motoUrl: string;
  readonly stateDir: string;
  /** What the fixture holds after its apply: never swept. */
  readonly secrets: readonly string[];
  readonly schedules: readonly string[];
}

export interface TerraformFixture {
  /** The fixture's moto server: shared, so `reset()` and `enforceIam()` refuse. */
  readonly moto: MotoServer;
  readonly clients: MotoClients;
  /**
   * Terraform for the borrower: its own working directory and state files, except the custody
   * and platform stacks, whose state is the fixture's.
   */
  readonly tf: TerraformEnv;
  /** Deletes what the borrower created, checks the platform is untouched, and lends the fixture on. */
  release(): Promise<void>;
}

/** Global setup of the terraform project: the pool of fixtures, and the first one, built in the background. */
export default function setup(): (() => Promise<void>) | undefined {
  if (process.env[FIXTURE_POOL]) return undefined;
  const pool = mkdtempSync(join(tmpdir(), 'asc-keys-tf-fixtures-'));
  process.env[FIXTURE_POOL] = pool;
  // The fixtures' moto servers end with this process, the run's, even when it is killed.
  process.env[RUN_PID] = String(process.pid);
  // A failure is written beside the fixture; the first test that needs one reports it.
  const building = build(pool, false).catch(() => undefined);
  return async () => {
    await building;
    for (const dir of instances(pool)) {
      const pid = Number(readIf(join(dir, PID)));
      try {
        if (pid) process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    delete process.env[FIXTURE_POOL];
    delete process.env[RUN_PID];
    rmSync(pool, { recursive: true, force: true });
  };
}

/** A fixture lent to this test file until `release()`. */
export async function terraformFixture(): Promise<TerraformFixture> {
  assertProject('Terraform', ['terraform']);
  const pool = process.env[FIXTURE_POOL];
  if (!pool)
    throw new Error(
      `${FIXTURE_POOL} is not set: list test/support/terraform-fixture.ts in the globalSetup of the "terraform" project (vitest.config.ts)`,
    );
  const dir = await lease(pool);
  const ready = JSON.parse(readFileSync(join(dir, READY), 'utf8')) as Ready;
  const own = await prepareTerraform(mkdtempSync(join(tmpdir(), 'asc-keys-tf-')), ready.motoUrl);
  const tf: TerraformEnv = {
    ...own,
    states: Object.fromEntries(FIXTURE_STACKS.map((s) => [s, join(ready.stateDir, `${s}.tfstate`)])),
  };
  const refuse = (what: string) => async (): Promise<void> => {
    throw new Error(`the Terraform fixture's moto is shared: ${what} it would undo the other tests' ground`);
  };
  const moto: MotoServer = {
    ...motoAt(ready.motoUrl, async () => {}),
    reset: refuse('a reset of'),
    enforceIam: refuse('checking IAM on'),
  };
  const clients = motoClients(moto);
  return {
    moto,
    clients,
    tf,
    release: async () => {
      try {
        await sweep(clients, ready);
        const left = await platformDrift(clients);
        if (left.length) {
          writeFileSync(join(dir, FAILED), left.join('\n'));
          throw new Error(
            `the test left the shared Terraform fixture changed (restore what it changes before release()):\n${left.join('\n')}`,
          );
        }
      } finally {
        rmSync(join(dir, LEASE), { recursive: true, force: true });
      }
    },
  };
}

function instances(pool: string): string[] {
  return existsSync(pool)
    ? readdirSync(pool)
        .filter((n) => n.startsWith('fixture-'))
        .sort()
        .map((n) => join(pool, n))
    : [];
}

const readIf = (file: string): string | undefined =>
  existsSync(file) ? readFileSync(file, 'utf8') : undefined;

/** mkdir is atomic: whoever creates the lease directory holds the fixture. */
function tryLease(dir: string): boolean {
  try {
    mkdirSync(join(dir, LEASE));
    return true;
  } catch {
    return false;
  }
}

/**
 * A free fixture; else the one the setup is building (it is soon ready); else, while fewer than
 * MAX_FIXTURES stand, a new one of this file's; else the next one released.
 */
async function lease(pool: string): Promise<string> {
  for (;;) {
    const all = instances(pool);
    const failed = all.map((d) => readIf(join(d, FAILED))).find((f) => f !== undefined);
    for (const dir of all)
      if (existsSync(join(dir, READY)) && !existsSync(join(dir, FAILED)) && tryLease(dir)) return dir;
    const coming = all.some(
      (d) => !existsSync(join(d, READY)) && !existsSync(join(d, FAILED)) && !existsSync(join(d, LEASE)),
    );
    const healthy = all.filter((d) => !existsSync(join(d, FAILED))).length;
    if (coming || healthy >= MAX_FIXTURES) {
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    // The background build failed for a reason a second build would meet too: say it.
    if (failed && !all.some((d) => existsSync(join(d, READY))))
      throw new Error(`the shared Terraform fixture could not be built: ${failed}`);
    return build(pool, true);
  }
}

/** A fixture: moto, then custody and platform synthesized and applied. Leased from the start when `leased`. */
async function build(pool: string, leased: boolean): Promise<string> {
  mkdirSync(pool, { recursive: true });
  const dir = mkdtempSync(join(pool, 'fixture-'));
  if (leased) mkdirSync(join(dir, LEASE));
  try {
    const moto = await startMotoServer({
      accountId: MOTO_ACCOUNT,
      owner: Number(process.env[RUN_PID] ?? process.pid),
    });
    writeFileSync(join(dir, PID), String(moto.pid));
    const outdir = join(dir, 'cdktf.out');
    synthesize({ records: [], platform: PLATFORM, outdir, now: new Date() });
    const tf = await prepareTerraform(dir, moto.url);
    for (const stack of FIXTURE_STACKS) await initAndApply(tf, join(outdir, 'stacks', stack), stack);
    const clients = motoClients(moto);
    const ready: Ready = {
      motoUrl: moto.url,
      stateDir: tf.stateDir,
      secrets: await secretNames(clients),
      schedules: await scheduleNames(clients),
    };
    writeFileSync(join(dir, READY), JSON.stringify(ready));
    return dir;
  } catch (err) {
    writeFileSync(join(dir, FAILED), (err as Error).message);
    throw err;
  }
}

async function secretNames(clients: MotoClients): Promise<string[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.secretsManager.send(
      new ListSecretsCommand({ IncludePlannedDeletion: true, NextToken }),
    );
    names.push(...(page.SecretList ?? []).map((s) => s.Name!));
    NextToken = page.NextToken;
  } while (NextToken);
  return names;
}

/** Every schedule in every group, as group/name. */
async function scheduleNames(clients: MotoClients): Promise<string[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.scheduler.send(new ListSchedulesCommand({ NextToken }));
    names.push(...(page.Schedules ?? []).map((s) => `${s.GroupName}/${s.Name}`));
    NextToken = page.NextToken;
  } while (NextToken);
  return names;
}

/** Deletes the secrets and schedules the fixture did not have when it was applied. */
async function sweep(clients: MotoClients, ready: Ready): Promise<void> {
  for (const name of await secretNames(clients)) {
    if (ready.secrets.includes(name)) continue;
    const remove = () =>
      clients.secretsManager.send(
        new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }),
      );
    try {
      await remove();
    } catch {
      // Scheduled for deletion already: restored first, then deleted for good.
      await clients.secretsManager.send(new RestoreSecretCommand({ SecretId: name }));
      await remove();
    }
  }
  for (const id of await scheduleNames(clients)) {
    if (ready.schedules.includes(id)) continue;
    const [GroupName, Name] = id.split('/');
    await clients.scheduler.send(new DeleteScheduleCommand({ GroupName, Name }));
  }
}

/** What `check drift` finds with no records: the platform as the stacks have it, nothing unmanaged. */
export async function platformDrift(clients: MotoClients): Promise<string[]> {
  const result = await checkDrift({
    platform: PLATFORM,
    allRecords: [],
    selected: [],
    invalidSlugs: new Set(),
    inScope: () => true,
    clients,
    store: new AwsSecretsManagerStore({ client: clients.secretsManager }),
    now: new Date(),
  });
  return result.findings.map((f) => f.message);
}
