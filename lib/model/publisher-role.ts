import type { DesiredRole } from './desired-resources.js';
import { decryptThroughSecretsManager } from './kms-decrypt.js';
import type { PlatformContext } from './platform-context.js';
import { policy } from './policy-document.js';
import { MANAGED_BY, PLATFORM_TAGS } from './tags.js';

/** Publishing pipelines: read the key of the customer their session is tagged with, and nothing else. */
export function publisherRole(ctx: PlatformContext): DesiredRole[] {
  const { names, platform } = ctx;
  return [
    {
      id: 'publisher_role',
      name: names.publisherRoleName,
      arn: names.publisherRoleArn,
      description: "Publishing pipelines: reads the key of the customer named by the session tag 'customer'",
      trust: policy({
        Effect: 'Allow',
        Principal: { AWS: platform.publisherTrustedPrincipals },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        // The session must say which customer it publishes for; the read policy matches that tag.
        Condition: { StringLike: { 'aws:RequestTag/customer': '?*' } },
      }),
      inlinePolicies: [
        {
          id: 'publisher_policy',
          name: `${names.publisherRoleName}-permissions`,
          document: policy(
            {
              Sid: 'ReadOwnCustomersKey',
              Effect: 'Allow',
              Action: 'secretsmanager:GetSecretValue',
              Resource: names.secretArnPattern,
              Condition: {
                StringEquals: {
                  'secretsmanager:ResourceTag/customer': '${aws:PrincipalTag/customer}',
                  'secretsmanager:ResourceTag/managed-by': MANAGED_BY,
                },
              },
            },
            decryptThroughSecretsManager(ctx),
          ),
        },
      ],
      maxSessionDuration: 3600,
      tags: PLATFORM_TAGS,
    },
  ];
}
