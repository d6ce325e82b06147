import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import {
  CreateSecretCommand,
  PutResourcePolicyCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { CustomerDesiredState } from '../../lib/model/customer-desired.js';
import type { PlatformNames } from '../../lib/model/platform-names.js';
import type { MotoServer } from './moto.js';

export interface MotoClients {
  readonly secretsManager: SecretsManagerClient;
  readonly scheduler: SchedulerClient;
  readonly kms: KMSClient;
}

export function motoClients(moto: MotoServer): MotoClients {
  const config = {
    endpoint: moto.url,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  return {
    secretsManager: new SecretsManagerClient(config),
    scheduler: new SchedulerClient(config),
    kms: new KMSClient(config),
  };
}

/** The platform resources the customer stacks refer to by name: the KMS key and alias, the schedule group. */
export async function applyPlatform(clients: MotoClients, names: PlatformNames): Promise<void> {
  const { KeyMetadata } = await clients.kms.send(new CreateKeyCommand({ Description: 'asc-keys' }));
  await clients.kms.send(
    new CreateAliasCommand({ AliasName: names.kmsAliasName, TargetKeyId: KeyMetadata!.KeyId }),
  );
  await clients.scheduler.send(new CreateScheduleGroupCommand({ Name: names.scheduleGroupName }));
}

/** One customer stack, created with the SDK the way Terraform would create it; `value` as import stores it. */
export async function applyCustomer(
  clients: MotoClients,
  desired: CustomerDesiredState,
  value: string | undefined,
): Promise<string> {
  const s = desired.secret!;
  const created = await clients.secretsManager.send(
    new CreateSecretCommand({
      Name: s.name,
      Description: s.description,
      KmsKeyId: s.kmsKeyId,
      Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })),
      ...(value !== undefined && { SecretString: value }),
    }),
  );
  await clients.secretsManager.send(
    new PutResourcePolicyCommand({
      SecretId: created.ARN,
      ResourcePolicy: JSON.stringify(s.policy),
      BlockPublicPolicy: true,
    }),
  );
  for (const r of desired.reminders) {
    await clients.scheduler.send(
      new CreateScheduleCommand({
        Name: r.name,
        GroupName: r.groupName,
        ScheduleExpression: r.scheduleExpression,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: r.targetArn, RoleArn: r.roleArn, Input: r.message },
      }),
    );
  }
  return created.ARN!;
}
