import { IAM_EVENT_REGION } from './alert-rules.js';
import type { DesiredRole } from './desired-resources.js';
import { githubValidatorTrust } from './github-oidc.js';
import { decryptThroughSecretsManager } from './kms-decrypt.js';
import type { PlatformContext } from './platform-context.js';
import { policy } from './policy-document.js';
import { distinct } from './principals.js';
import { PLATFORM_TAGS } from './tags.js';

/** CI: `check keys` and `check drift`. Reads and describes everything they compare, never writes. */
export function validatorRole(ctx: PlatformContext): DesiredRole[] {
  const { names, platform } = ctx;
  return [
    {
      id: 'validator_role',
      name: names.validatorRoleName,
      arn: names.validatorRoleArn,
      description: 'CI: checks keys and drift; reads and describes, never writes',
      trust: policy(
        {
          Effect: 'Allow',
          Principal: { AWS: platform.validatorTrustedPrincipals },
          Action: 'sts:AssumeRole',
        },
        ...githubValidatorTrust(ctx),
      ),
      inlinePolicies: [
        {
          id: 'validator_policy',
          name: `${names.validatorRoleName}-permissions`,
          document: policy(
            {
              Sid: 'ReadAndDescribeKeys',
              Effect: 'Allow',
              Action: [
                'secretsmanager:GetSecretValue',
                'secretsmanager:DescribeSecret',
                'secretsmanager:GetResourcePolicy',
                'secretsmanager:ListSecretVersionIds',
              ],
              Resource: names.secretArnPattern,
            },
            // These actions take no resource ARN; BatchGetSecretValue still needs GetSecretValue on each secret.
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
              Resource: names.scheduleArnPattern,
            },
            decryptThroughSecretsManager(ctx),
            // check drift compares the platform stack too: the keys, the topics, the alert rules and the roles.
            {
              Sid: 'DescribePlatformKey',
              Effect: 'Allow',
              Action: [
                'kms:DescribeKey',
                'kms:GetKeyPolicy',
                'kms:GetKeyRotationStatus',
                'kms:ListResourceTags',
              ],
              Resource: names.kmsKeyArnPattern,
              Condition: {
                'ForAnyValue:StringEquals': {
                  'kms:ResourceAliases': [names.kmsAliasName, names.snsKmsAliasName],
                },
              },
            },
            {
              Sid: 'ReadPlatform',
              Effect: 'Allow',
              Action: [
                'iam:GetRole',
                'iam:GetRolePolicy',
                'iam:ListRolePolicies',
                'iam:ListAttachedRolePolicies',
              ],
              Resource: names.roleArnPattern,
            },
            {
              Sid: 'ReadTopics',
              Effect: 'Allow',
              // A subscription's ARN is its topic's and an ID: the pattern covers both.
              Action: [
                'sns:GetTopicAttributes',
                'sns:ListSubscriptionsByTopic',
                'sns:ListTagsForResource',
                'sns:GetSubscriptionAttributes',
              ],
              Resource: names.topicArnPattern,
            },
            {
              Sid: 'ReadAlertRules',
              Effect: 'Allow',
              Action: ['events:DescribeRule', 'events:ListTargetsByRule', 'events:ListTagsForResource'],
              // The IAM rule lives in IAM's event region.
              Resource: distinct([
                names.eventRuleArn(`${platform.namePrefix}-*`),
                names.eventRuleArn(`${platform.namePrefix}-*`, IAM_EVENT_REGION),
              ]),
            },
            {
              Sid: 'ReadScheduleGroup',
              Effect: 'Allow',
              Action: 'scheduler:GetScheduleGroup',
              Resource: names.scheduleGroupArn,
            },
            // The GitHub OIDC provider, when the platform owns it: drift compares it too.
            ...(platform.github?.oidcProvider === 'create'
              ? [
                  {
                    Sid: 'ReadGithubOidcProvider',
                    Effect: 'Allow' as const,
                    Action: 'iam:GetOpenIDConnectProvider',
                    Resource: names.githubOidcProviderArn,
                  },
                ]
              : []),
          ),
        },
      ],
      maxSessionDuration: 3600,
      tags: PLATFORM_TAGS,
    },
  ];
}
