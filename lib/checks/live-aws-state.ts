import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTagsForResourceCommand as ListRuleTagsCommand,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import {
  type IAMClient,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
} from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  type KMSClient,
  paginateListResourceTags,
} from '@aws-sdk/client-kms';
import {
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListTagsForResourceCommand as ListScheduleGroupTagsCommand,
  paginateListSchedules,
  type SchedulerClient,
  type GetScheduleCommandOutput,
} from '@aws-sdk/client-scheduler';
import {
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  paginateListSecrets,
  type Filter,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  paginateListSubscriptionsByTopic,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { SCHEDULE_DEFAULT_ACTION_AFTER_COMPLETION } from '../model/desired-resources.js';
import type { VersionStages } from '../model/key-version.js';
import { MANAGED_BY, TAG } from '../model/tags.js';
import { call, collect, readEach, tagMap } from '../aws/read.js';

/** A key secret as ListSecrets describes it: metadata only, never the value. */
export interface LiveSecret {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly kmsKeyId?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Set when the secret is scheduled for deletion. */
  readonly deletedDate?: Date;
  /** The versions that carry a staging label, and their labels. */
  readonly stages: VersionStages;
  /** The regions it is replicated to; DescribeSecret tells, ListSecrets does not (undefined). */
  readonly replicaRegions?: readonly string[];
}

export type LiveSchedule = Pick<
  GetScheduleCommandOutput,
  | 'Name'
  | 'GroupName'
  | 'ScheduleExpression'
  | 'ScheduleExpressionTimezone'
  | 'State'
  | 'Target'
  | 'FlexibleTimeWindow'
  | 'ActionAfterCompletion'
>;

/** A secret as ListSecrets or DescribeSecret describe it. */
function liveSecret(s: {
  Name?: string | undefined;
  ARN?: string | undefined;
  Description?: string | undefined;
  KmsKeyId?: string | undefined;
  Tags?: { Key?: string | undefined; Value?: string | undefined }[] | undefined;
  DeletedDate?: Date | undefined;
  SecretVersionsToStages?: Record<string, string[]> | undefined;
  ReplicationStatus?: { Region?: string | undefined }[] | undefined;
}): LiveSecret {
  return {
    name: s.Name!,
    arn: s.ARN!,
    ...(s.Description !== undefined && { description: s.Description }),
    ...(s.KmsKeyId !== undefined && { kmsKeyId: s.KmsKeyId }),
    tags: tagMap(s.Tags),
    ...(s.DeletedDate && { deletedDate: s.DeletedDate }),
    stages: s.SecretVersionsToStages ?? {},
    ...(s.ReplicationStatus && { replicaRegions: replicaRegions(s.ReplicationStatus) }),
  };
}

const replicaRegions = (status: readonly { Region?: string | undefined }[]): string[] =>
  status.flatMap((r) => (r.Region ? [r.Region] : [])).sort();

/**
 * This tool's secrets, those scheduled for deletion included, 100 a page: every secret tagged
 * managed-by=asc-keys, and every secret under the name prefix (so a secret whose tag was
 * removed is still found). A few calls for the whole account, none per customer.
 */
export async function listManagedSecrets(
  client: SecretsManagerClient,
  namePrefix: string,
): Promise<LiveSecret[]> {
  const list = (Filters: Filter[]) =>
    collect(
      'ListSecrets',
      paginateListSecrets({ client, pageSize: 100 }, { IncludePlannedDeletion: true, Filters }),
      (p) => p.SecretList,
    );
  const [tagged, named] = await Promise.all([
    list([
      { Key: 'tag-key', Values: [TAG.managedBy] },
      { Key: 'tag-value', Values: [MANAGED_BY] },
    ]),
    list([{ Key: 'name', Values: [namePrefix] }]),
  ]);
  const byArn = new Map<string, LiveSecret>();
  for (const s of [...tagged, ...named]) {
    const tags = tagMap(s.Tags);
    // tag-key and tag-value filter independently; the pair is checked here. The name filter is a prefix match.
    if (tags[TAG.managedBy] !== MANAGED_BY && !s.Name!.startsWith(namePrefix)) continue;
    byArn.set(s.ARN!, liveSecret(s));
  }
  return [...byArn.values()];
}

/** The resource policy of each secret (undefined: none). */
/** Each secret's replica regions (DescribeSecret: ListSecrets does not say), by ARN. */
export async function getReplicaRegions(
  client: SecretsManagerClient,
  arns: readonly string[],
  concurrency: number,
): Promise<Map<string, readonly string[]>> {
  return readEach(arns, concurrency, async (arn) =>
    replicaRegions(
      (await call('DescribeSecret', () => client.send(new DescribeSecretCommand({ SecretId: arn }))))
        .ReplicationStatus ?? [],
    ),
  );
}

export async function getPolicies(
  client: SecretsManagerClient,
  arns: readonly string[],
  concurrency: number,
): Promise<Map<string, string | undefined>> {
  return readEach(
    arns,
    concurrency,
    async (arn) =>
      (await call('GetResourcePolicy', () => client.send(new GetResourcePolicyCommand({ SecretId: arn }))))
        .ResourcePolicy,
  );
}

/** The names of every schedule in the group (a page holds 100). */
export async function listScheduleNames(client: SchedulerClient, group: string): Promise<string[]> {
  const schedules = await collect(
    'ListSchedules',
    paginateListSchedules({ client, pageSize: 100 }, { GroupName: group }),
    (p) => p.Schedules,
  );
  return schedules.map((s) => s.Name!);
}

/** Each named schedule in full (ListSchedules does not return expressions). */
export async function getSchedules(
  client: SchedulerClient,
  group: string,
  names: readonly string[],
  concurrency: number,
): Promise<Map<string, LiveSchedule | undefined>> {
  return readEach(names, concurrency, async (name) => {
    const s = await call(
      'GetSchedule',
      () => client.send(new GetScheduleCommand({ Name: name, GroupName: group })),
      true,
    );
    // AWS omits the action after completion when it is its default.
    return (
      s && {
        ...s,
        ActionAfterCompletion: s.ActionAfterCompletion ?? SCHEDULE_DEFAULT_ACTION_AFTER_COMPLETION,
      }
    );
  });
}

export interface LiveScheduleGroup {
  readonly name: string;
  readonly state?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export async function getScheduleGroup(
  client: SchedulerClient,
  name: string,
): Promise<LiveScheduleGroup | undefined> {
  const g = await call(
    'GetScheduleGroup',
    () => client.send(new GetScheduleGroupCommand({ Name: name })),
    true,
  );
  if (!g) return undefined;
  const tags = await call('ListTagsForResource', () =>
    client.send(new ListScheduleGroupTagsCommand({ ResourceArn: g.Arn! })),
  );
  return { name: g.Name!, ...(g.State && { state: g.State }), tags: tagMap(tags.Tags) };
}

export interface LiveKey {
  readonly keyId: string;
  readonly arn: string;
  readonly description: string;
  /** False when disabled or pending deletion. */
  readonly enabled: boolean;
  readonly rotationEnabled: boolean;
  readonly policy: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The key behind an alias, with its policy, rotation and tags; undefined when the alias does not exist. */
export async function getKeyByAlias(client: KMSClient, alias: string): Promise<LiveKey | undefined> {
  const described = await call(
    'DescribeKey',
    () => client.send(new DescribeKeyCommand({ KeyId: alias })),
    true,
  );
  const meta = described?.KeyMetadata;
  if (!meta?.KeyId) return undefined;
  const KeyId = meta.KeyId;
  const [policy, rotation, tags] = await Promise.all([
    call('GetKeyPolicy', () => client.send(new GetKeyPolicyCommand({ KeyId, PolicyName: 'default' }))),
    call('GetKeyRotationStatus', () => client.send(new GetKeyRotationStatusCommand({ KeyId }))),
    collect('ListResourceTags', paginateListResourceTags({ client }, { KeyId }), (p) =>
      p.Tags?.map((t) => ({ Key: t.TagKey, Value: t.TagValue })),
    ),
  ]);
  return {
    keyId: KeyId,
    arn: meta.Arn!,
    description: meta.Description ?? '',
    enabled: meta.Enabled ?? false,
    rotationEnabled: rotation.KeyRotationEnabled ?? false,
    policy: policy.Policy ?? '',
    tags: tagMap(tags),
  };
}

export interface LiveRole {
  readonly name: string;
  readonly description: string;
  readonly trust: string;
  readonly maxSessionDuration?: number;
  readonly tags: Readonly<Record<string, string>>;
  /** Inline policies by name. */
  readonly inlinePolicies: ReadonlyMap<string, string>;
  readonly attachedPolicyArns: readonly string[];
}

/** IAM returns policy documents URL-encoded. */
const decodePolicy = (doc: string | undefined): string =>
  doc === undefined ? '' : doc.startsWith('%') ? decodeURIComponent(doc) : doc;

export async function getRole(client: IAMClient, name: string): Promise<LiveRole | undefined> {
  const got = await call('GetRole', () => client.send(new GetRoleCommand({ RoleName: name })), true);
  const role = got?.Role;
  if (!role) return undefined;
  const [policyNames, attached] = await Promise.all([
    collect(
      'ListRolePolicies',
      paginateListRolePolicies({ client }, { RoleName: name }),
      (p) => p.PolicyNames,
    ),
    collect(
      'ListAttachedRolePolicies',
      paginateListAttachedRolePolicies({ client }, { RoleName: name }),
      (p) => p.AttachedPolicies?.map((a) => a.PolicyArn!),
    ),
  ]);
  const inline = await Promise.all(
    policyNames.map(async (PolicyName) => {
      const p = await call('GetRolePolicy', () =>
        client.send(new GetRolePolicyCommand({ RoleName: name, PolicyName })),
      );
      return [PolicyName, decodePolicy(p.PolicyDocument)] as const;
    }),
  );
  return {
    name,
    description: role.Description ?? '',
    trust: decodePolicy(role.AssumeRolePolicyDocument),
    ...(role.MaxSessionDuration !== undefined && { maxSessionDuration: role.MaxSessionDuration }),
    tags: tagMap(role.Tags),
    inlinePolicies: new Map(inline),
    attachedPolicyArns: attached,
  };
}

export interface LiveTopic {
  readonly arn: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly subscriptions: readonly {
    readonly protocol: string;
    readonly endpoint: string;
    /** "PendingConfirmation" until the endpoint confirms (no attributes to read before that). */
    readonly arn: string;
  }[];
}

/** The subscription attributes that change what a subscriber receives, as SNS reports them. */
export interface LiveSubscriptionAttributes {
  readonly filterPolicy?: string;
  readonly redrivePolicy?: string;
  readonly rawMessageDelivery: string;
}

export async function getTopic(client: SNSClient, arn: string): Promise<LiveTopic | undefined> {
  const got = await call(
    'GetTopicAttributes',
    () => client.send(new GetTopicAttributesCommand({ TopicArn: arn })),
    true,
  );
  if (!got) return undefined;
  const [tags, subscriptions] = await Promise.all([
    call('ListTagsForResource', () => client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))),
    collect(
      'ListSubscriptionsByTopic',
      paginateListSubscriptionsByTopic({ client }, { TopicArn: arn }),
      (p) =>
        p.Subscriptions?.map((s) => ({
          protocol: s.Protocol ?? '',
          endpoint: s.Endpoint ?? '',
          arn: s.SubscriptionArn ?? '',
        })),
    ),
  ]);
  return { arn, attributes: got.Attributes ?? {}, tags: tagMap(tags.Tags), subscriptions };
}

export interface LiveEventRule {
  readonly name: string;
  readonly description: string;
  readonly state: string;
  readonly eventPattern: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly targets: readonly {
    readonly id: string;
    readonly arn: string;
    readonly roleArn?: string;
    readonly transformed: boolean;
  }[];
}

/** A rule of the default event bus with its targets and tags; undefined when it does not exist. */
export async function getEventRule(
  client: EventBridgeClient,
  name: string,
): Promise<LiveEventRule | undefined> {
  const rule = await call('DescribeRule', () => client.send(new DescribeRuleCommand({ Name: name })), true);
  if (!rule) return undefined;
  // A rule has at most five targets: one page.
  const [targets, tags] = await Promise.all([
    call('ListTargetsByRule', () => client.send(new ListTargetsByRuleCommand({ Rule: name }))),
    call('ListTagsForResource', () => client.send(new ListRuleTagsCommand({ ResourceARN: rule.Arn! }))),
  ]);
  return {
    name,
    description: rule.Description ?? '',
    state: rule.State ?? '',
    eventPattern: rule.EventPattern ?? '',
    tags: tagMap(tags.Tags),
    targets: (targets.Targets ?? []).map((t) => ({
      id: t.Id ?? '',
      arn: t.Arn ?? '',
      ...(t.RoleArn && { roleArn: t.RoleArn }),
      // Anything but the whole event (an input, a path, a transformer) changes what an alert says.
      transformed: Boolean(t.Input ?? t.InputPath ?? t.InputTransformer),
    })),
  };
}

/** A confirmed subscription's filter, redrive and raw delivery; undefined when it is gone. */
export async function getSubscriptionAttributes(
  client: SNSClient,
  arn: string,
): Promise<LiveSubscriptionAttributes | undefined> {
  const got = await call(
    'GetSubscriptionAttributes',
    () => client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn })),
    true,
  );
  if (!got) return undefined;
  const a = got.Attributes ?? {};
  return {
    ...(a.FilterPolicy && { filterPolicy: a.FilterPolicy }),
    ...(a.RedrivePolicy && { redrivePolicy: a.RedrivePolicy }),
    rawMessageDelivery: a.RawMessageDelivery ?? 'false',
  };
}

