import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { DesiredSecret } from '../model/desired-resources.js';
import { CURRENT, PENDING, PREVIOUS, versionWith, type VersionStages } from '../model/key-version.js';
import { ForeignSecretError, foreignSecretProblems, type SecretCustody } from './foreign-secret.js';

/** What Secrets Manager has under a name before the import writes: metadata only, never a value. */
export type SecretBefore =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly arn: string;
      readonly deletedOn?: Date;
      /** The versions that carry a staging label, and their labels. */
      readonly stages: VersionStages;
      /** The version labelled AWSCURRENT, when there is one. */
      readonly current?: string;
      /** The version labelled AWSPENDING: an import that is not deployed yet. */
      readonly pending?: string;
      readonly previous?: string;
      /** Absent: the AWS managed key (aws/secretsmanager). */
      readonly kmsKeyId?: string;
      readonly replicaRegions: readonly string[];
      readonly tags: Readonly<Record<string, string>>;
    };

export type ExistingSecret = SecretBefore & { exists: true };

/** How to take a store back, if the record cannot be written after it. */
export type StoreUndo =
  | { readonly kind: 'none' }
  | { readonly kind: 'delete'; readonly name: string }
  | {
      readonly kind: 'unstage';
      readonly name: string;
      readonly version: string;
      readonly before: ExistingSecret;
    };

/** What `import --discard` did. */
export type DiscardOutcome =
  | { readonly kind: 'nothing-pending' }
  | { readonly kind: 'unstaged'; readonly version: string }
  | { readonly kind: 'deleted'; readonly version: string; readonly recoveryWindowDays: number };

/**
 * The writes of an import, through the importer role's permissions: describe, create (with the
 * model's name, description, KMS key and tags, and no value), put a value as the pending
 * version, move the pending label, and delete a secret that nothing ever used. It never reads a
 * value, and it never makes a version current: the deploy does that once the record is merged.
 */
export class SecretWriter {
  constructor(
    private readonly client: SecretsManagerClient,
    /** Names the platform key when a secret names it by key ID or ARN rather than by its alias. */
    private readonly kms?: KMSClient,
  ) {}

