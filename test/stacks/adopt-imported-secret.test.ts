import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Testing } from 'cdktf';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { CustomerStack } from '../../lib/stacks/customer-stack.js';
import type { MotoClients } from '../support/apply-desired-state.js';
import { runCli } from '../support/cli.js';
import type { MotoServer } from '../support/moto.js';
import { tempProject, type TempProject } from '../support/project.js';
import { PLATFORM, record } from '../support/records.js';
import { generateTestKey, type TestKey } from '../support/keys.js';
import { labelled, valueOf, versionsOf, writeP8 } from '../import/import-harness.js';
import { keyNeedles } from '../import/plaintext-watch.js';
import { applyPlan, init, planChanges, type PlannedChange, type TerraformEnv } from '../support/terraform.js';
import { terraformFixture, type TerraformFixture } from '../support/terraform-fixture.js';

const NOW = new Date('2026-11-27T12:00:00Z');
/** Plans and applies start the 700 MB AWS provider several times; on a busy two-core machine that takes minutes. */
const TERRAFORM_TIMEOUT = 600_000;

function synthOf(r = record()): {
  data?: Record<string, Record<string, Record<string, unknown>>>;
  import?: { id: string; to: string }[];
  resource: Record<string, Record<string, Record<string, unknown>>>;
} {
  const stack = new CustomerStack(Testing.app(), {
    platform: PLATFORM,
    desired: customerDesiredState(r, PLATFORM, NOW),
  });
  return JSON.parse(Testing.synth(stack));
}

describe('the customer stack adopts the secret that import created', () => {
  test('an import block whose ID is the ARN of the secret looked up by its name', () => {
    const stack = synthOf();
    expect(stack.data?.aws_secretsmanager_secret?.key_created_by_import).toMatchObject({
      name: 'asc-keys/acme-corp',
    });
    expect(stack.import).toEqual([
      {
        id: '${data.aws_secretsmanager_secret.key_created_by_import.arn}',
        to: 'aws_secretsmanager_secret.key',
      },
    ]);
    // The value is never part of a stack.
    expect(stack.resource.aws_secretsmanager_secret_version).toBeUndefined();
  });

  test('a file: record has no secret, so nothing to adopt', () => {
    const stack = synthOf(
      record({ secret: { scheme: 'file', raw: 'file:keys/acme.p8', path: 'keys/acme.p8' } }),
    );
    expect(stack.import).toBeUndefined();
    expect(stack.data).toBeUndefined();
  });
});

