import type { PlatformConfig } from '../records/platform-schema.js';
import type { PlatformNames } from './platform-names.js';
import { policy, type PolicyDocument, type PolicyStatement } from './policy-document.js';

/**
 * The sealing key's secret: the private halves of the keys that sealed hand-over blocks are
 * encrypted to (docs/sealed-hand-over.md). Its name sits under the prefix, so the platform key
 * and the prefix-scoped tooling cover it, but "_" never occurs in a customer slug, so no
 * customer's secret can ever be named like it.
 */
export const SEALING_SECRET_LEAF = '_sealing-key';

export const sealingSecretName = (namePrefix: string): string => `${namePrefix}/${SEALING_SECRET_LEAF}`;

/** Secret actions that change or expose the value; only the administrators may change it. */
const VALUE_WRITES = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'];

export interface SealingKeyDesiredState {
  /** Terraform logical IDs in the platform stack. */
  readonly id: string;
  readonly policyId: string;
  readonly name: string;
  readonly description: string;
  readonly kmsKeyId: string;
  readonly recoveryWindowInDays: number;
  /** No `managed-by` tag: that tag marks key secrets, and drift would call this one unmanaged. */
  readonly tags: Readonly<Record<string, string>>;
  readonly policy: PolicyDocument;
  readonly blockPublicPolicy: true;
}

/**
 * The secret and its resource policy; the platform stack owns both, never the value, which
 * `asc-keys sealing-key create` puts. The policy's explicit Denies win over any Allow, so the
 * validator's read of everything under the prefix, and the publisher's, stop short of it.
 */
export function sealingKeyDesiredState(
  platform: PlatformConfig,
  names: PlatformNames,
): SealingKeyDesiredState {
  const readers = [importerRoleArn(platform, names), ...platform.administrators];
  return {
    id: 'sealing_key',
    policyId: 'sealing_key_policy',
    name: sealingSecretName(platform.namePrefix),
    description:
      'asc-keys sealing keys: opens the sealed blocks customers make with the sealing page. Read by the importer role only',
    kmsKeyId: names.kmsAliasName,
    recoveryWindowInDays: 30,
    tags: { purpose: 'sealing-key' },
    policy: policy(
      {
        Sid: 'OnlyImporterAndAdministratorsRead',
        Effect: 'Deny',
        Principal: '*',
        Action: 'secretsmanager:GetSecretValue',
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': readers } },
      },
      {
        Sid: 'OnlyAdministratorsChangeTheValue',
        Effect: 'Deny',
        Principal: '*',
        Action: VALUE_WRITES,
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [...platform.administrators] } },
      },
    ),
    blockPublicPolicy: true,
  };
}

/**
 * The importer role's grant to read the sealing secret, its only read of any value, for the
 * importer role's own policy: GetSecretValue on this secret (its ARN ends in AWS's random
 * six-character suffix), and Decrypt with the platform key only for this secret's encryption
 * context, so the grant cannot be stretched to a customer's key.
 */
export function sealingKeyReadStatements(platform: PlatformConfig, names: PlatformNames): PolicyStatement[] {
  const partition = names.topicArn.split(':')[1]!;
  const arn = `arn:${partition}:secretsmanager:${platform.region}:${platform.accountId}:secret:${sealingSecretName(platform.namePrefix)}-??????`;
  return [
    { Sid: 'ReadSealingKey', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: arn },
    {
      Sid: 'DecryptSealingKey',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: `arn:${partition}:kms:${platform.region}:${platform.accountId}:key/*`,
      Condition: {
        StringEquals: { 'kms:ViaService': `secretsmanager.${platform.region}.amazonaws.com` },
        StringLike: { 'kms:EncryptionContext:SecretARN': arn },
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': names.kmsAliasName },
      },
    },
  ];
}

/** `${namePrefix}-importer`, the role of `asc-keys import` (the name the team agreed on). */
function importerRoleArn(platform: PlatformConfig, names: PlatformNames): string {
  return `arn:${names.topicArn.split(':')[1]!}:iam::${platform.accountId}:role/${platform.namePrefix}-importer`;
}
