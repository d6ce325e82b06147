import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, test } from 'vitest';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  RestoreSecretCommand,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { loadProject } from '../../lib/records/load-project.js';
import {
  applyCustomer,
  applyPlatform,
  motoClients,
  type MotoClients,
} from '../support/apply-desired-state.js';
import { AscEmulator } from '../support/asc-emulator.js';
import { runCli, type CliResult } from '../support/cli.js';
import { runCliIn } from '../support/run-in-process.js';
import { buildKeyFixture, fastlaneValue, type KeyFixture } from '../support/key-fixtures.js';
import { startMoto, type MotoServer } from '../support/moto.js';

let moto: MotoServer;
let clients: MotoClients;
let fixture: KeyFixture;
const outputs: string[] = [];

/**
 * Undoes what the tests change: globex's customer tag, and the secret of initech, which no
 * record names (restored first when a test scheduled its deletion, then deleted for good).
 */
async function restore(): Promise<void> {
  await clients.secretsManager.send(
    new TagResourceCommand({ SecretId: 'asc-keys/globex', Tags: [{ Key: 'customer', Value: 'globex' }] }),
  );
  await clients.secretsManager
    .send(new RestoreSecretCommand({ SecretId: 'asc-keys/initech' }))
    .catch(() => undefined);
  await clients.secretsManager
    .send(new DeleteSecretCommand({ SecretId: 'asc-keys/initech', ForceDeleteWithoutRecovery: true }))
    .catch((err: { name?: string }) => {
      if (err.name !== 'ResourceNotFoundException') throw err;
    });
}

/**
 * `asc-keys check drift` in process (runCliIn); `driftCli` runs the built CLI in a child process,
 * for the tests of how the process ends: its exit code and stdout apart from stderr.
 */