/**
 * A client for another region's EventBridge, with the home client's credentials and endpoint:
 * IAM's events reach EventBridge only in us-east-1, where the IAM alert rule lives.
 */
export function eventsClientIn(home: EventBridgeClient, region: string): EventBridgeClient {
  const { credentials, endpoint, isCustomEndpoint, maxAttempts } = home.config;
  return new EventBridgeClient({
    region,
    credentials,
    maxAttempts,
    ...(isCustomEndpoint && endpoint && { endpoint }),
  });
}

/** One secret by name (the platform's sealing key), as ListSecrets would describe it. */
export async function describeSecret(
  client: SecretsManagerClient,
  name: string,
): Promise<LiveSecret | undefined> {
  const s = await call(
    'DescribeSecret',
    () => client.send(new DescribeSecretCommand({ SecretId: name })),
    true,
  );
  return s?.ARN ? liveSecret(s) : undefined;
}

export interface LiveOidcProvider {
  /** Without its scheme, as IAM reports it. */
  readonly url: string;
  readonly clientIds: readonly string[];
  readonly thumbprints: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

export async function getOidcProvider(client: IAMClient, arn: string): Promise<LiveOidcProvider | undefined> {
  const p = await call(
    'GetOpenIDConnectProvider',
    () => client.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
    true,
  );
  if (!p) return undefined;
  return {
    url: p.Url ?? '',
    clientIds: p.ClientIDList ?? [],
    thumbprints: p.ThumbprintList ?? [],
    tags: tagMap(p.Tags),
  };
}
