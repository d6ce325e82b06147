import { DEFAULT_REQUESTS_ENVIRONMENT, type GithubConfig } from '../records/github-config-schema.js';
import type { DesiredOidcProvider, DesiredRole } from './desired-resources.js';
import type { PlatformContext } from './platform-context.js';
import { deployerDenies } from './custody-guards.js';
import { CUSTODY_STACK } from './trust-zones.js';
import { policy, type PolicyStatement } from './policy-document.js';
import { MANAGED_BY, PLATFORM_TAGS, TAG } from './tags.js';

import { GITHUB_OIDC_HOST } from './platform-names.js';

export { GITHUB_OIDC_HOST };

/** The audience aws-actions/configure-aws-credentials asks for. */
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
  readonly provider?: DesiredOidcProvider;
  /** The provider's ARN: deterministic, whether this stack creates it or the account has it. */
  readonly providerArn: string;
  readonly planner: DesiredRole;
  readonly deployer: DesiredRole;
  /** Added to the validator role's trust policy: the default branch only. */
  readonly validatorTrust: PolicyStatement;
  /** The requester role's trust: the nightly's key-request job, in its environment, on the default branch. */
  readonly requesterTrust: PolicyStatement;
  /** The importer role's trust: the intake workflow on the default branch only. */
  readonly importerTrust: PolicyStatement;
  /** The `sub` claims each role accepts (GitHub's default subject format). */
  readonly subjects: {
    readonly planner: string;
    readonly deployer: string;
    readonly validator: string;
    readonly requester: string;
    readonly importer: string;
  };
}

/** The workflow files the roles trust, by their `job_workflow_ref`. */
export const GITHUB_WORKFLOWS = {
  planner: 'pull-request.yml',
  deployer: 'deploy.yml',
  validator: 'nightly.yml',
  importer: 'intake.yml',
} as const;

/**
 * The repository's OIDC subject, customised so that it names the workflow file and its ref
 * (`job_workflow_ref`): the claims, in order, that `gh api` sets (docs/security.md).
 */
export const GITHUB_SUBJECT_CLAIMS = ['repo', 'context', 'job_workflow_ref'] as const;

/**
 * GitHub Actions' way into the platform. Each role trusts one `sub` (AWS evaluates only `aud`
 * and `sub` of GitHub's tokens), and the repository's subject is customised to end in the
 * workflow file and its ref, so another repository, branch, event, environment or workflow
 * file gets nothing, a `pull_request_target` workflow (which runs on the default branch)
 * included:
 * - planner: `pull-request.yml` for the repository's pull requests. Whoever opens a pull
 *   request can change the workflow it runs, so the planner reads state and describes, and
 *   never a key's value (no GetSecretValue, no BatchGetSecretValue, no kms:Decrypt).
 * - deployer: `deploy.yml` on the default branch, in the deploy environment (its reviewers gate
 *   each apply). It applies the deployer zone only, and explicit Denies it cannot lift keep it
 *   from everything that guards the keys.
 * - validator: `nightly.yml` on the default branch, outside any environment.
 * - importer: `intake.yml` on the default branch, outside any environment. GitHub runs the
 *   workflows of `issues` and `issue_comment` events from the default branch, so no issue or
 *   comment can change the workflow that holds this role; what it stores takes effect only
 *   when a reviewer merges the pull request it opens.
 * The publisher role trusts no GitHub token.
 */
