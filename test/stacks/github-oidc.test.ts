import { describe, expect, test } from 'vitest';
import { Testing } from 'cdktf';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider/index.js';
import { platformContext } from '../../lib/model/platform-context.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { deployerArns } from '../../lib/model/principals.js';
import { platformSchema, type PlatformConfig } from '../../lib/records/platform-schema.js';
import { PlatformStack } from '../../lib/stacks/platform-stack.js';
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
  const stack = new PlatformStack(Testing.app(), { platform: p, desired: platformDesiredState(p) });
  return (JSON.parse(Testing.synth(stack)) as { resource: Resources }).resource;
}

const doc = (resources: Resources, type: string, id: string, field: string): Statement[] =>
  (JSON.parse(resources[type]![id]![field] as string) as { Statement: Statement[] }).Statement;
const trustOf = (r: Resources, role: string) => doc(r, 'aws_iam_role', `${role}_role`, 'assume_role_policy');
const permissionsOf = (r: Resources, role: string) =>
  doc(r, 'aws_iam_role_policy', `${role}_policy`, 'policy');
const actions = (statements: Statement[]): string[] => statements.flatMap((s) => [s.Action].flat());

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
    expect(trustOf(r, 'planner')).toEqual([
      { Sid: 'GitHubActions', ...githubTrust('repo:acme/asc-keys:pull_request') },
    ]);
    expect(r.aws_iam_role!.planner_role!.depends_on).toBeUndefined();
    expect(permissionsOf(r, 'deployer').find((s) => s.Sid === 'ReadProvider')).toEqual({
      Sid: 'ReadProvider',
      Effect: 'Allow',
      Action: 'iam:GetOpenIDConnectProvider',
      Resource: PROVIDER_ARN,
    });
  });

  test("planner: that repository's pull requests only", () => {
    const r = synth(platform(github));
    expect(r.aws_iam_role!.planner_role).toMatchObject({ name: 'asc-keys-planner' });
    expect(trustOf(r, 'planner')).toEqual([
      { Sid: 'GitHubActions', ...githubTrust('repo:acme/asc-keys:pull_request') },
    ]);
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

  test('deployer: the deploy environment only, whose rules hold it to the default branch', () => {
    const r = synth(platform({ ...github, deployEnvironment: 'production' }));
    expect(trustOf(r, 'deployer')).toEqual([
      { Sid: 'GitHubActions', ...githubTrust('repo:acme/asc-keys:environment:production') },
    ]);
    expect(trustOf(synth(platform(github)), 'deployer')[0]!.Condition!.StringEquals).toMatchObject({
      'token.actions.githubusercontent.com:sub': 'repo:acme/asc-keys:environment:asc-keys',
    });
  });

  test('deployer: what Terraform needs, scoped to the name prefix; never a key value', () => {
    const p = platform(github, {
      namePrefix: 'keys',
      stateBackend: { bucket: 'acme-tf-state', keyPrefix: 'k' },
    });
    const statements = permissionsOf(synth(p), 'deployer');
    const all = actions(statements);
    for (const forbidden of [
      'secretsmanager:GetSecretValue',
      'secretsmanager:BatchGetSecretValue',
      'secretsmanager:PutSecretValue',
      'kms:Decrypt',
      'kms:ScheduleKeyDeletion',
      'iam:AttachRolePolicy',
      'iam:CreatePolicy',
    ])
      expect(all).not.toContain(forbidden);
    for (const a of all) expect(a, a).not.toContain('*');
    const sid = (id: string) => statements.find((s) => s.Sid === id);
    expect(sid('ManageKeySecrets')?.Resource).toBe(
      'arn:aws:secretsmanager:eu-central-1:111122223333:secret:keys/*',
    );
    expect(sid('ManagePlatformRoles')?.Resource).toEqual(
      ['scheduler', 'publisher', 'validator', 'importer', 'planner', 'deployer'].map(
        (r) => `arn:aws:iam::111122223333:role/keys-${r}`,
      ),
    );
    expect(sid('ManageReminders')?.Resource).toEqual([
      'arn:aws:scheduler:eu-central-1:111122223333:schedule/keys/*',
      'arn:aws:scheduler:eu-central-1:111122223333:schedule-group/keys',
    ]);
    expect(sid('ManagePlatformKey')?.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/managed-by': 'asc-keys' },
    });
    expect(sid('CreatePlatformKey')?.Condition).toEqual({
      StringEquals: { 'aws:RequestTag/managed-by': 'asc-keys' },
    });
    expect(sid('ManageTopic')?.Resource).toEqual([
      'arn:aws:sns:eu-central-1:111122223333:keys-rotation-reminders',
      'arn:aws:sns:eu-central-1:111122223333:keys-security-alerts',
      'arn:aws:sns:eu-central-1:111122223333:keys-rotation-reminders:*',
      'arn:aws:sns:eu-central-1:111122223333:keys-security-alerts:*',
    ]);
    expect(sid('ManagePlatformAlias')?.Resource).toEqual([
      'arn:aws:kms:eu-central-1:111122223333:alias/keys',
      'arn:aws:kms:eu-central-1:111122223333:alias/keys-sns',
    ]);
    // The alert rules only: not another rule of the account, which could forward any event anywhere.
    expect(sid('ManageAlertRules')?.Resource).toBe(
      'arn:aws:events:eu-central-1:111122223333:rule/keys-alert-*',
    );
    expect(sid('ManageAlertRules')?.Action).toEqual(
      expect.arrayContaining(['events:PutRule', 'events:PutTargets']),
    );
    expect(sid('WriteState')?.Resource).toBe('arn:aws:s3:::acme-tf-state/k/*');
    expect(sid('ListState')?.Condition).toEqual({ StringLike: { 's3:prefix': 'k/*' } });
    // Every statement on "*" is one whose actions take no resource ARN.
    for (const s of statements.filter((x) => x.Resource === '*'))
      expect([s.Action].flat(), s.Sid).toEqual(
        expect.arrayContaining([expect.stringMatching(/^kms:(CreateKey|TagResource|ListAliases)$/)]),
      );
  });

  test('deployer: makes a pending key current by moving labels on the key secrets, and can write no value', () => {
    const statements = permissionsOf(synth(platform(github, { namePrefix: 'keys' })), 'deployer');
    expect(statements.find((s) => s.Sid === 'PromoteImportedKeys')).toEqual({
      Sid: 'PromoteImportedKeys',
      Effect: 'Allow',
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:UpdateSecretVersionStage'],
      Resource: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:keys/*',
    });
    const all = actions(statements);
    expect(all).not.toContain('secretsmanager:PutSecretValue');
    expect(all).not.toContain('secretsmanager:GetSecretValue');
  });

  test('validator: additionally the default branch, outside any environment', () => {
    const r = synth(platform({ ...github, defaultBranch: 'trunk' }));
    expect(trustOf(r, 'validator')).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111122223333:role/ci-asc-keys'] },
        Action: 'sts:AssumeRole',
      },
      { Sid: 'GitHubDefaultBranch', ...githubTrust('repo:acme/asc-keys:ref:refs/heads/trunk') },
    ]);
  });

  test('the publisher and the importer (and any other role) trust no GitHub token', () => {
    const r = synth(
      platform(github, { importerTrustedPrincipals: ['arn:aws:iam::111122223333:role/onboarding'] }),
    );
    expect(Object.keys(r.aws_iam_role!)).toEqual(expect.arrayContaining(['publisher_role', 'importer_role']));
    const federated = Object.keys(r.aws_iam_role!).filter((id) =>
      JSON.stringify(trustOf(r, id.replace(/_role$/, ''))).includes('Federated'),
    );
    expect(federated.sort()).toEqual(['deployer_role', 'planner_role', 'validator_role']);
    // No trust condition anywhere is a pattern that another repository, branch or event could match.
    for (const id of federated)
      for (const s of trustOf(r, id.replace(/_role$/, '')))
        if (s.Principal?.Federated) expect(Object.keys(s.Condition!)).toEqual(['StringEquals']);
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
