import type { GithubConfig } from '../records/github-config-schema.js';
import type { DesiredRole } from './desired-resources.js';
import type { PlatformContext } from './platform-context.js';
import { policy, type PolicyStatement } from './policy-document.js';
import { MANAGED_BY, PLATFORM_TAGS } from './tags.js';

/** GitHub's OIDC issuer, and the audience aws-actions/configure-aws-credentials asks for. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';
/**
 * IAM no longer checks these for GitHub (it trusts the issuer's certificate authority), but
 * older AWS providers require a list; these are GitHub's published intermediate thumbprints.
 */
export const GITHUB_OIDC_THUMBPRINTS = [
  '6938fd4d98bab03faadb97b34396831e3780aea1',
  '1c58a3a8518e8759bf075b76b750d4f2df264fcd',
] as const;

export interface GithubOidcDesired {
  /** Present when the platform stack creates the account's provider. */
  readonly provider?: {
    readonly id: string;
    readonly url: string;
    readonly clientIds: readonly string[];
    readonly thumbprints: readonly string[];
    readonly tags: Readonly<Record<string, string>>;
  };
  /** The provider's ARN: deterministic, whether this stack creates it or the account has it. */
  readonly providerArn: string;
  readonly planner: DesiredRole;
  readonly deployer: DesiredRole;
  /** Added to the validator role's trust policy: the default branch only. */
  readonly validatorTrust: PolicyStatement;
  /** The `sub` claims each role accepts (GitHub's default subject format). */
  readonly subjects: { readonly planner: string; readonly deployer: string; readonly validator: string };
}

/**
 * GitHub Actions' way into the platform. Each role trusts one exact `sub` with StringEquals
 * (AWS evaluates only `aud` and `sub` of GitHub's tokens), so another repository, branch,
 * event or environment gets nothing:
 * - planner: the repository's pull requests (`repo:O/R:pull_request`). Whoever opens a pull
 *   request can change the workflow it runs, so the planner reads state and describes, and
 *   never a key's value (no GetSecretValue, no BatchGetSecretValue, no kms:Decrypt).
 * - deployer: jobs in the deploy environment (`repo:O/R:environment:E`); the environment's
 *   deployment-branch rule limits it to the default branch, its reviewers gate each apply.
 * - validator: the default branch (`repo:O/R:ref:refs/heads/B`), outside any environment.
 * The publisher and importer roles trust no GitHub token.
 */
