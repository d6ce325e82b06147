import { describe, expect, test } from 'vitest';
import { Testing } from 'cdktf';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider/index.js';
import { platformContext } from '../../lib/model/platform-context.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { deployerArns } from '../../lib/model/principals.js';
import { platformSchema, type PlatformConfig } from '../../lib/records/platform-schema.js';
import { CustodyStack } from '../../lib/stacks/custody-stack.js';
import { EXAMPLE_CONFIG } from '../support/project.js';

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: Record<string, unknown>;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
type Resources = Record<string, Record<string, Record<string, unknown>>>;

const PROVIDER_ARN = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';

function platform(github: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) {
  return platformSchema.parse({ ...EXAMPLE_CONFIG.context.platform, ...extra, github });
}

function synth(p: PlatformConfig): Resources {
  const stack = new CustodyStack(Testing.app(), { platform: p, desired: platformDesiredState(p) });
  return (JSON.parse(Testing.synth(stack)) as { resource: Resources }).resource;
}

const doc = (resources: Resources, type: string, id: string, field: string): Statement[] =>
  (JSON.parse(resources[type]![id]![field] as string) as { Statement: Statement[] }).Statement;
const trustOf = (r: Resources, role: string) => doc(r, 'aws_iam_role', `${role}_role`, 'assume_role_policy');
const permissionsOf = (r: Resources, role: string) =>
  doc(r, 'aws_iam_role_policy', `${role}_policy`, 'policy');
const actions = (statements: Statement[]): string[] => statements.flatMap((s) => [s.Action].flat());

const WF = 'job_workflow_ref:acme/asc-keys/.github/workflows';
const PLANNER_SUB = `repo:acme/asc-keys:pull_request:${WF}/pull-request.yml@refs/pull/*/merge`;
/** The planner's trust: its one wildcard is the pull request's number in the workflow's ref. */
const plannerTrust = {
  Sid: 'GitHubActions',
  Effect: 'Allow',
  Principal: { Federated: PROVIDER_ARN },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: {
    StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
    StringLike: { 'token.actions.githubusercontent.com:sub': PLANNER_SUB },
  },
};

/** The one statement GitHub's documentation gives for a role: exact aud and sub, nothing looser. */
const githubTrust = (sub: string) => ({
  Effect: 'Allow',
  Principal: { Federated: PROVIDER_ARN },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: {
    StringEquals: {
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': sub,
    },
  },
});

