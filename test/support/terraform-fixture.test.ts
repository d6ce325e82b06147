import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateScheduleCommand, ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  ListSecretsCommand,
} from '@aws-sdk/client-secrets-manager';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { PLATFORM } from './records.js';
import { platformDrift, terraformFixture, type TerraformFixture } from './terraform-fixture.js';

/** What a borrower leaves and what release() does with it: the fixture's moto, the real SDK. */
describe('the shared Terraform fixture', () => {
  let fixture: TerraformFixture;
  let released = false;
  const platform = platformDesiredState(PLATFORM);
  const validator = platform.roles.find((r) => r.id === 'validator_role')!;
  const policy = validator.inlinePolicies[0]!;
  const putValidatorPolicy = (document: unknown) =>
    fixture.clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: validator.name,
        PolicyName: policy.name,
        PolicyDocument: JSON.stringify(document),
      }),
    );

  beforeAll(async () => {
    fixture = await terraformFixture();
  }, 900_000);
  afterAll(async () => {
    if (!fixture || released) return;
    // Whatever a failed assertion left: the fixture goes back as it came.
    await putValidatorPolicy(policy.document);
    await fixture.release();
  });

  test('holds the platform as Terraform applied it; refuses a reset and IAM checks', async () => {
    expect(await platformDrift(fixture.clients)).toEqual([]);
    await expect(fixture.moto.reset()).rejects.toThrow(/shared/);
    await expect(fixture.moto.enforceIam()).rejects.toThrow(/shared/);
  });

  test('a changed platform is what release() refuses to lend on: check drift names it', async () => {
    await putValidatorPolicy({
      ...policy.document,
      Statement: [...policy.document.Statement, { Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
    });
    expect(await platformDrift(fixture.clients)).toEqual([expect.stringContaining(validator.name)]);
    await putValidatorPolicy(policy.document);
    expect(await platformDrift(fixture.clients)).toEqual([]);
  });

  test("release() deletes the borrower's secrets and schedules, even one scheduled for deletion", async () => {
    const { clients } = fixture;
    const group = platform.scheduleGroup.name;
    for (const name of ['asc-keys/fixture-probe', 'asc-keys/fixture-probe-deleted'])
      await clients.secretsManager.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    await clients.secretsManager.send(
      new DeleteSecretCommand({ SecretId: 'asc-keys/fixture-probe-deleted', RecoveryWindowInDays: 7 }),
    );
    await clients.scheduler.send(
      new CreateScheduleCommand({
        Name: 'fixture-probe',
        GroupName: group,
        ScheduleExpression: 'at(2030-01-01T09:00:00)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: platform.topics[0]!.arn, RoleArn: `arn:aws:iam::${PLATFORM.accountId}:role/x` },
      }),
    );
    released = true;
    await fixture.release();
    const secrets = await clients.secretsManager.send(
      new ListSecretsCommand({ IncludePlannedDeletion: true }),
    );
    expect((secrets.SecretList ?? []).map((s) => s.Name).filter((n) => n?.includes('probe'))).toEqual([]);
    const schedules = await clients.scheduler.send(new ListSchedulesCommand({ GroupName: group }));
    expect((schedules.Schedules ?? []).map((s) => s.Name)).not.toContain('fixture-probe');
  });
});
