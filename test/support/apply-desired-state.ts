import type { AwsClients } from '../../lib/aws/clients.js';
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DisableKeyCommand,
  EnableKeyRotationCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  ListSecretsCommand,
  PutResourcePolicyCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  CreateTopicCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { SecretWriter } from '../../lib/import/secret-writer.js';
import { eventsClientIn } from '../../lib/checks/live-aws-state.js';
import { keyVersionId } from '../../lib/model/key-version.js';
import { isKeyProblem, parseKeyValue } from '../../lib/secrets/parse-key-value.js';
import { publicKeyThumbprint } from '../../lib/secrets/thumbprint.js';
import type { CustomerDesiredState } from '../../lib/model/customer-desired.js';
import type {
  DesiredKmsKey,
  DesiredSchedule,
  DesiredSecret,
  Tags,
} from '../../lib/model/desired-resources.js';
import type { PlatformDesiredState } from '../../lib/model/platform-desired.js';
import type { MotoServer } from './moto.js';

/**
 * Applies the model's desired state with the SDK, attribute by attribute as Terraform would:
 * every value comes from the model, so this helper holds no copy of any. Fast (no provider to
 * start), for tests of drift that change one thing at a time; test/terraform proves the same
 * state with real Terraform.
 */
export type MotoClients = AwsClients;

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
    iam: new IAMClient(config),
    sns: new SNSClient(config),
    events: new EventBridgeClient(config),
  };
}

const tagList = (tags: Tags): { Key: string; Value: string }[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** A platform key, its rotation and state, and its alias. */
async function applyKey(clients: MotoClients, k: DesiredKmsKey): Promise<void> {
  const { KeyMetadata } = await clients.kms.send(
    new CreateKeyCommand({
      Description: k.description,
      Policy: JSON.stringify(k.policy),
      Tags: Object.entries(k.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
    }),
  );
  if (k.enableKeyRotation)
    await clients.kms.send(new EnableKeyRotationCommand({ KeyId: KeyMetadata!.KeyId }));
  if (!k.isEnabled) await clients.kms.send(new DisableKeyCommand({ KeyId: KeyMetadata!.KeyId }));
  await clients.kms.send(
    new CreateAliasCommand({ AliasName: k.alias.name, TargetKeyId: KeyMetadata!.KeyId }),
  );
}

/** The platform stack: the keys and their aliases, topics and subscriptions, the schedule group, the alert rules, the roles. */
export async function applyPlatform(clients: MotoClients, desired: PlatformDesiredState): Promise<void> {
  await applyKey(clients, desired.kmsKey);
  await applyKey(clients, desired.snsKey);
  for (const t of desired.topics) {
    const { TopicArn } = await clients.sns.send(
      new CreateTopicCommand({
        Name: t.name,
        Tags: tagList(t.tags),
        ...(t.kmsMasterKeyId && { Attributes: { KmsMasterKeyId: t.kmsMasterKeyId } }),
      }),
    );
    if (t.policy)
      await clients.sns.send(
        new SetTopicAttributesCommand({
          TopicArn,
          AttributeName: 'Policy',
          AttributeValue: JSON.stringify(t.policy.document),
        }),
      );
  }
  for (const s of desired.subscriptions)
    await clients.sns.send(
      new SubscribeCommand({ TopicArn: s.topicArn, Protocol: s.protocol, Endpoint: s.endpoint }),
    );
  const g = desired.scheduleGroup;
  await clients.scheduler.send(new CreateScheduleGroupCommand({ Name: g.name, Tags: tagList(g.tags) }));
  for (const r of desired.alertRules) {
    // The IAM rule lives in IAM's event region, as the stack's provider alias puts it.
    const events = r.region ? eventsClientIn(clients.events, r.region) : clients.events;
    await events.send(
      new PutRuleCommand({
        Name: r.name,
        Description: r.description,
        State: r.state,
        EventPattern: JSON.stringify(r.eventPattern),
        Tags: tagList(r.tags),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: r.name,
        Targets: [
          {
            Id: r.target.targetId,
            Arn: r.target.arn,
            ...(r.target.roleArn && { RoleArn: r.target.roleArn }),
          },
        ],
      }),
    );
    if (events !== clients.events) events.destroy();
  }
  for (const r of desired.roles) {
    await clients.iam.send(
      new CreateRoleCommand({
        RoleName: r.name,
        Description: r.description,
        AssumeRolePolicyDocument: JSON.stringify(r.trust),
        MaxSessionDuration: r.maxSessionDuration,
        Tags: tagList(r.tags),
      }),
    );
    for (const p of r.inlinePolicies)
      await clients.iam.send(
        new PutRolePolicyCommand({
          RoleName: r.name,
          PolicyName: p.name,
          PolicyDocument: JSON.stringify(p.document),
        }),
      );
  }
  // The sealing key's secret and its policy, without a value: an administrator makes the key.
  const s = desired.sealingKey;
  const sealing = await clients.secretsManager.send(
    new CreateSecretCommand({
      Name: s.name,
      Description: s.description,
      KmsKeyId: s.kmsKeyId,
      Tags: tagList(s.tags),
    }),
  );
  await clients.secretsManager.send(
    new PutResourcePolicyCommand({
      SecretId: sealing.ARN,
      ResourcePolicy: JSON.stringify(s.policy),
      BlockPublicPolicy: s.blockPublicPolicy,
    }),
  );
  const oidc = desired.githubOidcProvider;
  if (oidc)
    await clients.iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: oidc.url,
        ClientIDList: [...oidc.clientIds],
        ThumbprintList: [...oidc.thumbprints],
        Tags: tagList(oidc.tags),
      }),
    );
}

