import type { DesiredRole } from './desired-resources.js';
import { githubOidc } from './github-oidc.js';
import { decryptThroughSecretsManager } from './kms-decrypt.js';
import type { PlatformContext } from './platform-context.js';
import { policy, type PolicyStatement } from './policy-document.js';
import { PLATFORM_TAGS } from './tags.js';

/** The only version of a key the requester may read: the one a deployed rotation replaced. */
export const PREVIOUS_STAGE = 'AWSPREVIOUS';

/** The requester role's ARN, for the policies that name it: none without GitHub and requests. */
export function requesterArns(ctx: PlatformContext): string[] {
  return ctx.platform.github && ctx.platform.requests ? [ctx.names.requesterRoleArn] : [];
}

/**
 * `${namePrefix}-requester`: the nightly's key requests (`asc-keys follow-up`), assumed only by
 * that job (nightly.yml on the default branch, in the requests environment). It proves that a
 * replaced key is revoked by signing with it, so it reads the AWSPREVIOUS version of key
 * secrets and nothing else (never a key in use: the secrets' own policy denies it the other
 * versions too); with `requests.email` it sends from that one address through SES. None
 * without a `github` and a `requests` block.
 */
export function requesterRole(ctx: PlatformContext): DesiredRole[] {
  const { platform, names } = ctx;
  const { github, requests } = platform;
  if (!github || !requests) return [];
  const email = requests.email;
  const identity = (id: string): string =>
    `arn:${names.partition}:ses:${platform.region}:${platform.accountId}:identity/${id}`;
  const send: PolicyStatement[] = email
    ? [
        {
          Sid: 'SendRequestsFromTheSender',
          Effect: 'Allow',
          Action: 'ses:SendEmail',
          // SES authorizes against the identity that verifies the sender: the address or its domain.
          Resource: [identity(email), identity(email.slice(email.lastIndexOf('@') + 1))],
          Condition: { StringEquals: { 'ses:FromAddress': email } },
        },
      ]
    : [];
  return [
    {
      id: 'requester_role',
      name: names.requesterRoleName,
      arn: names.requesterRoleArn,
      description: 'GitHub nightly key requests: reads replaced keys (AWSPREVIOUS) only; never a key in use',
      trust: policy(githubOidc(ctx, github).requesterTrust),
      inlinePolicies: [
        {
          id: 'requester_policy',
          name: `${names.requesterRoleName}-permissions`,
          document: policy(
            {
              Sid: 'ReadReplacedKeys',
              Effect: 'Allow',
              Action: 'secretsmanager:GetSecretValue',
              Resource: names.secretArnPattern,
              Condition: { StringEquals: { 'secretsmanager:VersionStage': PREVIOUS_STAGE } },
            },
            decryptThroughSecretsManager(ctx),
            ...send,
          ),
        },
      ],
      maxSessionDuration: 3600,
      tags: PLATFORM_TAGS,
    },
  ];
}