async function drift(args: string[], env: NodeJS.ProcessEnv = {}, run = runCliIn): Promise<CliResult> {
  const r = await run(['check', 'drift', ...args], {
    cwd: fixture.project.dir,
    env: { ...moto.env, AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });
  outputs.push(r.stdout, r.stderr);
  return r;
}
const driftCli = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  drift(args, env, runCli);

describe('asc-keys check drift with moto: in process, and the built CLI where the process matters', () => {
  beforeAll(async () => {
    moto = await startMoto({ accountId: '111122223333' });
    clients = motoClients(moto);
    // Records and keys only: the stacks are applied below, as Terraform would.
    const unused = new AscEmulator();
    fixture = await buildKeyFixture(
      [
        { slug: 'acme-corp', value: null },
        { slug: 'globex', value: null },
      ],
      clients.secretsManager,
      unused,
    );
  });
  afterAll(() => moto.stop());
  // The stacks are applied once; each test's changes are undone after it (restore below), so
  // that every test starts from the applied stacks alone without applying them again.
  beforeAll(async () => {
    const project = loadProject({
      customersDir: fixture.project.customers,
      configFile: fixture.project.config,
    });
    await applyPlatform(clients, platformDesiredState(project.platform!));
    for (const r of project.records) {
      await applyCustomer(
        clients,
        customerDesiredState(r, project.platform!, new Date()),
        fastlaneValue(fixture.keys.get(r.customer)!, {
          keyId: r.keyId,
          ...(r.issuerId && { issuerId: r.issuerId }),
        }),
      );
    }
  });
  afterEach(restore);

  test('in sync: exit 0, the summary in text and JSON', async () => {
    const text = await driftCli([]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(
      text.stdout,
      '2 customers: 2 in sync, 0 drifted, 0 unmanaged secrets, 0 unmanaged schedules, 0 pending imports\n',
    );
    const json = await drift(['--format', 'json']);
    assert.deepEqual(JSON.parse(json.stdout), {
      summary: {
        customers: 2,
        inSync: 2,
        drifted: 0,
        unmanaged: 0,
        unmanagedSecrets: 0,
        unmanagedSchedules: 0,
        pending: 0,
      },
      findings: [],
      pending: [],
    });
  });

  test("in sync without AWS_REGION (and no profile): the platform's region from cdktf.json", async () => {
    const r = await drift([], { AWS_REGION: '', AWS_CONFIG_FILE: '/nonexistent' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      '2 customers: 2 in sync, 0 drifted, 0 unmanaged secrets, 0 unmanaged schedules, 0 pending imports\n',
    );
  });

  /** globex re-tagged, and a secret tagged as ours that no record names. */
  async function driftGlobexAndAddStray(): Promise<{ ARN?: string }> {
    await clients.secretsManager.send(
      new TagResourceCommand({
        SecretId: 'asc-keys/globex',
        Tags: [{ Key: 'customer', Value: 'someone-else' }],
      }),
    );
    return clients.secretsManager.send(
      new CreateSecretCommand({
        Name: 'asc-keys/initech',
        SecretString: 'x',
        Tags: [
          { Key: 'managed-by', Value: 'asc-keys' },
          { Key: 'customer', Value: 'initech' },
        ],
      }),
    );
  }

  test('drift and an unmanaged secret: exit 1, the contract JSON, a table, JUnit', async () => {
    const stray = await driftGlobexAndAddStray();
    const junit = join(fixture.project.dir, 'drift.xml');
    const json = await driftCli(['--format', 'json', '--junit', junit]);
    assert.equal(json.code, 1, json.stderr);
    const doc = JSON.parse(json.stdout);
    assert.deepEqual(doc.summary, {
      customers: 2,
      inSync: 1,
      drifted: 1,
      unmanaged: 1,
      unmanagedSecrets: 1,
      unmanagedSchedules: 0,
      pending: 0,
    });
    assert.deepEqual(doc.pending, []);
    assert.deepEqual(doc.findings, [
      {
        customer: 'globex',
        resource: 'aws_secretsmanager_secret.key',
        kind: 'changed',
        field: 'tags.customer',
        expected: 'globex',
        actual: 'someone-else',
        message:
          'the tag customer of asc-keys/globex is "someone-else", not "globex"; apply the stack customer-globex',
      },
      {
        customer: 'initech',
        resource: 'aws_secretsmanager_secret.asc-keys/initech',
        kind: 'unmanaged',
        field: null,
        expected: null,
        actual: stray.ARN,
        message:
          "the secret asc-keys/initech is tagged managed-by=asc-keys but no record names it (its customer tag says initech): if its record was removed by mistake, put the record back; if the customer left, merge the record's removal and deploy it, which schedules the secret's deletion with a recovery window",
      },
    ]);
    const xml = readFileSync(junit, 'utf8');
    assert.equal(xml.match(/<testcase /g)?.length, 3);
    assert.equal(xml.match(/<failure /g)?.length, 2);

    const text = await drift([]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^customer\s+resource\s+kind\s+field\s+message$/m);
    assert.match(
      text.stdout,
      /^globex\s+aws_secretsmanager_secret\.key\s+changed\s+tags\.customer\s+the tag customer/m,
    );
    assert.match(
      text.stdout,
      /^2 customers: 1 in sync, 1 drifted, 1 unmanaged secret, 0 unmanaged schedules, 0 pending imports$/m,
    );

    const gh = await drift([], { GITHUB_ACTIONS: 'true' });
    assert.match(
      gh.stderr,
      /^::error title=asc-keys drift changed,file=customers\/globex\.yaml,line=5,col=1::globex: aws_secretsmanager_secret\.key tags\.customer: /m,
    );
  });

  test('a customer offboarded (no record, secret in its recovery window): exit 0, and a line saying it can be restored', async () => {
    await clients.secretsManager.send(
      new CreateSecretCommand({
        Name: 'asc-keys/initech',
        SecretString: 'x',
        Tags: [
          { Key: 'managed-by', Value: 'asc-keys' },
          { Key: 'customer', Value: 'initech' },
        ],
      }),
    );
    await clients.secretsManager.send(
      new DeleteSecretCommand({ SecretId: 'asc-keys/initech', RecoveryWindowInDays: 30 }),
    );
    const text = await drift([]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /^the secret asc-keys\/initech of a removed record is scheduled for deletion; it can be restored until .*restore-secret --secret-id asc-keys\/initech\n2 customers: 2 in sync, 0 drifted, 0 unmanaged secrets, 0 unmanaged schedules, 0 pending imports\n$/,
    );
    const json = await drift(['--format', 'json']);
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout).findings, []);
  });

  test('--customer limits the comparison, and unmanaged secrets to the customers it names', async () => {
    await driftGlobexAndAddStray();
    const r = await drift(['--format', 'json', '--customer', 'acme-corp']);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(JSON.parse(r.stdout).summary, {
      customers: 1,
      inSync: 1,
      drifted: 0,
      unmanaged: 0,
      unmanagedSecrets: 0,
      unmanagedSchedules: 0,
      pending: 0,
    });
  });

  test('--shard: every customer and every unmanaged secret in exactly one shard', async () => {
    await driftGlobexAndAddStray();
    const seen: string[] = [];
    for (const i of [1, 2, 3]) {
      const doc = JSON.parse((await drift(['--format', 'json', '--shard', `${i}/3`])).stdout);
      seen.push(...doc.findings.map((f: { customer: string }) => f.customer));
    }
    assert.deepEqual(seen.sort(), ['globex', 'initech']);
  });

  test('AWS unreachable: exit 2 with what to do, never "in sync"', async () => {
    const r = await drift([], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    // A configured endpoint where nothing answers is a configuration error that names it.
    assert.match(
      r.stderr,
      /^asc-keys: nothing answers at AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\); fix it, or unset it to use AWS$/m,
    );
  });

  test('no key material in any output', () => {
    const all = outputs.join('\n');
    for (const key of fixture.keys.values())
      for (const chunk of key.body.match(/.{24}/g)!) assert.ok(!all.includes(chunk));
    assert.ok(!all.includes('PRIVATE KEY'));
  });
});
