import type { PlatformConfig } from '../records/platform-schema.js';
import { MANAGED_BY } from './customer-desired.js';
import type { PlatformNames } from './platform-names.js';
import { policy, type PolicyDocument } from './policy-document.js';

/** The tags a key secret carries (customer-desired.ts); the importer may set these and no others. */
export const SECRET_TAG_KEYS = ['customer', 'app', 'key-id', 'managed-by'] as const;

/** The role that `asc-keys import` runs with: the desired state the platform stack is built from. */
export interface ImporterRoleModel {
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  readonly trust: PolicyDocument;
  readonly permissions: PolicyDocument;
}

/**
 * `${namePrefix}-importer`, assumed by the principals in `importerTrustedPrincipals`. It creates
 * key secrets under the name prefix, only tagged managed-by=asc-keys and encrypted with the
 * platform key; puts values and moves version stages on such secrets; deletes a secret (the
 * undo of an import whose record could not be written). It never reads a value: it has no
 * GetSecretValue or BatchGetSecretValue, and every key secret's policy denies reading to all
 * but the publisher, the validator and the administrators. Absent when no principal is trusted.
 */
export function importerRole(p: PlatformConfig, n: PlatformNames): ImporterRoleModel | undefined {
  const trusted = p.importerTrustedPrincipals;
  if (!trusted?.length) return undefined;
  const partition = n.topicArn.split(':')[1]!;
  const name = `${p.namePrefix}-importer`;
  const ours = { 'secretsmanager:ResourceTag/managed-by': MANAGED_BY };
  const taggedOnCreate = {
    StringEquals: { 'aws:RequestTag/managed-by': MANAGED_BY },
    'ForAllValues:StringEquals': { 'aws:TagKeys': [...SECRET_TAG_KEYS] },
  };
  return {
    name,
    arn: `arn:${partition}:iam::${p.accountId}:role/${name}`,
    description: 'asc-keys import: creates key secrets and stores new key versions; never reads a value',
    trust: policy({
      Effect: 'Allow',
      Principal: { AWS: trusted },
      Action: 'sts:AssumeRole',
    }),
    permissions: policy(
      {
        Sid: 'CreateKeySecrets',
        Effect: 'Allow',
        Action: 'secretsmanager:CreateSecret',
        Resource: n.secretArnPattern,
        Condition: {
          ...taggedOnCreate,
          StringEquals: { ...taggedOnCreate.StringEquals, 'secretsmanager:KmsKeyId': n.kmsAliasName },
        },
      },
      // CreateSecret with tags also needs TagResource, for the same tags.
      {
        Sid: 'TagOnCreate',
        Effect: 'Allow',
        Action: 'secretsmanager:TagResource',
        Resource: n.secretArnPattern,
        Condition: taggedOnCreate,
      },
      {
        Sid: 'StoreVersionsOfKeySecrets',
        Effect: 'Allow',
        Action: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
          'secretsmanager:DeleteSecret',
        ],
        Resource: n.secretArnPattern,
        Condition: { StringEquals: ours },
      },
      // Secrets Manager encrypts a new value with a data key of the platform key, on the caller's behalf.
      {
        Sid: 'EncryptThroughSecretsManager',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Encrypt'],
        Resource: `arn:${partition}:kms:${p.region}:${p.accountId}:key/*`,
        Condition: {
          StringEquals: { 'kms:ViaService': `secretsmanager.${p.region}.amazonaws.com` },
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': n.kmsAliasName },
        },
      },
    ),
  };
}
