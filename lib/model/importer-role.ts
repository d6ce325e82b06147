import type { DesiredRole } from './desired-resources.js';
import { githubImporterTrust } from './github-oidc.js';
import { hasImporterRole } from './principals.js';
import type { PlatformContext } from './platform-context.js';
import { policy } from './policy-document.js';
import { sealingKeyReadStatements } from './sealing-key.js';
import { MANAGED_BY, PLATFORM_TAGS, SECRET_TAG_KEYS, TAG } from './tags.js';

/**
 * `${namePrefix}-importer`, assumed by the principals in `importerTrustedPrincipals` and, with a
 * `github` block, by the intake workflow on the default branch (github-oidc.ts). It creates
 * key secrets under the name prefix, only tagged managed-by=asc-keys and encrypted with the
 * platform key; puts values and moves version stages on such secrets; deletes a secret (the
 * undo of an import whose record could not be written). It never reads a key: its one
 * GetSecretValue is on the sealing key (import --sealed), and every key secret's policy denies
 * reading to all but the publisher, the validator and the administrators. None when no
 * principal and no workflow is trusted.
 */
export function importerRole(ctx: PlatformContext): DesiredRole[] {
  const { platform: p, names: n } = ctx;
  const trusted = p.importerTrustedPrincipals ?? [];
  if (!hasImporterRole(ctx)) return [];
  const name = n.importerRoleName;
  const ours = { [`secretsmanager:ResourceTag/${TAG.managedBy}`]: MANAGED_BY };
  const taggedOnCreate = {
    StringEquals: { [`aws:RequestTag/${TAG.managedBy}`]: MANAGED_BY },
    'ForAllValues:StringEquals': { 'aws:TagKeys': [...SECRET_TAG_KEYS] },
  };
  return [
    {
      id: 'importer_role',
      name,
      arn: n.importerRoleArn,
      description:
        'asc-keys import: creates key secrets and stores new key versions; reads no key, only the sealing key',
      trust: policy(
        ...(trusted.length
          ? [{ Effect: 'Allow' as const, Principal: { AWS: trusted }, Action: 'sts:AssumeRole' }]
          : []),
        ...githubImporterTrust(ctx),
      ),
      inlinePolicies: [
        {
          id: 'importer_policy',
          name: `${name}-permissions`,
          document: policy(
            {
              Sid: 'CreateKeySecrets',
              Effect: 'Allow',
              Action: 'secretsmanager:CreateSecret',
              Resource: n.secretArnPattern,
              Condition: {
                ...taggedOnCreate,
                // The KMS key exactly as import passes it: the model's kmsKeyId of every key secret.
                StringEquals: { ...taggedOnCreate.StringEquals, 'secretsmanager:KmsKeyId': n.kmsAliasArn },
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
              // GetResourcePolicy: import refuses a secret whose policy is not the model's.
              Action: [
                'secretsmanager:DescribeSecret',
                'secretsmanager:GetResourcePolicy',
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
              Resource: n.kmsKeyArnPattern,
              Condition: {
                StringEquals: { 'kms:ViaService': `secretsmanager.${p.region}.amazonaws.com` },
                'ForAnyValue:StringEquals': { 'kms:ResourceAliases': n.kmsAliasName },
              },
            },
            {
              // A secret may name the platform key by its ID: import resolves the alias to compare.
              Sid: 'IdentifyPlatformKey',
              Effect: 'Allow',
              Action: 'kms:DescribeKey',
              Resource: n.kmsKeyArnPattern,
              Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': n.kmsAliasName } },
            },
            ...sealingKeyReadStatements(ctx),
          ),
        },
      ],
      maxSessionDuration: 3600,
      tags: PLATFORM_TAGS,
    },
  ];
}
