import type { DesiredRole } from './desired-resources.js';
import { decryptThroughSecretsManager } from './kms-decrypt.js';
import type { PlatformContext } from './platform-context.js';
import { policy } from './policy-document.js';
import { MANAGED_BY, PLATFORM_TAGS, TAG } from './tags.js';

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
        // The session's customer is the caller's own: it must equal the tag the calling principal
        // carries (a role tag per customer pipeline, or a transitive tag from its identity
        // provider), and no other tag may be set. A caller cannot choose another customer.
        Condition: {
          StringEquals: { [`aws:RequestTag/${TAG.customer}`]: `\${aws:PrincipalTag/${TAG.customer}}` },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [TAG.customer] },
          Null: { [`aws:PrincipalTag/${TAG.customer}`]: 'false' },
        },
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
              // Bound by name as well as by tag: a secret re-tagged customer=A opens nothing to A's sessions.
              Resource: `${names.secretArnPrefix}\${aws:PrincipalTag/${TAG.customer}}-??????`,
              Condition: {
                StringEquals: {
                  [`secretsmanager:ResourceTag/${TAG.customer}`]: `\${aws:PrincipalTag/${TAG.customer}}`,
                  [`secretsmanager:ResourceTag/${TAG.managedBy}`]: MANAGED_BY,
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
