import type { DesiredSecret } from './desired-resources.js';
import type { PlatformContext } from './platform-context.js';
import { policy, type PolicyStatement } from './policy-document.js';
import { administratorArns, distinct, importerArns } from './principals.js';
import { MANAGE_SECRET_ACTIONS, WRITE_VALUE_ACTIONS } from './secret-policy.js';

/**
 * The sealing key's secret: the private halves of the keys that sealed hand-over blocks are
 * encrypted to (docs/sealed-hand-over.md). Its name (platform-names.ts) sits under the prefix,
 * so the platform key and the prefix-scoped tooling cover it, but "_" never occurs in a
 * customer slug, so no customer's secret can ever be named like it.
 */
export { SEALING_SECRET_LEAF, sealingSecretName } from './platform-names.js';

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
    name: names.sealingSecretName,
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
        // Forced deletion included: only administrators delete it, and never without recovery
        // unless they mean to (a lost sealing key loses every block in flight).
        Sid: 'OnlyAdministratorsChangeOrDeleteIt',
        Effect: 'Deny',
        Principal: '*',
        Action: [...WRITE_VALUE_ACTIONS, ...MANAGE_SECRET_ACTIONS],
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
  const arn = names.sealingSecretArnPattern;
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
