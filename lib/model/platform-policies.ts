import type { PlatformConfig } from '../records/platform-schema.js';
import { githubValidatorTrust } from './github-oidc.js';
import { policy, type PolicyDocument } from './policy-document.js';
import type { PlatformNames } from './platform-names.js';

/** The IAM documents of the platform stack. Least privilege: no "*" action anywhere. */
export interface PlatformPolicies {
  readonly kmsKey: PolicyDocument;
  readonly schedulerTrust: PolicyDocument;
  readonly schedulerPublish: PolicyDocument;
  readonly publisherTrust: PolicyDocument;
  readonly publisherRead: PolicyDocument;
  readonly validatorTrust: PolicyDocument;
  readonly validatorRead: PolicyDocument;
}

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

export function platformPolicies(p: PlatformConfig, n: PlatformNames): PlatformPolicies {
  const viaSecretsManager = {
    StringEquals: { 'kms:ViaService': `secretsmanager.${p.region}.amazonaws.com` },
  };
  const partition = n.topicArn.split(':')[1]!;
  // The key's ID is only known once it exists; its alias is deterministic, so the grant names it.
  const decrypt = {
    Effect: 'Allow' as const,
    Action: 'kms:Decrypt',
    Resource: `arn:${partition}:kms:${p.region}:${p.accountId}:key/*`,
    Condition: {
      ...viaSecretsManager,
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': n.kmsAliasName },
    },
  };
  const accountRoot = `arn:${partition}:iam::${p.accountId}:root`;
  return {
    kmsKey: policy(
      // Without this statement the account's administrators could lock themselves out of the key.
      {
        Sid: 'AccountAdministers',
        Effect: 'Allow',
        Principal: { AWS: accountRoot },
        Action: KMS_ADMIN_ACTIONS,
        Resource: '*',
      },
      {
        Sid: 'SecretsManagerUses',
        Effect: 'Allow',
        Principal: { AWS: accountRoot },
        Action: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
        ],
        Resource: '*',
        Condition: viaSecretsManager,
      },
    ),
    schedulerTrust: policy({
      Effect: 'Allow',
      Principal: { Service: 'scheduler.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': p.accountId } },
    }),
    schedulerPublish: policy({ Effect: 'Allow', Action: 'sns:Publish', Resource: n.topicArn }),
    publisherTrust: policy({
      Effect: 'Allow',
      Principal: { AWS: p.publisherTrustedPrincipals },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      // The session must say which customer it publishes for; the read policy matches that tag.
      Condition: { StringLike: { 'aws:RequestTag/customer': '?*' } },
    }),
    publisherRead: policy(
      {
        Sid: 'ReadOwnCustomersKey',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: n.secretArnPattern,
        Condition: {
          StringEquals: {
            'secretsmanager:ResourceTag/customer': '${aws:PrincipalTag/customer}',
            'secretsmanager:ResourceTag/managed-by': 'asc-keys',
          },
        },
      },
      { ...decrypt, Sid: 'DecryptThroughSecretsManager' },
    ),
    validatorTrust: policy(
      { Effect: 'Allow', Principal: { AWS: p.validatorTrustedPrincipals }, Action: 'sts:AssumeRole' },
      ...githubValidatorTrust(p, n),
    ),
    validatorRead: policy(
      {
        Sid: 'ReadAndDescribeKeys',
        Effect: 'Allow',
        Action: [
          'secretsmanager:GetSecretValue',
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetResourcePolicy',
          'secretsmanager:ListSecretVersionIds',
        ],
        Resource: n.secretArnPattern,
      },
      // These two actions take no resource ARN; BatchGetSecretValue still needs GetSecretValue on each secret.
      {
        Sid: 'ListAndBatchRead',
        Effect: 'Allow',
        Action: [
          'secretsmanager:ListSecrets',
          'secretsmanager:BatchGetSecretValue',
          'scheduler:ListSchedules',
        ],
        Resource: '*',
      },
      {
        Sid: 'ReadReminders',
        Effect: 'Allow',
        Action: 'scheduler:GetSchedule',
        Resource: `arn:${partition}:scheduler:${p.region}:${p.accountId}:schedule/${n.scheduleGroupName}/*`,
      },
      { ...decrypt, Sid: 'DecryptThroughSecretsManager' },
      // check drift resolves the alias once, so a secret reported with the key's ARN still matches.
      {
        Sid: 'DescribePlatformKey',
        Effect: 'Allow',
        Action: 'kms:DescribeKey',
        Resource: decrypt.Resource,
        Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': n.kmsAliasName } },
      },
    ),
  };
}
