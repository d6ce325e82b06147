import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
  type SecretValueEntry,
} from '@aws-sdk/client-secrets-manager';
import pLimit from 'p-limit';
import { secretsManagerClient } from '../aws/clients.js';
import {
  asConfigurationError,
  describeUnavailable,
  isAccessDenied,
  isServiceError,
  isTransient,
} from '../aws/errors.js';
import type { SecretReference } from './reference.js';
import type { SecretRead, SecretStore } from './secret-store.js';

/** BatchGetSecretValue takes at most 20 IDs a call. */
export const BATCH_SIZE = 20;

export interface AwsSecretsManagerStoreProps {
  /** @default a client from the standard AWS SDK configuration */
  readonly client?: SecretsManagerClient;
  /** Batches in flight at once. @default 4 */
  readonly concurrency?: number;
}

/**
 * `aws-sm:` references: the AWSCURRENT value, read in batches of 20. A secret the batch
 * reports as an error is read once more on its own, so that the SDK's retries and the
 * single-secret error codes apply to it alone.
 */
export class AwsSecretsManagerStore implements SecretStore {
  readonly scheme = 'aws-sm' as const;
  private readonly client: SecretsManagerClient;
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(props: AwsSecretsManagerStoreProps = {}) {
    this.client = props.client ?? secretsManagerClient();
    this.limit = pLimit(props.concurrency ?? 4);
  }

  async readMany(references: readonly SecretReference[]): Promise<Map<string, SecretRead>> {
    const ids = [
      ...new Map(references.filter((r) => r.scheme === 'aws-sm').map((r) => [r.raw, r.secretId])).entries(),
    ];
    const batches: (typeof ids)[] = [];
    for (let i = 0; i < ids.length; i += BATCH_SIZE) batches.push(ids.slice(i, i + BATCH_SIZE));
    const results = new Map<string, SecretRead>();
    await Promise.all(
      batches.map((batch) =>
        this.limit(async () => {
          for (const [raw, read] of await this.readBatch(batch)) results.set(raw, read);
        }),
      ),
    );
    return results;
  }

  private async readBatch(
    batch: readonly [raw: string, secretId: string][],
  ): Promise<[string, SecretRead][]> {
    let values: SecretValueEntry[] = [];
    const failed = new Set<string>();
    try {
      let nextToken: string | undefined;
      do {
        const page = await this.client.send(
          new BatchGetSecretValueCommand({
            SecretIdList: batch.map(([, id]) => id),
            ...(nextToken && { NextToken: nextToken }),
          }),
        );
        values = values.concat(page.SecretValues ?? []);
        for (const e of page.Errors ?? []) if (e.SecretId) failed.add(e.SecretId);
        nextToken = page.NextToken;
      } while (nextToken);
    } catch (err) {
      const config = asConfigurationError(err);
      if (config) throw config;
      if (isTransient(err)) {
        const message = `Secrets Manager did not answer: ${describeUnavailable(err)}; run again later`;
        return batch.map(([raw]) => [raw, { ok: false, code: 'AWS_UNAVAILABLE', message }]);
      }
      // Refused as a whole (a role without BatchGetSecretValue, or one bad ID): each secret
      // is read on its own, so that each gets its own answer.
      for (const [, id] of batch) failed.add(id);
    }
    return Promise.all(
      batch.map(async ([raw, id]): Promise<[string, SecretRead]> => {
        const found = values.find((v) => v.Name === id || v.ARN === id);
        if (found && !failed.has(id)) return [raw, valueOf(found.SecretString, found.SecretBinary, id)];
        return [raw, await this.readOne(id)];
      }),
    );
  }

  private async readOne(id: string): Promise<SecretRead> {
    try {
      const v = await this.client.send(new GetSecretValueCommand({ SecretId: id }));
      return valueOf(v.SecretString, v.SecretBinary, id);
    } catch (err) {
      const config = asConfigurationError(err);
      if (config) throw config;
      return classifyReadError(err, id);
    }
  }
}

function valueOf(text: string | undefined, binary: Uint8Array | undefined, id: string): SecretRead {
  if (text !== undefined) return { ok: true, value: text };
  if (binary !== undefined) return { ok: true, value: Buffer.from(binary).toString('utf8') };
  return {
    ok: false,
    code: 'SECRET_NOT_FOUND',
    message: `the secret ${id} has no current value; import the key with "asc-keys import", then merge, then deploy (docs/rotation.md)`,
  };
}

export function classifyReadError(err: unknown, id: string): SecretRead {
  const e = err as { name?: string; message?: string };
  if (isAccessDenied(err)) {
    return {
      ok: false,
      code: 'SECRET_ACCESS_DENIED',
      message: `Secrets Manager refused to hand out ${id}; check the secret's resource policy and that this run uses the validator role`,
    };
  }
  switch (e.name) {
    case 'ResourceNotFoundException':
      return {
        ok: false,
        code: 'SECRET_NOT_FOUND',
        message: `Secrets Manager has no secret ${id}, or it has no current value; import the key with "asc-keys import", then merge, then deploy (docs/rotation.md), or fix apiKey.secret`,
      };
    case 'InvalidRequestException':
      return {
        ok: false,
        code: 'SECRET_NOT_FOUND',
        message: `the secret ${id} cannot be read (${/deletion|deleted/i.test(e.message ?? '') ? 'it is scheduled for deletion; restore it with "aws secretsmanager restore-secret" before its recovery window ends, or import a new key once it has' : 'invalid request'})`,
      };
    case 'DecryptionFailure':
      return {
        ok: false,
        code: 'SECRET_ACCESS_DENIED',
        message: `the KMS key of ${id} refused to decrypt it; check the key policy and that the key is enabled`,
      };
    default:
      // Throttling, 5xx and network errors are an outage; an answer we do not know is reported
      // as one too (with its name); anything else is a bug, and crashes with its cause.
      if (isTransient(err) || isServiceError(err))
        return {
          ok: false,
          code: 'AWS_UNAVAILABLE',
          message: `Secrets Manager did not answer usefully for ${id}: ${describeUnavailable(err)}; run again later`,
        };
      throw new Error(`reading ${id} from Secrets Manager failed`, { cause: err });
  }
}
