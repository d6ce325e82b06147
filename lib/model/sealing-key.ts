import type { DesiredSecret } from './desired-resources.js';
import type { PlatformContext } from './platform-context.js';
import { policy, type PolicyStatement } from './policy-document.js';
import { administratorArns, distinct, importerArns } from './principals.js';

/**
 * The sealing key's secret: the private halves of the keys that sealed hand-over blocks are
 * encrypted to (docs/sealed-hand-over.md). Its name sits under the prefix, so the platform key
 * and the prefix-scoped tooling cover it, but "_" never occurs in a customer slug, so no
 * customer's secret can ever be named like it.
 */
export const SEALING_SECRET_LEAF = '_sealing-key';

export const sealingSecretName = (namePrefix: string): string => `${namePrefix}/${SEALING_SECRET_LEAF}`;

/** The sealing secret's ARN, whose end is AWS's random six-character suffix. */
export function sealingSecretArnPattern(ctx: PlatformContext): string {
  const { platform, names } = ctx;
  return `arn:${names.partition}:secretsmanager:${platform.region}:${platform.accountId}:secret:${sealingSecretName(platform.namePrefix)}-??????`;
}

/** Secret actions that change the value; only the administrators may. */
const VALUE_WRITES = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'];

/**
 * The secret and its resource policy; the platform stack owns both, never the value, which
 * `asc-keys sealing-key create` puts. The policy's explicit Denies win over any Allow, so the
 * validator's read of everything under the prefix, and the publisher's, stop short of it. No
 * `managed-by` tag: that tag marks key secrets, and drift would call this one unmanaged.
 */
export function sealingKeySecret(ctx: PlatformContext): DesiredSecret {
  const { platform, names } = ctx;
  const readers = distinct([...importerArns(ctx), ...administratorArns(ctx)]);
  return {
    id: 'sealing_key',
    policyId: 'sealing_key_policy',
    name: sealingSecretName(platform.namePrefix),
    description:
      'asc-keys sealing keys: opens the sealed blocks customers make with the sealing page. Read by the importer role only',
    kmsKeyId: names.kmsAliasArn,
    recoveryWindowInDays: platform.secretRecoveryWindowDays,
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
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': administratorArns(ctx) } },
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
export function sealingKeyReadStatements(ctx: PlatformContext): PolicyStatement[] {
  const { platform, names } = ctx;
  const arn = sealingSecretArnPattern(ctx);
  return [
    { Sid: 'ReadSealingKey', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: arn },
    {
      Sid: 'DecryptSealingKey',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: names.kmsKeyArnPattern,
      Condition: {
        StringEquals: { 'kms:ViaService': `secretsmanager.${platform.region}.amazonaws.com` },
        StringLike: { 'kms:EncryptionContext:SecretARN': arn },
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': names.kmsAliasName },
      },
    },
  ];
}
