import { requesterArns } from './requester-role.js';
import type { DesiredKmsKey } from './desired-resources.js';
import { viaSecretsManager } from './kms-decrypt.js';
import type { PlatformContext } from './platform-context.js';
import { policy, type PolicyDocument, type PolicyStatement } from './policy-document.js';
import { administratorArns, deployerArns, distinct, importerArns } from './principals.js';
import { PLATFORM_TAGS } from './tags.js';

/** What administering a key means: every key policy grants these to the administrators only. */
export const KMS_ADMIN_ACTIONS = [
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:RotateKeyOnDemand',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:UpdateKeyDescription',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/**
 * A customer-managed key of the platform: rotation on, enabled, AWS's longest deletion window,
 * kept from `terraform destroy`, behind its deterministic alias (`<id>_alias`).
 */
export function platformKey(
  id: string,
  description: string,
  policy: PolicyDocument,
  alias: { readonly name: string; readonly arn: string },
): DesiredKmsKey {
  return {
    id,
    description,
    enableKeyRotation: true,
    isEnabled: true,
    deletionWindowInDays: 30,
    policy,
    tags: PLATFORM_TAGS,
    preventDestroy: true,
    alias: { id: `${id}_alias`, ...alias },
  };
}

/**
 * Every platform key's first statement: the administrators administer it, no one else. Not the
 * deployers: a key's policy, state and aliases are the custody stack's, which only
 * administrators apply.
 */
export function administerKey(ctx: PlatformContext): PolicyStatement {
  return {
    Sid: 'AdministratorsAdminister',
    Effect: 'Allow',
    Principal: { AWS: ctx.names.accountRootArn },
    Action: KMS_ADMIN_ACTIONS,
    Resource: '*',
    Condition: { ArnEquals: { 'aws:PrincipalArn': administratorArns(ctx) } },
  };
}

/** The customer-managed key that encrypts every key secret, and its alias. */
export function secretsKey(ctx: PlatformContext): DesiredKmsKey {
  const { names } = ctx;
  return platformKey(
    'secrets_key',
    'Encrypts the App Store Connect API keys that asc-keys manages',
    secretsKeyPolicy(ctx),
    { name: names.kmsAliasName, arn: names.kmsAliasArn },
  );
}

/**
 * The key's policy names who administers and who uses it, instead of handing every decision
 * to IAM: principals are matched with aws:PrincipalArn (the account root as Principal, so a
 * role that does not exist yet is no invalid principal). Use is only through Secrets Manager,
 * for this tool's secrets: the encryption context Secrets Manager sets (SecretARN) must name
 * a secret under the prefix.
 */
export function secretsKeyPolicy(ctx: PlatformContext): PolicyDocument {
  const { names } = ctx;
  const admins = administratorArns(ctx);
  const forOurSecrets = {
    ...viaSecretsManager(ctx),
    StringLike: { 'kms:EncryptionContext:SecretARN': names.secretArnPattern },
  };
  const only = (arns: string[]): { ArnEquals: Record<string, string[]> } => ({
    ArnEquals: { 'aws:PrincipalArn': arns },
  });
  return policy(
    administerKey(ctx),
    {
      Sid: 'ReadersDecryptTheirSecrets',
      Effect: 'Allow',
      Principal: { AWS: names.accountRootArn },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: {
        ...forOurSecrets,
        ...only(
          distinct([
            names.publisherRoleArn,
            names.validatorRoleArn,
            ...requesterArns(ctx),
            ...administratorArns(ctx),
          ]),
        ),
      },
    },
    // The importer reads one value, the sealing key (import --sealed): Secrets Manager names the
    // secret in the encryption context, so no customer's key can be opened with this grant.
    ...importerArns(ctx).map((importer): PolicyStatement => ({
      Sid: 'ImporterDecryptsTheSealingKey',
      Effect: 'Allow',
      Principal: { AWS: names.accountRootArn },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: {
        ...viaSecretsManager(ctx),
        StringLike: { 'kms:EncryptionContext:SecretARN': ctx.names.sealingSecretArnPattern },
        ArnEquals: { 'aws:PrincipalArn': [importer] },
      },
    })),
    {
      Sid: 'WritersEncryptTheirSecrets',
      Effect: 'Allow',
      Principal: { AWS: names.accountRootArn },
      Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
      Resource: '*',
      Condition: { ...forOurSecrets, ...only(distinct([...importerArns(ctx), ...admins])) },
    },
    {
      Sid: 'DescribeForDriftAndDeploys',
      Effect: 'Allow',
      Principal: { AWS: names.accountRootArn },
      Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
      Resource: '*',
      Condition: only(
        distinct([names.validatorRoleArn, ...importerArns(ctx), ...admins, ...deployerArns(ctx)]),
      ),
    },
  );
}