describe('GitHub OIDC in the platform stack', () => {
  const github = { repository: 'acme/asc-keys', oidcProvider: 'create' };

  test('without a github block: no provider, no GitHub role, and the validator trusts only its principals', () => {
    const r = synth(platform(undefined));
    expect(r[IamOpenidConnectProvider.tfResourceType]).toBeUndefined();
    expect(Object.keys(r.aws_iam_role!)).not.toContain('planner_role');
    expect(Object.keys(r.aws_iam_role!)).not.toContain('deployer_role');
    expect(trustOf(r, 'validator')).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111122223333:role/ci-asc-keys'] },
        Action: 'sts:AssumeRole',
      },
    ]);
  });

  test('oidcProvider "create": the provider for GitHub with the STS audience', () => {
    const r = synth(platform(github));
    expect(r[IamOpenidConnectProvider.tfResourceType]).toEqual({
      github_oidc_provider: {
        url: 'https://token.actions.githubusercontent.com',
        client_id_list: ['sts.amazonaws.com'],
        thumbprint_list: [
          '6938fd4d98bab03faadb97b34396831e3780aea1',
          '1c58a3a8518e8759bf075b76b750d4f2df264fcd',
        ],
        tags: { 'managed-by': 'asc-keys' },
      },
    });
    // IAM refuses a trust policy whose federated principal does not exist yet.
    for (const role of ['planner_role', 'deployer_role', 'validator_role'])
      expect(r.aws_iam_role![role]!.depends_on, role).toEqual([
        'aws_iam_openid_connect_provider.github_oidc_provider',
      ]);
  });

  test('oidcProvider "existing": the roles trust the account\'s provider, which the stack does not manage', () => {
    const r = synth(platform({ ...github, oidcProvider: 'existing' }));
    expect(r[IamOpenidConnectProvider.tfResourceType]).toBeUndefined();
    expect(trustOf(r, 'planner')).toEqual([plannerTrust]);
    expect(r.aws_iam_role!.planner_role!.depends_on).toBeUndefined();
    // The provider is the custody stack's: the deployer may not write it, nor any other provider.
    expect(permissionsOf(r, 'deployer').find((s) => s.Sid === 'NoIamWriteOnPlatformRoles')).toMatchObject({
      Effect: 'Deny',
      Resource: expect.arrayContaining(['arn:aws:iam::111122223333:oidc-provider/*']),
    });
  });

  test("planner: that repository's pull requests, run by pull-request.yml, only", () => {
    const r = synth(platform(github));
    expect(r.aws_iam_role!.planner_role).toMatchObject({ name: 'asc-keys-planner' });
    expect(trustOf(r, 'planner')).toEqual([plannerTrust]);
  });

  test('planner: state, describe and list; never a key value, never a write', () => {
    const p = platform(github, { stateBackend: { bucket: 'acme-tf-state' } });
    const statements = permissionsOf(synth(p), 'planner');
    const all = actions(statements);
    for (const forbidden of [
      'secretsmanager:GetSecretValue',
      'secretsmanager:BatchGetSecretValue',
      'kms:Decrypt',
    ])
      expect(all).not.toContain(forbidden);
    // No wildcard action that would grant them anyway, and only reads apart from the state lock.
    for (const a of all)
      expect(a, a).toMatch(/^[a-z0-9]+:(Get|Describe|List)[A-Za-z]+$|^s3:(PutObject|DeleteObject)$/);
    expect(statements.find((s) => s.Sid === 'LockState')).toEqual({
      Sid: 'LockState',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:DeleteObject'],
      Resource: 'arn:aws:s3:::acme-tf-state/asc-keys/*.tflock',
    });
    expect(statements.find((s) => s.Sid === 'DescribeKeySecrets')?.Resource).toBe(
      'arn:aws:secretsmanager:eu-central-1:111122223333:secret:asc-keys/*',
    );
    expect(statements.find((s) => s.Sid === 'ReadAlertRules')).toEqual({
      Sid: 'ReadAlertRules',
      Effect: 'Allow',
      Action: ['events:DescribeRule', 'events:ListTargetsByRule', 'events:ListTagsForResource'],
      Resource: 'arn:aws:events:eu-central-1:111122223333:rule/asc-keys-alert-*',
    });
  });

  test('deployer: deploy.yml on the default branch, in the deploy environment, only', () => {
    const r = synth(platform({ ...github, deployEnvironment: 'production' }));
    expect(trustOf(r, 'deployer')).toEqual([
      {
        Sid: 'GitHubActions',
        ...githubTrust(`repo:acme/asc-keys:environment:production:${WF}/deploy.yml@refs/heads/main`),
      },
    ]);
    expect(trustOf(synth(platform(github)), 'deployer')[0]!.Condition!.StringEquals).toMatchObject({
      'token.actions.githubusercontent.com:sub': `repo:acme/asc-keys:environment:asc-keys:${WF}/deploy.yml@refs/heads/main`,
    });
  });

  test('deployer: what Terraform needs for the deployer zone, scoped to the name prefix; never a key value', () => {
    const p = platform(github, {
      namePrefix: 'keys',
      stateBackend: { bucket: 'acme-tf-state', keyPrefix: 'k' },
    });
    const statements = permissionsOf(synth(p), 'deployer');
    const allows = actions(statements.filter((s) => s.Effect === 'Allow'));
    for (const forbidden of [
      'secretsmanager:GetSecretValue',
      'secretsmanager:BatchGetSecretValue',
      'secretsmanager:PutSecretValue',
      'kms:Decrypt',
      'kms:PutKeyPolicy',
      'kms:ScheduleKeyDeletion',
      'iam:UpdateAssumeRolePolicy',
      'iam:PutRolePolicy',
      'iam:CreateRole',
      'events:PutRule',
      'events:RemoveTargets',
    ])
      expect(allows).not.toContain(forbidden);
    for (const a of allows) expect(a, a).not.toContain('*');
    const sid = (id: string) => statements.find((s) => s.Sid === id);
    expect(sid('ManageKeySecrets')?.Resource).toBe(
      'arn:aws:secretsmanager:eu-central-1:111122223333:secret:keys/*',
    );
    expect(sid('ManageReminders')?.Resource).toEqual([
      'arn:aws:scheduler:eu-central-1:111122223333:schedule/keys/*',
      'arn:aws:scheduler:eu-central-1:111122223333:schedule-group/keys',
    ]);
    // The reminders topic only; the alerts topic is the administrators'.
    expect(sid('ManageRemindersTopic')?.Resource).toEqual([
      'arn:aws:sns:eu-central-1:111122223333:keys-rotation-reminders',
      'arn:aws:sns:eu-central-1:111122223333:keys-rotation-reminders:*',
    ]);
    expect(sid('WriteState')?.Resource).toBe('arn:aws:s3:::acme-tf-state/k/*');
    expect(sid('NoCustodyStateWrite')).toMatchObject({
      Effect: 'Deny',
      Resource: 'arn:aws:s3:::acme-tf-state/k/custody.tfstate*',
    });
    expect(sid('ListState')?.Condition).toEqual({ StringLike: { 's3:prefix': 'k/*' } });
    // The explicit denies it cannot lift: IAM on every keys-* role and policy (its own
    // included), the keys, the alert rules in every region, the alerts topic, CloudTrail,
    // the sealing key, value writes, and any read of a value.
    expect(sid('NoIamWriteOnPlatformRoles')).toMatchObject({
      Effect: 'Deny',
      Resource: expect.arrayContaining(['arn:aws:iam::111122223333:role/keys-*']),
    });
    expect(sid('NoAlertRuleChange')?.Resource).toEqual(
      expect.arrayContaining([
        'arn:aws:events:eu-central-1:111122223333:rule/keys-alert-*',
        'arn:aws:events:us-east-1:111122223333:rule/keys-alert-*',
      ]),
    );
    for (const id of [
      'NoKeyPolicyStateOrAliasChange',
      'NoAlertsTopicChange',
      'NoCloudTrailChange',
      'NoSealingKeyChange',
      'OnlyTheImporterWritesValues',
      'NeverReadsAValue',
    ])
      expect(sid(id)?.Effect, id).toBe('Deny');
    // Promotion of a staged import moves stages: the deployer is not denied that.
    expect(sid('OnlyImportAndPromotionMoveStages')).toBeUndefined();
  });

  test('deployer: makes a pending key current by moving labels on the key secrets, and can write no value', () => {
    const statements = permissionsOf(synth(platform(github, { namePrefix: 'keys' })), 'deployer');
    expect(statements.find((s) => s.Sid === 'PromoteImportedKeys')).toEqual({
      Sid: 'PromoteImportedKeys',
      Effect: 'Allow',
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:UpdateSecretVersionStage'],
      Resource: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:keys/*',
    });
    // Allowed nowhere, and denied outright (the denies it cannot lift).
    const allowed = actions(statements.filter((s) => s.Effect === 'Allow'));
    expect(allowed).not.toContain('secretsmanager:PutSecretValue');
    expect(allowed).not.toContain('secretsmanager:GetSecretValue');
    const denied = actions(statements.filter((s) => s.Effect === 'Deny'));
    expect(denied).toEqual(
      expect.arrayContaining(['secretsmanager:PutSecretValue', 'secretsmanager:GetSecretValue']),
    );
  });

  test('validator: additionally nightly.yml on the default branch, outside any environment', () => {
    const r = synth(platform({ ...github, defaultBranch: 'trunk' }));
    expect(trustOf(r, 'validator')).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111122223333:role/ci-asc-keys'] },
        Action: 'sts:AssumeRole',
      },
      {
        Sid: 'GitHubDefaultBranch',
        ...githubTrust(`repo:acme/asc-keys:ref:refs/heads/trunk:${WF}/nightly.yml@refs/heads/trunk`),
      },
    ]);
  });

  test('importer: additionally intake.yml on the default branch, outside any environment', () => {
    const r = synth(
      platform(
        { ...github, defaultBranch: 'trunk' },
        { importerTrustedPrincipals: ['arn:aws:iam::111122223333:role/onboarding'] },
      ),
    );
    expect(trustOf(r, 'importer')).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111122223333:role/onboarding'] },
        Action: 'sts:AssumeRole',
      },
      {
        Sid: 'GitHubIntake',
        ...githubTrust(`repo:acme/asc-keys:ref:refs/heads/trunk:${WF}/intake.yml@refs/heads/trunk`),
      },
    ]);
  });

  test('importer: with a github block and no importerTrustedPrincipals, the role exists for intake alone', () => {
    const rest = platform(github);
    const r = synth({ ...rest, importerTrustedPrincipals: undefined } as PlatformConfig);
    expect(trustOf(r, 'importer')).toEqual([
      {
        Sid: 'GitHubIntake',
        ...githubTrust(`repo:acme/asc-keys:ref:refs/heads/main:${WF}/intake.yml@refs/heads/main`),
      },
    ]);
  });

  test('requester: only with key requests; nightly.yml on the default branch in the requests environment; replaced keys and the sender only', () => {
    const requests = {
      companyName: 'Globex Publishing',
      sealingPageUrl: 'https://keys.globex.example/{customer}.html',
    };
    expect(synth(platform(github)).aws_iam_role!.requester_role).toBeUndefined();
    expect(synth(platform(undefined, { requests })).aws_iam_role!.requester_role).toBeUndefined();
    const r = synth(
      platform(
        { ...github, requestsEnvironment: 'chasing' },
        { requests: { ...requests, email: 'keys@globex.example' } },
      ),
    );
    // Another subject than the validator's: a check job (no environment) cannot assume it.
    expect(trustOf(r, 'requester')).toEqual([
      {
        Sid: 'GitHubNightlyRequests',
        ...githubTrust(`repo:acme/asc-keys:environment:chasing:${WF}/nightly.yml@refs/heads/main`),
      },
    ]);
    const permissions = permissionsOf(r, 'requester');
    expect(actions(permissions).sort()).toEqual([
      'kms:Decrypt',
      'secretsmanager:GetSecretValue',
      'ses:SendEmail',
    ]);
    expect(permissions.find((s) => s.Action === 'secretsmanager:GetSecretValue')!.Condition).toEqual({
      StringEquals: { 'secretsmanager:VersionStage': 'AWSPREVIOUS' },
    });
    expect(permissions.find((s) => s.Action === 'ses:SendEmail')!.Condition).toEqual({
      StringEquals: { 'ses:FromAddress': 'keys@globex.example' },
    });
    // Without a sender, no email at all.
    const quiet = synth(platform(github, { requests }));
    expect(actions(permissionsOf(quiet, 'requester'))).not.toContain('ses:SendEmail');
  });

  test("the publisher (and any other role) trusts no GitHub token; no trust is a pattern but the planner's", () => {
    const r = synth(
      platform(github, { importerTrustedPrincipals: ['arn:aws:iam::111122223333:role/onboarding'] }),
    );
    expect(Object.keys(r.aws_iam_role!)).toEqual(expect.arrayContaining(['publisher_role', 'importer_role']));
    const federated = Object.keys(r.aws_iam_role!).filter((id) =>
      JSON.stringify(trustOf(r, id.replace(/_role$/, ''))).includes('Federated'),
    );
    expect(federated.sort()).toEqual(['deployer_role', 'importer_role', 'planner_role', 'validator_role']);
    // No trust condition is a pattern that another repository, branch, event or workflow could
    // match: only the planner's pull request number is a wildcard.
    for (const id of federated.filter((x) => x !== 'planner_role'))
      for (const s of trustOf(r, id.replace(/_role$/, '')))
        if (s.Principal?.Federated) expect(Object.keys(s.Condition!)).toEqual(['StringEquals']);
    expect(trustOf(r, 'planner')).toEqual([plannerTrust]);
  });

  test('who deploys: the GitHub deployer role, beside the configured deployers', () => {
    const deployers = ['arn:aws:iam::111122223333:role/terraform'];
    expect(deployerArns(platformContext(platform(github, { deployers })))).toEqual([
      'arn:aws:iam::111122223333:role/terraform',
      'arn:aws:iam::111122223333:role/asc-keys-deployer',
    ]);
    expect(deployerArns(platformContext(platform(undefined, { deployers })))).toEqual(deployers);
  });
});