  async describe(name: string): Promise<SecretBefore> {
    try {
      const d = await this.client.send(new DescribeSecretCommand({ SecretId: name }));
      const stages = d.VersionIdsToStages ?? {};
      const current = versionWith(stages, CURRENT);
      const pending = versionWith(stages, PENDING);
      const previous = versionWith(stages, PREVIOUS);
      return {
        exists: true,
        arn: d.ARN!,
        stages,
        ...(d.DeletedDate && { deletedOn: d.DeletedDate }),
        ...(current && { current }),
        ...(pending && { pending }),
        ...(previous && { previous }),
        ...(d.KmsKeyId !== undefined && { kmsKeyId: d.KmsKeyId }),
        replicaRegions: (d.ReplicationStatus ?? []).flatMap((r) => (r.Region ? [r.Region] : [])),
        tags: Object.fromEntries((d.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
      };
    } catch (err) {
      if ((err as { name?: string }).name === 'ResourceNotFoundException') return { exists: false };
      throw err;
    }
  }

  /**
   * Why an existing secret is not one asc-keys made (foreign-secret.ts), or none: its KMS key,
   * replicas, tags, values (a new customer's) and resource policy, before any write to it.
   */
  async foreignProblems(
    before: ExistingSecret,
    desired: DesiredSecret,
    options: { readonly newCustomer: boolean; readonly version: string },
  ): Promise<string[]> {
    const got = await this.client.send(new GetResourcePolicyCommand({ SecretId: before.arn }));
    const live: SecretCustody = { ...before, ...(got.ResourcePolicy && { policy: got.ResourcePolicy }) };
    const kmsKeyIds = await this.platformKeyIds(desired.kmsKeyId, live.kmsKeyId);
    return foreignSecretProblems(live, { desired, kmsKeyIds, ...options });
  }

  /** The model names the platform key by its alias ARN; AWS may report the key's ID or ARN instead. */
  private async platformKeyIds(aliasArn: string, named: string | undefined): Promise<string[]> {
    const aliasName = aliasArn.replace(/^arn:[^:]+:kms:[^:]*:[^:]*:/, '');
    const ids = [aliasArn, aliasName];
    if (named === undefined || ids.includes(named) || !this.kms) return ids;
    const key = await this.kms.send(new DescribeKeyCommand({ KeyId: aliasArn }));
    return [...ids, key.KeyMetadata?.KeyId ?? '', key.KeyMetadata?.Arn ?? ''].filter(Boolean);
  }

  /**
   * A new customer's secret: exactly the model's metadata (so drift is clean), created without
   * a value, then the key as its pending version.
   */
  async create(
    desired: DesiredSecret,
    value: string,
    version: string,
    /** Told how to take the store back as soon as there is something to take back. */
    undoWith: (undo: StoreUndo) => void,
  ): Promise<void> {
    try {
      await this.client.send(
        new CreateSecretCommand({
          Name: desired.name,
          Description: desired.description,
          KmsKeyId: desired.kmsKeyId,
          Tags: Object.entries(desired.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    } catch (err) {
      // A retry of a create whose answer was lost finds the secret that the first attempt made:
      // one with no version, or only this one. Someone else's, made since the import looked, is refused.
      if ((err as { name?: string }).name !== 'ResourceExistsException') throw err;
      const after = await this.describe(desired.name);
      if (!after.exists) throw err;
      const problems = await this.foreignProblems(after, desired, { newCustomer: true, version });
      if (problems.length) throw new ForeignSecretError(desired.name, problems);
    }
    undoWith({ kind: 'delete', name: desired.name });
    await this.stageValue(desired.name, value, version);
  }

  /** The key as the pending version of an existing secret; a pending version of another key loses its label. */
  async stage(
    name: string,
    before: ExistingSecret,
    value: string,
    version: string,
    undoWith: (undo: StoreUndo) => void,
  ): Promise<void> {
    undoWith({ kind: 'unstage', name, version, before });
    await this.stageValue(name, value, version);
  }

  private async stageValue(name: string, value: string, version: string): Promise<void> {
    await this.client.send(
      new PutSecretValueCommand({
        SecretId: name,
        SecretString: value,
        ClientRequestToken: version,
        VersionStages: [PENDING],
      }),
    );
    const after = await this.describe(name);
    if (!after.exists) throw new Error(`the secret ${name} vanished while the key was stored`);
    // A put of a version that Secrets Manager already has (one a discard or an undo left
    // without labels) does nothing, so the label is moved here.
    if (after.pending !== version)
      await this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: PENDING,
          MoveToVersionId: version,
          ...(after.pending && { RemoveFromVersionId: after.pending }),
        }),
      );
    // Secrets Manager makes the first version of a secret AWSCURRENT as well, whatever the
    // request says, so a new customer's one version carries both labels. Nothing reads it: no
    // merged record names the secret, and AWSPENDING says the record is not merged yet.
  }

  /** Takes a store back: deletes the secret this run created (no recovery window), or moves the pending label back. */
  async undo(undo: StoreUndo): Promise<void> {
    if (undo.kind === 'none') return;
    if (undo.kind === 'delete') {
      await this.client.send(
        new DeleteSecretCommand({ SecretId: undo.name, ForceDeleteWithoutRecovery: true }),
      );
      return;
    }
    const { name, version, before } = undo;
    const now = await this.describe(name);
    if (!now.exists) return;
    if (now.pending === version)
      await this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: PENDING,
          ...(before.pending && { MoveToVersionId: before.pending }),
          RemoveFromVersionId: version,
        }),
      );
  }

  /**
   * `import --discard`: the pending version loses its label (Secrets Manager deletes unlabelled
   * versions in its own time). A secret in which no other version was ever current (an
   * onboarding that was never merged) is deleted with a recovery window, so it can still be
   * restored; `mayDelete` is false where a record still names the secret.
   */
  async discard(
    name: string,
    before: ExistingSecret,
    options: { readonly mayDelete: boolean; readonly recoveryWindowDays: number },
  ): Promise<DiscardOutcome> {
    const version = before.pending;
    if (version === undefined) return { kind: 'nothing-pending' };
    const neverUsed =
      before.previous === undefined &&
      (before.current === undefined || before.current === version) &&
      Object.keys(before.stages).every((v) => v === version);
    if (options.mayDelete && neverUsed) {
      await this.client.send(
        new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: options.recoveryWindowDays }),
      );
      return { kind: 'deleted', version, recoveryWindowDays: options.recoveryWindowDays };
    }
    await this.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: PENDING,
        RemoveFromVersionId: version,
      }),
    );
    return { kind: 'unstaged', version };
  }
}
