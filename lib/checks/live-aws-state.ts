import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
  type GetScheduleCommandOutput,
} from '@aws-sdk/client-scheduler';
import {
  GetResourcePolicyCommand,
  ListSecretsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import pLimit from 'p-limit';
import { UsageError } from '../errors.js';
import { MANAGED_BY } from '../model/customer-desired.js';
import { asConfigurationError, describeUnavailable } from '../secrets/aws-errors.js';

/** A key secret as ListSecrets describes it: metadata only, never the value. */
export interface LiveSecret {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly kmsKeyId?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Set when the secret is scheduled for deletion. */
  readonly deletedDate?: Date;
}

export type LiveSchedule = Pick<
  GetScheduleCommandOutput,
  'Name' | 'ScheduleExpression' | 'ScheduleExpressionTimezone' | 'State' | 'Target' | 'FlexibleTimeWindow'
>;

/** AWS could not be read, so the drift check has no answer: exit 2, run again later. */
export class AwsReadError extends UsageError {
  constructor(operation: string, err: unknown) {
    super(
      'AWS_UNAVAILABLE',
      `${operation} failed: ${describeUnavailable(err)}; run again later, with the validator role`,
    );
    this.name = 'AwsReadError';
  }
}

async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw asConfigurationError(err) ?? new AwsReadError(operation, err);
  }
}

/**
 * Every secret tagged managed-by=asc-keys, those scheduled for deletion included, 100 a page:
 * a few calls for the whole account, none per customer.
 */
export async function listManagedSecrets(client: SecretsManagerClient): Promise<LiveSecret[]> {
  const secrets: LiveSecret[] = [];
  let token: string | undefined;
  do {
    const page = await call('ListSecrets', () =>
      client.send(
        new ListSecretsCommand({
          IncludePlannedDeletion: true,
          MaxResults: 100,
          Filters: [
            { Key: 'tag-key', Values: ['managed-by'] },
            { Key: 'tag-value', Values: [MANAGED_BY] },
          ],
          ...(token && { NextToken: token }),
        }),
      ),
    );
    for (const s of page.SecretList ?? []) {
      const tags = Object.fromEntries((s.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      if (tags['managed-by'] !== MANAGED_BY) continue;
      secrets.push({
        name: s.Name!,
        arn: s.ARN!,
        ...(s.Description !== undefined && { description: s.Description }),
        ...(s.KmsKeyId !== undefined && { kmsKeyId: s.KmsKeyId }),
        tags,
        ...(s.DeletedDate && { deletedDate: s.DeletedDate }),
      });
    }
    token = page.NextToken;
  } while (token);
  return secrets;
}

/** The resource policy of each secret (undefined: none), `concurrency` calls at a time. */
export async function getPolicies(
  client: SecretsManagerClient,
  arns: readonly string[],
  concurrency: number,
): Promise<Map<string, string | undefined>> {
  const limit = pLimit(concurrency);
  const entries = await Promise.all(
    arns.map((arn) =>
      limit(
        async () =>
          [
            arn,
            (
              await call('GetResourcePolicy', () =>
                client.send(new GetResourcePolicyCommand({ SecretId: arn })),
              )
            ).ResourcePolicy,
          ] as const,
      ),
    ),
  );
  return new Map(entries);
}

/** The names of the schedules in the group (a page holds 100), then each wanted one in full. */
export async function getSchedules(
  client: SchedulerClient,
  group: string,
  wanted: ReadonlySet<string>,
  concurrency: number,
): Promise<Map<string, LiveSchedule>> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await call('ListSchedules', () =>
      client.send(
        new ListSchedulesCommand({ GroupName: group, MaxResults: 100, ...(token && { NextToken: token }) }),
      ),
    );
    for (const s of page.Schedules ?? []) if (s.Name && wanted.has(s.Name)) names.push(s.Name);
    token = page.NextToken;
  } while (token);
  const limit = pLimit(concurrency);
  const entries = await Promise.all(
    names.map((name) =>
      limit(
        async () =>
          [
            name,
            await call('GetSchedule', () =>
              client.send(new GetScheduleCommand({ Name: name, GroupName: group })),
            ),
          ] as const,
      ),
    ),
  );
  return new Map(entries);
}

/**
 * The key behind the platform alias, so that a secret whose KmsKeyId AWS reports as the key's
 * ID or ARN still matches the alias the stack sets. Undefined when the alias cannot be read.
 */
export async function resolveAlias(
  client: KMSClient,
  alias: string,
): Promise<{ keyId: string; arn: string } | undefined> {
  try {
    const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: alias }));
    return KeyMetadata?.KeyId && KeyMetadata.Arn
      ? { keyId: KeyMetadata.KeyId, arn: KeyMetadata.Arn }
      : undefined;
  } catch (err) {
    const config = asConfigurationError(err);
    if (config) throw config;
    return undefined;
  }
}

export function awsClients(): { scheduler: SchedulerClient; kms: KMSClient } {
  return { scheduler: new SchedulerClient({ maxAttempts: 6 }), kms: new KMSClient({ maxAttempts: 6 }) };
}