export function githubOidc(ctx: PlatformContext, github: GithubConfig): GithubOidcDesired {
  const { platform, names } = ctx;
  const partition = names.partition;
  const account = platform.accountId;
  const iam = (resource: string): string => `arn:${partition}:iam::${account}:${resource}`;
  const providerArn = iam(`oidc-provider/${GITHUB_OIDC_HOST}`);
  const repo = github.repository;
  const subjects = {
    planner: `repo:${repo}:pull_request`,
    deployer: `repo:${repo}:environment:${github.deployEnvironment}`,
    validator: `repo:${repo}:ref:refs/heads/${github.defaultBranch}`,
  };
  const trust = (sub: string): PolicyStatement => ({
    Sid: 'GitHubActions',
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: {
        [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
        [`${GITHUB_OIDC_HOST}:sub`]: sub,
      },
    },
  });
  const prefix = platform.namePrefix;
  const scheduler = (resource: string): string =>
    `arn:${partition}:scheduler:${platform.region}:${account}:${resource}`;
  const resources = {
    secrets: names.secretArnPattern,
    schedules: scheduler(`schedule/${names.scheduleGroupName}/*`),
    scheduleGroup: scheduler(`schedule-group/${names.scheduleGroupName}`),
    topics: [names.topicArn, names.alertsTopicArn],
    subscriptions: [`${names.topicArn}:*`, `${names.alertsTopicArn}:*`],
    rules: names.eventRuleArn(`${platform.namePrefix}-alert-*`),
    // The platform's own roles by exact name, never "<prefix>-*": a role the deployer could
    // create with any name would be a way out of its scope.
    roles: ['scheduler', 'publisher', 'validator', 'importer', 'planner', 'deployer'].map((r) =>
      iam(`role/${prefix}-${r}`),
    ),
    keys: `arn:${partition}:kms:${platform.region}:${account}:key/*`,
    aliases: [names.kmsAliasArn, names.snsKmsAliasArn],
  };
  const ownKey = { StringEquals: { 'aws:ResourceTag/managed-by': MANAGED_BY } };
  const state = platform.stateBackend;
  const stateObjects = state && `arn:${partition}:s3:::${state.bucket}/${state.keyPrefix}/`;
  const stateList: PolicyStatement[] = state
    ? [
        {
          Sid: 'ListState',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: `arn:${partition}:s3:::${state.bucket}`,
          Condition: { StringLike: { 's3:prefix': `${state.keyPrefix}/*` } },
        },
      ]
    : [];

  const planner = policy(
    {
      Sid: 'DescribeKeySecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetResourcePolicy'],
      Resource: resources.secrets,
    },
    {
      Sid: 'ReadReminders',
      Effect: 'Allow',
      Action: ['scheduler:GetSchedule', 'scheduler:GetScheduleGroup', 'scheduler:ListTagsForResource'],
      Resource: [resources.schedules, resources.scheduleGroup],
    },
    {
      Sid: 'ReadTopic',
      Effect: 'Allow',
      Action: ['sns:GetTopicAttributes', 'sns:ListTagsForResource', 'sns:GetSubscriptionAttributes'],
      Resource: [...resources.topics, ...resources.subscriptions],
    },
    {
      Sid: 'ReadAlertRules',
      Effect: 'Allow',
      Action: ['events:DescribeRule', 'events:ListTargetsByRule', 'events:ListTagsForResource'],
      Resource: resources.rules,
    },
    {
      Sid: 'ReadRoles',
      Effect: 'Allow',
      Action: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'],
      Resource: resources.roles,
    },
    { Sid: 'ReadProvider', Effect: 'Allow', Action: 'iam:GetOpenIDConnectProvider', Resource: providerArn },
    {
      Sid: 'DescribePlatformKey',
      Effect: 'Allow',
      Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
      Resource: resources.keys,
      Condition: ownKey,
    },
    // ListAliases takes no resource ARN.
    { Sid: 'ListAliases', Effect: 'Allow', Action: 'kms:ListAliases', Resource: '*' },
    ...stateList,
    ...(stateObjects
      ? [
          {
            Sid: 'ReadState',
            Effect: 'Allow' as const,
            Action: 's3:GetObject',
            Resource: `${stateObjects}*`,
          },
          // A plan takes the S3 lock file (use_lockfile) too.
          {
            Sid: 'LockState',
            Effect: 'Allow' as const,
            Action: ['s3:PutObject', 's3:DeleteObject'],
            Resource: `${stateObjects}*.tflock`,
          },
        ]
      : []),
  );

  const deployer = policy(
    {
      // No GetSecretValue and no PutSecretValue: Terraform never handles a key's value.
      Sid: 'ManageKeySecrets',
      Effect: 'Allow',
      Action: [
        'secretsmanager:CreateSecret',
        'secretsmanager:UpdateSecret',
        'secretsmanager:DeleteSecret',
        'secretsmanager:RestoreSecret',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetResourcePolicy',
        'secretsmanager:PutResourcePolicy',
        'secretsmanager:DeleteResourcePolicy',
        'secretsmanager:ValidateResourcePolicy',
        'secretsmanager:TagResource',
        'secretsmanager:UntagResource',
      ],
      Resource: resources.secrets,
    },
    {
      // The deploy makes the version a merged record names current: labels only, never a value.
      Sid: 'PromoteImportedKeys',
      Effect: 'Allow',
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:UpdateSecretVersionStage'],
      Resource: resources.secrets,
    },
    {
      Sid: 'ManageReminders',
      Effect: 'Allow',
      Action: [
        'scheduler:CreateSchedule',
        'scheduler:UpdateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
        'scheduler:CreateScheduleGroup',
        'scheduler:DeleteScheduleGroup',
        'scheduler:GetScheduleGroup',
        'scheduler:TagResource',
        'scheduler:UntagResource',
        'scheduler:ListTagsForResource',
      ],
      Resource: [resources.schedules, resources.scheduleGroup],
    },
    {
      Sid: 'PassSchedulerRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: names.schedulerRoleArn,
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    },
    {
      Sid: 'ManageTopic',
      Effect: 'Allow',
      Action: [
        'sns:CreateTopic',
        'sns:DeleteTopic',
        'sns:GetTopicAttributes',
        'sns:SetTopicAttributes',
        'sns:TagResource',
        'sns:UntagResource',
        'sns:ListTagsForResource',
        'sns:Subscribe',
        'sns:Unsubscribe',
        'sns:GetSubscriptionAttributes',
        'sns:SetSubscriptionAttributes',
      ],
      Resource: [...resources.topics, ...resources.subscriptions],
    },
    {
      // Inline policies only: no managed policy can be created or attached.
      Sid: 'ManagePlatformRoles',
      Effect: 'Allow',
      Action: [
        'iam:CreateRole',
        'iam:DeleteRole',
        'iam:GetRole',
        'iam:UpdateRole',
        'iam:UpdateRoleDescription',
        'iam:UpdateAssumeRolePolicy',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:GetRolePolicy',
        'iam:PutRolePolicy',
        'iam:DeleteRolePolicy',
        'iam:ListRolePolicies',
        'iam:ListAttachedRolePolicies',
        'iam:ListInstanceProfilesForRole',
      ],
      Resource: resources.roles,
    },
    {
      Sid: github.oidcProvider === 'create' ? 'ManageProvider' : 'ReadProvider',
      Effect: 'Allow',
      Action:
        github.oidcProvider === 'create'
          ? [
              'iam:CreateOpenIDConnectProvider',
              'iam:GetOpenIDConnectProvider',
              'iam:DeleteOpenIDConnectProvider',
              'iam:TagOpenIDConnectProvider',
              'iam:UntagOpenIDConnectProvider',
              'iam:UpdateOpenIDConnectProviderThumbprint',
              'iam:AddClientIDToOpenIDConnectProvider',
              'iam:RemoveClientIDFromOpenIDConnectProvider',
            ]
          : 'iam:GetOpenIDConnectProvider',
      Resource: providerArn,
    },
    // CreateKey and ListAliases take no resource ARN; a new key must carry our tag.
    {
      Sid: 'CreatePlatformKey',
      Effect: 'Allow',
      Action: ['kms:CreateKey', 'kms:TagResource'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestTag/managed-by': MANAGED_BY } },
    },
    { Sid: 'ListAliases', Effect: 'Allow', Action: 'kms:ListAliases', Resource: '*' },
    {
      // Not ScheduleKeyDeletion: removing the key of every secret stays an administrator's act.
      Sid: 'ManagePlatformKey',
      Effect: 'Allow',
      Action: [
        'kms:DescribeKey',
        'kms:GetKeyPolicy',
        'kms:PutKeyPolicy',
        'kms:GetKeyRotationStatus',
        'kms:EnableKeyRotation',
        'kms:ListResourceTags',
        'kms:TagResource',
        'kms:UntagResource',
        'kms:UpdateKeyDescription',
        'kms:CreateAlias',
        'kms:UpdateAlias',
        'kms:DeleteAlias',
      ],
      Resource: resources.keys,
      Condition: ownKey,
    },
    {
      Sid: 'ManagePlatformAlias',
      Effect: 'Allow',
      Action: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'],
      Resource: resources.aliases,
    },
    {
      Sid: 'ManageAlertRules',
      Effect: 'Allow',
      Action: [
        'events:PutRule',
        'events:DeleteRule',
        'events:DescribeRule',
        'events:EnableRule',
        'events:DisableRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'events:ListTargetsByRule',
        'events:TagResource',
        'events:UntagResource',
        'events:ListTagsForResource',
      ],
      Resource: resources.rules,
    },
    ...stateList,
    ...(stateObjects
      ? [
          {
            Sid: 'WriteState',
            Effect: 'Allow' as const,
            Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
            Resource: `${stateObjects}*`,
          },
        ]
      : []),
  );

  const role = (
    id: 'planner' | 'deployer',
    description: string,
    permissions: typeof planner,
  ): DesiredRole => ({
    id: `${id}_role`,
    name: `${prefix}-${id}`,
    arn: iam(`role/${prefix}-${id}`),
    description,
    trust: policy(trust(subjects[id])),
    inlinePolicies: [{ id: `${id}_policy`, name: `${prefix}-${id}-permissions`, document: permissions }],
    maxSessionDuration: 3600,
    tags: PLATFORM_TAGS,
  });
  return {
    ...(github.oidcProvider === 'create'
      ? {
          provider: {
            id: 'github_oidc_provider',
            url: `https://${GITHUB_OIDC_HOST}`,
            clientIds: [GITHUB_OIDC_AUDIENCE],
            thumbprints: [...GITHUB_OIDC_THUMBPRINTS],
            tags: PLATFORM_TAGS,
          },
        }
      : {}),
    providerArn,
    planner: role(
      'planner',
      "GitHub pull requests: plans the stacks (state, describe, list); never reads a key's value",
      planner,
    ),
    deployer: role(
      'deployer',
      `GitHub deploy environment "${github.deployEnvironment}": applies the stacks; never reads a key's value`,
      deployer,
    ),
    validatorTrust: { ...trust(subjects.validator), Sid: 'GitHubDefaultBranch' },
    subjects,
  };
}

/** The platform's GitHub roles, a role source of the platform model: none without a `github` block. */
export function githubRoles(ctx: PlatformContext): DesiredRole[] {
  const github = ctx.platform.github;
  if (!github) return [];
  const { planner, deployer } = githubOidc(ctx, github);
  return [planner, deployer];
}

/** The validator role's extra trust statement: none without a `github` block. */
export function githubValidatorTrust(ctx: PlatformContext): PolicyStatement[] {
  return ctx.platform.github ? [githubOidc(ctx, ctx.platform.github).validatorTrust] : [];
}

/** The GitHub deployer role, for "who deploys": none without a `github` block. */
export function githubDeployerArns(ctx: PlatformContext): string[] {
  return ctx.platform.github ? [ctx.names.deployerRoleArn] : [];
}