/** A reminder schedule, as the customer stack creates it. */
export async function applySchedule(clients: MotoClients, r: DesiredSchedule): Promise<void> {
  await clients.scheduler.send(
    new CreateScheduleCommand({
      Name: r.name,
      GroupName: r.groupName,
      ScheduleExpression: r.scheduleExpression,
      ScheduleExpressionTimezone: r.scheduleExpressionTimezone,
      State: r.state,
      FlexibleTimeWindow: { Mode: r.flexibleTimeWindow.mode },
      ActionAfterCompletion: r.actionAfterCompletion,
      Target: { Arn: r.target.arn, RoleArn: r.target.roleArn, Input: r.target.input },
    }),
  );
}

/**
 * The key secret as `asc-keys import` stores it before its customer stack exists, through
 * import's own SecretWriter: the model's name, description, KMS key and tags, and `value` as
 * its pending version, under the ID a record names (secret name, Key ID, fingerprint) when the
 * value is a key; a value that is none gets an ID no record names. Returns the secret's ARN.
 */
export async function storeAsImport(
  clients: Pick<MotoClients, 'secretsManager'>,
  s: DesiredSecret,
  value: string,
): Promise<string> {
  const writer = new SecretWriter(clients.secretsManager);
  await writer.create(s, value, await versionOf(s.name, value), () => undefined);
  const stored = await writer.describe(s.name);
  if (!stored.exists) throw new Error(`${s.name} was not stored`);
  return stored.arn;
}

async function versionOf(name: string, value: string): Promise<string> {
  const key = await parseKeyValue(value);
  if (isKeyProblem(key) || key.keyId === undefined) return randomUUID();
  return keyVersionId(name, key.keyId, await publicKeyThumbprint(key.publicJwk));
}

/**
 * What the deploy does to a new customer's staged key once its stack is applied: the first
 * version is already AWSCURRENT (AWS makes it so), and AWSPENDING comes off it.
 */
async function promoteAsDeploy(clients: Pick<MotoClients, 'secretsManager'>, arn: string): Promise<void> {
  const d = await clients.secretsManager.send(new DescribeSecretCommand({ SecretId: arn }));
  for (const [version, stages] of Object.entries(d.VersionIdsToStages ?? {}))
    if (stages.includes('AWSPENDING'))
      await clients.secretsManager.send(
        new UpdateSecretVersionStageCommand({
          SecretId: arn,
          VersionStage: 'AWSPENDING',
          RemoveFromVersionId: version,
        }),
      );
}

/** One customer stack; `value` as import stores it. Returns the secret's ARN. */
export async function applyCustomer(
  clients: MotoClients,
  desired: CustomerDesiredState,
  value: string,
): Promise<string> {
  const s = desired.secret!;
  const arn = await storeAsImport(clients, s, value);
  await promoteAsDeploy(clients, arn);
  await clients.secretsManager.send(
    new PutResourcePolicyCommand({
      SecretId: arn,
      ResourcePolicy: JSON.stringify(s.policy),
      BlockPublicPolicy: s.blockPublicPolicy,
    }),
  );
  for (const r of desired.reminders) await applySchedule(clients, r);
  return arn;
}

/** Every secret, those scheduled for deletion included. */
export async function secretNames(clients: MotoClients): Promise<string[]> {
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
export async function scheduleNames(clients: MotoClients): Promise<string[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.scheduler.send(new ListSchedulesCommand({ NextToken }));
    names.push(...(page.Schedules ?? []).map((s) => `${s.GroupName}/${s.Name}`));
    NextToken = page.NextToken;
  } while (NextToken);
  return names;
}

/** What a test's ground holds: secret names, and schedules as group/name. */
export interface HeldResources {
  readonly secrets: readonly string[];
  readonly schedules: readonly string[];
}

/** What the account holds now, to sweep back to later. */
export async function heldResources(clients: MotoClients): Promise<HeldResources> {
  return { secrets: await secretNames(clients), schedules: await scheduleNames(clients) };
}

/** Deletes every secret and schedule that `keep` does not hold, a secret scheduled for deletion included. */
export async function sweep(clients: MotoClients, keep: HeldResources): Promise<void> {
  for (const name of await secretNames(clients)) {
    if (keep.secrets.includes(name)) continue;
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
    if (keep.schedules.includes(id)) continue;
    const [GroupName, Name] = id.split('/');
    await clients.scheduler.send(new DeleteScheduleCommand({ GroupName, Name }));
  }
}
