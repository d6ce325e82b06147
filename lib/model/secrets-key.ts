import type { DesiredKmsKey } from './desired-resources.js';
import { viaSecretsManager } from './kms-decrypt.js';
import type { PlatformContext } from './platform-context.js';
import { policy } from './policy-document.js';
import { PLATFORM_TAGS } from './tags.js';

const KMS_ADMIN_ACTIONS = [
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

/** The customer-managed key that encrypts every key secret, with rotation, and its alias. */
export function secretsKey(ctx: PlatformContext): DesiredKmsKey {
  const { names } = ctx;
  return {
    id: 'secrets_key',
    description: 'Encrypts the App Store Connect API keys that asc-keys manages',
    enableKeyRotation: true,
    isEnabled: true,
    deletionWindowInDays: 30,
    policy: policy(
      // Without this statement the account's administrators could lock themselves out of the key.
      {
        Sid: 'AccountAdministers',
        Effect: 'Allow',
        Principal: { AWS: names.accountRootArn },
        Action: KMS_ADMIN_ACTIONS,
        Resource: '*',
      },
      {
        Sid: 'SecretsManagerUses',
        Effect: 'Allow',
        Principal: { AWS: names.accountRootArn },
        Action: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
        ],
        Resource: '*',
        Condition: viaSecretsManager(ctx),
      },
    ),
    tags: PLATFORM_TAGS,
    preventDestroy: false,
    alias: { id: 'secrets_key_alias', name: names.kmsAliasName, arn: names.kmsAliasArn },
  };
}
