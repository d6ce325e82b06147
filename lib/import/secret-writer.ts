import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { DesiredSecret } from '../model/desired-resources.js';

/** What Secrets Manager has under a name before the import writes: metadata only, never a value. */
export type SecretBefore =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly arn: string;
      readonly deletedOn?: Date;
      /** The version labelled AWSCURRENT, when there is one. */
      readonly current?: string;
      readonly previous?: string;
    };

/** How to take a store back, if the record cannot be written after it. */
export type StoreUndo =
  | { readonly kind: 'none' }
  | { readonly kind: 'delete'; readonly name: string }
  | {
      readonly kind: 'restore';
      readonly name: string;
      readonly version: string;
      readonly before: SecretBefore & { exists: true };
    };

/**
 * The writes of an import, through the importer role's permissions: describe, create (with the
 * model's name, description, KMS key and tags), put a value, move version stages, and delete a
 * secret that this run created. It never reads a value.
 */
export class SecretWriter {
  constructor(private readonly client: SecretsManagerClient) {}

  async describe(name: string): Promise<SecretBefore> {
    try {
      const d = await this.client.send(new DescribeSecretCommand({ SecretId: name }));
      const stages = Object.entries(d.VersionIdsToStages ?? {});
      const holding = (label: string): string | undefined => stages.find(([, s]) => s.includes(label))?.[0];
      const current = holding('AWSCURRENT');
      const previous = holding('AWSPREVIOUS');
      return {
        exists: true,
        arn: d.ARN!,
        ...(d.DeletedDate && { deletedOn: d.DeletedDate }),
        ...(current && { current }),
        ...(previous && { previous }),
      };
    } catch (err) {
      if ((err as { name?: string }).name === 'ResourceNotFoundException') return { exists: false };
      throw err;
    }
  }

  /** A new secret whose first version is the key; exactly the model's metadata, so drift is clean. */
  async create(desired: DesiredSecret, value: string, token: string): Promise<StoreUndo> {
    try {
      await this.client.send(
        new CreateSecretCommand({
          Name: desired.name,
          Description: desired.description,
          KmsKeyId: desired.kmsKeyId,
          Tags: Object.entries(desired.tags).map(([Key, Value]) => ({ Key, Value })),
          SecretString: value,
          ClientRequestToken: token,
        }),
      );
    } catch (err) {
      // A retry of a create whose answer was lost finds the secret that the first attempt made.
      if ((err as { name?: string }).name !== 'ResourceExistsException') throw err;
      const after = await this.describe(desired.name);
      if (!after.exists || after.current !== token) throw err;
    }
    return { kind: 'delete', name: desired.name };
  }

  /** A new version; Secrets Manager labels it AWSCURRENT and the version that held that AWSPREVIOUS. */
  async put(
    name: string,
    before: SecretBefore & { exists: true },
    value: string,
    token: string,
  ): Promise<StoreUndo> {
    await this.client.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: value, ClientRequestToken: token }),
    );
    return { kind: 'restore', name, version: token, before };
  }

  /**
   * Makes sure the version `token` is AWSCURRENT. A put of a version that Secrets Manager already
   * has (one that an undone import left without labels) does nothing, so it is labelled here.
   */
  async makeCurrent(name: string, token: string): Promise<void> {
    const after = await this.describe(name);
    if (!after.exists || after.current === token) return;
    await this.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: token,
        ...(after.current && { RemoveFromVersionId: after.current }),
      }),
    );
  }

  /** Takes a store back: deletes the secret this run created (no recovery window), or moves the labels back. */
  async undo(undo: StoreUndo): Promise<void> {
    if (undo.kind === 'none') return;
    if (undo.kind === 'delete') {
      await this.client.send(
        new DeleteSecretCommand({ SecretId: undo.name, ForceDeleteWithoutRecovery: true }),
      );
      return;
    }
    const { name, version, before } = undo;
    // A secret that had no value (created by Terraform, never imported) gets none back.
    await this.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSCURRENT',
        ...(before.current && { MoveToVersionId: before.current }),
        RemoveFromVersionId: version,
      }),
    );
    // Moving AWSCURRENT back gave AWSPREVIOUS to the new version; give it back to the one that had it.
    const now = await this.describe(name);
    if (!now.exists || now.previous === before.previous) return;
    await this.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSPREVIOUS',
        ...(before.previous && { MoveToVersionId: before.previous }),
        ...(now.previous && { RemoveFromVersionId: now.previous }),
      }),
    );
  }
}