describe('with real Terraform against moto: one import, one pull request, one apply', () => {
  let fixture: TerraformFixture;
  let moto: MotoServer;
  let clients: MotoClients;
  let project: TempProject;
  let files: string;
  let tf: TerraformEnv;
  const keys: TestKey[] = [];

  beforeAll(async () => {
    // The custody and platform stacks: the shared fixture's (the example platform, as the
    // project's cdktf.json), which may still be applying: minutes on a busy two-core machine.
    fixture = await terraformFixture();
    ({ moto, clients, tf } = fixture);
    project = tempProject({});
    files = mkdtempSync(join(tmpdir(), 'asc-keys-inbox-'));
  }, TERRAFORM_TIMEOUT);
  afterAll(() => fixture?.release());

  const cli = (args: string[]) =>
    runCli(args, { cwd: project.dir, env: { ...moto.env, AWS_EC2_METADATA_DISABLED: 'true' } });

  async function importKey(keyId: string): Promise<TestKey> {
    const key = await generateTestKey();
    keys.push(key);
    const p8 = writeP8(files, `AuthKey_${keyId}.p8`, key.pem);
    const r = await cli([
      'import',
      ...['--customer', 'newco', '--app-id', '4000000001', '--key-id', keyId],
      ...[
        '--issuer-id',
        '69a6de7e-1111-47e3-e053-5b8c7c11a4d1',
        '--p8',
        p8,
        '--no-verify',
        '--format',
        'json',
      ],
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    return key;
  }

  const stack = (): string => join(project.dir, 'cdktf.out', 'stacks', 'customer-newco');

  async function synthAndPlan(): Promise<PlannedChange[]> {
    const s = await cli(['synth', '--out', join(project.dir, 'cdktf.out')]);
    expect(s.code, s.stdout + s.stderr).toBe(0);
    await init(tf, stack(), 'customer-newco');
    return planChanges(tf, stack());
  }

  test(
    'the first apply adopts the secret without replacing it or touching its value; later plans are empty',
    async () => {
      const key = await importKey('NEWCO00001');
      const versions = await versionsOf(clients.secretsManager, 'asc-keys/newco');

      const plan = await synthAndPlan();
      const secret = plan.find((c) => c.address === 'aws_secretsmanager_secret.key')!;
      expect(secret.importing).toBe(true);
      // An in-place update of attributes that live only in the state (recovery window), never a replacement.
      expect(['no-op', 'update']).toContain(secret.actions.join(','));
      expect(plan.flatMap((c) => c.actions)).not.toContain('delete');
      expect(
        plan
          .filter((c) => c.actions.includes('create'))
          .map((c) => c.address)
          .sort(),
      ).toEqual([
        'aws_scheduler_schedule.reminder_0d',
        'aws_scheduler_schedule.reminder_30d',
        'aws_scheduler_schedule.reminder_7d',
        'aws_secretsmanager_secret_policy.key_policy',
      ]);
      await applyPlan(tf, stack());

      expect(await versionsOf(clients.secretsManager, 'asc-keys/newco')).toEqual(versions);
      expect((await valueOf(clients.secretsManager, 'asc-keys/newco')).key).toBe(key.pem);
      expect((await planChanges(tf, stack())).every((c) => c.actions.join() === 'no-op')).toBe(true);

      const drift = await cli(['check', 'drift', '--customer', 'newco', '--format', 'json']);
      expect(JSON.parse(drift.stdout).findings).toEqual([]);
      expect(drift.code).toBe(0);
    },
    TERRAFORM_TIMEOUT,
  );

  test(
    'a rotation after it: the apply updates tags and description in place; the new key waits as the pending version, the current one stays',
    async () => {
      const before = labelled(await versionsOf(clients.secretsManager, 'asc-keys/newco'));
      const current = (await valueOf(clients.secretsManager, 'asc-keys/newco')).key;
      const fresh = await importKey('NEWCO00002');
      const after = labelled(await versionsOf(clients.secretsManager, 'asc-keys/newco'));
      expect(after).toHaveLength(2);
      expect(after).not.toEqual(before);

      const plan = await synthAndPlan();
      const secret = plan.find((c) => c.address === 'aws_secretsmanager_secret.key')!;
      expect(secret).toMatchObject({ actions: ['update'], importing: false });
      expect(plan.flatMap((c) => c.actions)).not.toContain('delete');
      await applyPlan(tf, stack());
      expect(labelled(await versionsOf(clients.secretsManager, 'asc-keys/newco'))).toEqual(after);
      // Terraform never touches a value: the key takes effect when the deploy promotes it.
      expect((await valueOf(clients.secretsManager, 'asc-keys/newco')).key).toBe(current);
      expect((await valueOf(clients.secretsManager, 'asc-keys/newco', 'AWSPENDING')).key).toBe(fresh.pem);
      expect(fresh.pem).not.toBe(current);
    },
    TERRAFORM_TIMEOUT,
  );

  test('no key material in the Terraform state or the synthesized stacks', () => {
    const state = readFileSync(join(tf.stateDir, 'customer-newco.tfstate'), 'utf8');
    const stack = readFileSync(
      join(project.dir, 'cdktf.out', 'stacks', 'customer-newco', 'cdk.tf.json'),
      'utf8',
    );
    for (const text of [state, stack]) {
      expect(text).not.toMatch(/PRIVATE KEY/);
      for (const n of keys.flatMap((k) => keyNeedles(k))) expect(text.includes(n)).toBe(false);
    }
  });
});