export function githubOidc(ctx: PlatformContext, github: GithubConfig): GithubOidcDesired {
  const { platform, names } = ctx;
  const providerArn = names.githubOidcProviderArn;
  const repo = github.repository;
  const workflow = (file: string, ref: string): string =>
    `job_workflow_ref:${repo}/.github/workflows/${file}@${ref}`;
  const main = `refs/heads/${github.defaultBranch}`;
  const subjects = {
    // A pull request's workflow runs at refs/pull/<number>/merge.
    planner: `repo:${repo}:pull_request:${workflow(GITHUB_WORKFLOWS.planner, 'refs/pull/*/merge')}`,
    deployer: `repo:${repo}:environment:${github.deployEnvironment}:${workflow(GITHUB_WORKFLOWS.deployer, main)}`,
    validator: `repo:${repo}:ref:${main}:${workflow(GITHUB_WORKFLOWS.validator, main)}`,
    // The same workflow file as the validator, but only its job in the requests environment:
    // a check job (no environment) cannot become the requester, nor the requester the validator.
    requester: `repo:${repo}:environment:${github.requestsEnvironment ?? DEFAULT_REQUESTS_ENVIRONMENT}:${workflow(GITHUB_WORKFLOWS.validator, main)}`,
    // Issue events run with GITHUB_REF set to the default branch.
    importer: `repo:${repo}:ref:${main}:${workflow(GITHUB_WORKFLOWS.importer, main)}`,
  };
  const trust = (sub: string): PolicyStatement => ({
    Sid: 'GitHubActions',
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    // Like only for the pull request's number; the others have no wildcard to expand.
    Condition: sub.includes('*')
      ? {
          StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE },
          StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: sub },
        }
      : {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: sub,
          },
        },
  });
  const resources = {
    secrets: names.secretArnPattern,
    schedules: names.scheduleArnPattern,
    scheduleGroup: names.scheduleGroupArn,
    topics: [names.topicArn, names.alertsTopicArn],
    subscriptions: [`${names.topicArn}:*`, `${names.alertsTopicArn}:*`],
    rules: names.eventRuleArn(`${platform.namePrefix}-alert-*`),
    // The platform's own roles by exact name, never "<prefix>-*": a role the deployer could
    // create with any name would be a way out of its scope.
    roles: [
      names.schedulerRoleArn,
      names.publisherRoleArn,
      names.validatorRoleArn,
      names.requesterRoleArn,
      names.importerRoleArn,
      names.plannerRoleArn,
      names.deployerRoleArn,
      names.alertForwarderRoleArn,
    ],
    keys: names.kmsKeyArnPattern,
    aliases: [names.kmsAliasArn, names.snsKmsAliasArn],
  };
  const ownKey = { StringEquals: { [`aws:ResourceTag/${TAG.managedBy}`]: MANAGED_BY } };
  const state = platform.stateBackend;
  const stateObjects = names.stateObjectsArnPrefix;
  const stateList: PolicyStatement[] = state
    ? [
        {
          Sid: 'ListState',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: names.stateBucketArn!,
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
      // The reminders topic only: the alerts topic is the administrators' (custody stack).
      Sid: 'ManageRemindersTopic',
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
      Resource: [names.topicArn, `${names.topicArn}:*`],
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
    ...(stateObjects
      ? [
          {
            // The custody stack's state is the administrators': a forged state would hide a change in their plan.
            Sid: 'NoCustodyStateWrite',
            Effect: 'Deny' as const,
            Action: ['s3:PutObject', 's3:DeleteObject'],
            Resource: `${stateObjects}${CUSTODY_STACK}.tfstate*`,
          },
        ]
      : []),
    ...deployerDenies(ctx, names.deployerRoleArn),
  );

  const role = (
    id: 'planner' | 'deployer',
    description: string,
    permissions: typeof planner,
  ): DesiredRole => ({
    id: `${id}_role`,
    name: id === 'planner' ? names.plannerRoleName : names.deployerRoleName,
    arn: id === 'planner' ? names.plannerRoleArn : names.deployerRoleArn,
    description,
    trust: policy(trust(subjects[id])),
    inlinePolicies: [
      {
        id: `${id}_policy`,
        name: `${id === 'planner' ? names.plannerRoleName : names.deployerRoleName}-permissions`,
        document: permissions,
      },
    ],
    maxSessionDuration: 3600,
    tags: PLATFORM_TAGS,
  });
  return {
    ...(github.oidcProvider === 'create'
      ? {
          provider: {
            id: 'github_oidc_provider',
            arn: providerArn,
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
    requesterTrust: { ...trust(subjects.requester), Sid: 'GitHubNightlyRequests' },
    importerTrust: { ...trust(subjects.importer), Sid: 'GitHubIntake' },
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

/** The importer role's trust statement for the intake workflow: none without a `github` block. */
export function githubImporterTrust(ctx: PlatformContext): PolicyStatement[] {
  return ctx.platform.github ? [githubOidc(ctx, ctx.platform.github).importerTrust] : [];
}

/** The GitHub deployer role, for "who deploys": none without a `github` block. */
export function githubDeployerArns(ctx: PlatformContext): string[] {
  return ctx.platform.github ? [ctx.names.deployerRoleArn] : [];
}
