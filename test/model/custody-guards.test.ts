import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { custodyScp, SCP_MAX_CHARACTERS } from '../../lib/model/custody-guards.js';
import { platformContext } from '../../lib/model/platform-context.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import type { PolicyDocument } from '../../lib/model/policy-document.js';
import { sealingKeySecret } from '../../lib/model/sealing-key.js';
import { SNS_TOPIC_CONTEXT } from '../../lib/model/sns-key.js';
import { loadPlatform } from '../../lib/records/load-platform.js';
import type { PlatformConfig } from '../../lib/records/platform-schema.js';
import { requestsConfigSchema } from '../../lib/records/requests-config-schema.js';
import {
  evaluate,
  FULL_AWS_ACCESS,
  type Decision,
  type Policies,
  type Request,
} from '../support/policy-evaluator.js';
import { PLATFORM, record } from '../support/records.js';

// Every access the model intends, and every path by which a key could be reached around it, as
// one table of (principal, action, resource, context), each evaluated with the caller's own
// policies, the resource's policy, the KMS key's policy and the service control policy together.
const ACCOUNT = '111122223333';
const REGION = 'eu-central-1';
const role = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const ADMIN = PLATFORM.administrators[0]!;
const platform: PlatformConfig = {
  ...PLATFORM,
  importerTrustedPrincipals: [role('onboarding')],
  github: {
    repository: 'acme/asc-keys',
    oidcProvider: 'create',
    defaultBranch: 'main',
    deployEnvironment: 'asc-keys',
  },
  requests: requestsConfigSchema.parse({
    companyName: 'Globex Publishing',
    sealingPageUrl: 'https://keys.globex.example/{customer}.html',
    email: 'keys@globex.example',
  }),
};
const ctx = platformContext(platform);
const desired = platformDesiredState(platform);
const NOW = new Date('2026-11-27T12:00:00Z');
const secretPolicy = customerDesiredState(record(), platform, NOW).secret!.policy;
const sealingPolicy = sealingKeySecret(ctx).policy;
const topic = (id: string): { arn: string; policy: PolicyDocument } => {
  const t = desired.topics.find((x) => x.id === id)!;
  return { arn: t.arn, policy: t.policy!.document };
};
const SCP = [FULL_AWS_ACCESS, custodyScp(ctx)];
const EVERYTHING: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

const PUBLISHER = role('asc-keys-publisher');
const VALIDATOR = role('asc-keys-validator');
const IMPORTER = role('asc-keys-importer');
const DEPLOYER = role('asc-keys-deployer');
const SCHEDULER = role('asc-keys-scheduler');
const REQUESTER = role('asc-keys-requester');
const IAM_WRITER = role('Developer');
const identity = (arn: string): PolicyDocument[] => {
  const own = desired.roles.find((r) => r.arn === arn);
  return own ? own.inlinePolicies.map((p) => p.document) : [EVERYTHING];
};

const secret = (slug: string): string =>
  `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:asc-keys/${slug}-AbC123`;
const ACME = secret('acme-corp');
const SEALING = secret('_sealing-key');
const SECRETS_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/secrets`;
const SNS_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/sns`;
const viaSm = (secretArn: string) => ({
  'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`,
  'kms:EncryptionContext:SecretARN': secretArn,
  'kms:ResourceAliases': 'alias/asc-keys',
});
const acmeTags = {
  'secretsmanager:ResourceTag/customer': 'acme-corp',
  'secretsmanager:ResourceTag/managed-by': 'asc-keys',
};
const stage = (name: string) => ({ ...acmeTags, 'secretsmanager:VersionStage': name });
const SENDER_DOMAIN = `arn:aws:ses:${REGION}:${ACCOUNT}:identity/globex.example`;

interface Row {
  readonly what: string;
  readonly request: Request;
  readonly policies: Policies;
  readonly expected: Decision;
}
const onSecret = (
  principal: string,
  action: string,
  resource: string,
  policy: PolicyDocument,
  context = {},
): Row['request'] & { p: Policies } => ({
  principalArn: principal,
  action,
  resource,
  context,
  p: { identity: identity(principal), resource: policy, scp: SCP },
});
const row = (what: string, expected: Decision, r: ReturnType<typeof onSecret>): Row => {
  const { p, ...request } = r;
  // The deployer's own denies must hold in an account without the service control policy.
  const { scp, ...withoutScp } = p;
  return {
    what,
    request,
    policies: r.principalArn === DEPLOYER ? withoutScp : { ...withoutScp, scp },
    expected,
  };
};
const onKey = (principal: string, action: string, key: string, keyPolicy: PolicyDocument, context = {}) => ({
  principalArn: principal,
  action,
  resource: key,
  context,
  p: { identity: identity(principal), key: keyPolicy, scp: SCP },
});
const onIdentityOnly = (principal: string, action: string, resource: string, context = {}) => ({
  principalArn: principal,
  action,
  resource,
  context,
  p: { identity: identity(principal), scp: SCP },
});

const ROWS: readonly Row[] = [
  // What the model intends: allowed by every layer together.
  row(
    'the publisher reads its own key',
    'allow',
    onSecret(PUBLISHER, 'secretsmanager:GetSecretValue', ACME, secretPolicy, {
      ...acmeTags,
      'aws:PrincipalTag/customer': 'acme-corp',
    }),
  ),
  row(
    '…and decrypts it',
    'allow',
    onKey(PUBLISHER, 'kms:Decrypt', SECRETS_KEY, desired.kmsKey.policy, viaSm(ACME)),
  ),
  row(
    'the validator reads every key',
    'allow',
    onSecret(VALIDATOR, 'secretsmanager:GetSecretValue', ACME, secretPolicy, acmeTags),
  ),
  row(
    '…and decrypts it',
    'allow',
    onKey(VALIDATOR, 'kms:Decrypt', SECRETS_KEY, desired.kmsKey.policy, viaSm(ACME)),
  ),
  row(
    'the importer reads the sealing key',
    'allow',
    onSecret(IMPORTER, 'secretsmanager:GetSecretValue', SEALING, sealingPolicy),
  ),
  row(
    '…and decrypts it',
    'allow',
    onKey(IMPORTER, 'kms:Decrypt', SECRETS_KEY, desired.kmsKey.policy, viaSm(SEALING)),
  ),
  row(
    'the importer writes a value',
    'allow',
    onSecret(IMPORTER, 'secretsmanager:PutSecretValue', ACME, secretPolicy, acmeTags),
  ),
  row(
    '…encrypting it with a data key',
    'allow',
    onKey(IMPORTER, 'kms:GenerateDataKey', SECRETS_KEY, desired.kmsKey.policy, viaSm(ACME)),
  ),
  row(
    'the scheduler publishes a reminder',
    'allow',
    onSecret(SCHEDULER, 'sns:Publish', topic('reminders').arn, topic('reminders').policy),
  ),
  row(
    '…encrypting it with the SNS key',
    'allow',
    onKey(SCHEDULER, 'kms:GenerateDataKey', SNS_KEY, desired.snsKey.policy, {
      'kms:ViaService': `sns.${REGION}.amazonaws.com`,
      [SNS_TOPIC_CONTEXT]: topic('reminders').arn,
      'kms:ResourceAliases': 'alias/asc-keys-sns',
    }),
  ),
  row(
    'an administrator changes a key policy (the custody stack)',
    'allow',
    onKey(ADMIN, 'kms:PutKeyPolicy', SECRETS_KEY, desired.kmsKey.policy),
  ),
  row(
    'an administrator changes the validator trust',
    'allow',
    onIdentityOnly(ADMIN, 'iam:UpdateAssumeRolePolicy', VALIDATOR),
  ),

  // 1. The deployer pivots: every step is an explicit Deny in its own policy.
  row(
    'the deployer trusts itself into the validator',
    'explicit-deny',
    onIdentityOnly(DEPLOYER, 'iam:UpdateAssumeRolePolicy', VALIDATOR),
  ),
  row(
    'the deployer widens its own policy',
    'explicit-deny',
    onIdentityOnly(DEPLOYER, 'iam:PutRolePolicy', DEPLOYER),
  ),
  row(
    'the deployer re-creates a platform role',
    'explicit-deny',
    onIdentityOnly(DEPLOYER, 'iam:CreateRole', PUBLISHER),
  ),
  row(
    'the deployer batch-reads every key',
    'explicit-deny',
    onIdentityOnly(DEPLOYER, 'secretsmanager:BatchGetSecretValue', '*'),
  ),
  row(
    'the deployer writes a key value',
    'explicit-deny',
    onSecret(DEPLOYER, 'secretsmanager:PutSecretValue', ACME, secretPolicy, acmeTags),
  ),
  row(
    'the deployer disables the secrets key',
    'explicit-deny',
    onKey(DEPLOYER, 'kms:DisableKey', SECRETS_KEY, desired.kmsKey.policy),
  ),
  row(
    'the deployer schedules its deletion',
    'explicit-deny',
    onKey(DEPLOYER, 'kms:ScheduleKeyDeletion', SECRETS_KEY, desired.kmsKey.policy),
  ),
  row(
    'the deployer moves the alias',
    'explicit-deny',
    onIdentityOnly(DEPLOYER, 'kms:UpdateAlias', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/asc-keys`),
  ),
  row(
    'the deployer disables an alert rule',
    'explicit-deny',
    onIdentityOnly(
      DEPLOYER,
      'events:DisableRule',
      `arn:aws:events:${REGION}:${ACCOUNT}:rule/asc-keys-alert-key-reads`,
    ),
  ),
  row(
    'the deployer removes the us-east-1 rule target',
    'explicit-deny',
    onIdentityOnly(
      DEPLOYER,
      'events:RemoveTargets',
      `arn:aws:events:us-east-1:${ACCOUNT}:rule/asc-keys-alert-iam-forward`,
    ),
  ),
  row(
    'the deployer filters the alerts subscription',
    'explicit-deny',
    onIdentityOnly(DEPLOYER, 'sns:SetSubscriptionAttributes', `${topic('alerts').arn}:0f0e`),
  ),
  row(
    'the deployer stops CloudTrail',
    'explicit-deny',
    onIdentityOnly(
      DEPLOYER,
      'cloudtrail:StopLogging',
      `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/management`,
    ),
  ),
  row(
    'the deployer replaces the sealing key',
    'explicit-deny',
    onSecret(DEPLOYER, 'secretsmanager:PutSecretValue', SEALING, sealingPolicy),
  ),

  // 2. Any IAM writer of the account: the service control policy.
  row(
    'an IAM writer trusts itself into the validator',
    'explicit-deny',
    onIdentityOnly(IAM_WRITER, 'iam:UpdateAssumeRolePolicy', VALIDATOR),
  ),
  row(
    'an IAM writer deletes and re-creates the publisher',
    'explicit-deny',
    onIdentityOnly(IAM_WRITER, 'iam:CreateRole', PUBLISHER),
  ),
  row(
    'an IAM writer changes the key policy',
    'explicit-deny',
    onKey(IAM_WRITER, 'kms:PutKeyPolicy', SECRETS_KEY, desired.kmsKey.policy),
  ),
  row(
    'an IAM writer deletes an alert rule',
    'explicit-deny',
    onIdentityOnly(
      IAM_WRITER,
      'events:DeleteRule',
      `arn:aws:events:${REGION}:${ACCOUNT}:rule/asc-keys-alert-iam-changes`,
    ),
  ),
  row(
    'an IAM writer reads a key',
    'explicit-deny',
    onSecret(IAM_WRITER, 'secretsmanager:GetSecretValue', ACME, secretPolicy, acmeTags),
  ),
  row(
    'an IAM writer decrypts with the secrets key',
    'implicit-deny',
    onKey(IAM_WRITER, 'kms:Decrypt', SECRETS_KEY, desired.kmsKey.policy, viaSm(ACME)),
  ),
  row(
    'an IAM writer writes a value',
    'explicit-deny',
    onSecret(IAM_WRITER, 'secretsmanager:PutSecretValue', ACME, secretPolicy, acmeTags),
  ),

  // 3. A pre-made secret: creation under the prefix is the importer's (and Terraform's).
  row(
    "another role pre-makes the next customer's secret",
    'explicit-deny',
    onIdentityOnly(IAM_WRITER, 'secretsmanager:CreateSecret', secret('newco')),
  ),

  // 4. The importer reads no customer's key and changes no sealing key.
  row(
    'the importer reads a customer key',
    'explicit-deny',
    onSecret(IMPORTER, 'secretsmanager:GetSecretValue', ACME, secretPolicy, acmeTags),
  ),
  row(
    'the importer decrypts a customer key',
    'implicit-deny',
    onKey(IMPORTER, 'kms:Decrypt', SECRETS_KEY, desired.kmsKey.policy, viaSm(ACME)),
  ),
  row(
    'the importer replaces the sealing key',
    'explicit-deny',
    onSecret(IMPORTER, 'secretsmanager:PutSecretValue', SEALING, sealingPolicy),
  ),
  row(
    'the importer force-deletes the sealing key',
    'explicit-deny',
    onSecret(IMPORTER, 'secretsmanager:DeleteSecret', SEALING, sealingPolicy, {
      'secretsmanager:ForceDeleteWithoutRecovery': 'true',
    }),
  ),
  row(
    'the validator reads the sealing key',
    'explicit-deny',
    onSecret(VALIDATOR, 'secretsmanager:GetSecretValue', SEALING, sealingPolicy),
  ),
  row(
    "the publisher reads another customer's key",
    'implicit-deny',
    onSecret(PUBLISHER, 'secretsmanager:GetSecretValue', secret('globex'), secretPolicy, {
      'secretsmanager:ResourceTag/customer': 'globex',
      'secretsmanager:ResourceTag/managed-by': 'asc-keys',
      'aws:PrincipalTag/customer': 'acme-corp',
    }),
  ),
  // 5. The nightly's key requests: the replaced key (to prove it revoked) and the request emails, nothing else.
  row(
    'the requester reads a replaced key (AWSPREVIOUS)',
    'allow',
    onSecret(REQUESTER, 'secretsmanager:GetSecretValue', ACME, secretPolicy, stage('AWSPREVIOUS')),
  ),
  row(
    '…and decrypts it',
    'allow',
    onKey(REQUESTER, 'kms:Decrypt', SECRETS_KEY, desired.kmsKey.policy, viaSm(ACME)),
  ),
  row(
    'the requester reads the key in use (AWSCURRENT)',
    'explicit-deny',
    onSecret(REQUESTER, 'secretsmanager:GetSecretValue', ACME, secretPolicy, stage('AWSCURRENT')),
  ),
  row(
    'the requester reads a staged import (AWSPENDING)',
    'explicit-deny',
    onSecret(REQUESTER, 'secretsmanager:GetSecretValue', ACME, secretPolicy, stage('AWSPENDING')),
  ),
  row(
    'the requester reads a version by its ID (no stage named)',
    'explicit-deny',
    onSecret(REQUESTER, 'secretsmanager:GetSecretValue', ACME, secretPolicy, acmeTags),
  ),
  {
    // Even with an identity policy widened to everything, the secret's own policy holds.
    ...row(
      'the requester, its policy widened, reads the key in use',
      'explicit-deny',
      onSecret(REQUESTER, 'secretsmanager:GetSecretValue', ACME, secretPolicy, stage('AWSCURRENT')),
    ),
    policies: { identity: [EVERYTHING], resource: secretPolicy, scp: SCP },
  },
  row(
    'the requester reads the sealing key',
    'explicit-deny',
    onSecret(REQUESTER, 'secretsmanager:GetSecretValue', SEALING, sealingPolicy, {
      'secretsmanager:VersionStage': 'AWSPREVIOUS',
    }),
  ),
  row(
    'the requester writes a value',
    'explicit-deny',
    onSecret(REQUESTER, 'secretsmanager:PutSecretValue', ACME, secretPolicy, acmeTags),
  ),
  row(
    'the requester sends a request from the configured sender',
    'allow',
    onIdentityOnly(REQUESTER, 'ses:SendEmail', SENDER_DOMAIN, { 'ses:FromAddress': 'keys@globex.example' }),
  ),
  row(
    'the requester sends from another address of the domain',
    'implicit-deny',
    onIdentityOnly(REQUESTER, 'ses:SendEmail', SENDER_DOMAIN, { 'ses:FromAddress': 'ceo@globex.example' }),
  ),
  row(
    'the validator sends email',
    'implicit-deny',
    onIdentityOnly(VALIDATOR, 'ses:SendEmail', SENDER_DOMAIN, { 'ses:FromAddress': 'keys@globex.example' }),
  ),
];
describe('every access and every path, over identity, resource, key and service control policies', () => {
  test.each(ROWS)('$what: $expected', ({ request, policies, expected }) => {
    expect(evaluate(request, policies)).toBe(expected);
  });
  test('EventBridge publishes the alerts, and encrypts them with the SNS key', () => {
    const events = { principalArn: '', service: 'events.amazonaws.com' };
    const rule = desired.alertRules.find((r) => r.name.endsWith('-key-reads'))!.arn;
    const context = {
      'aws:SourceArn': rule,
      'aws:SourceAccount': ACCOUNT,
      [SNS_TOPIC_CONTEXT]: topic('alerts').arn,
    };
    expect(
      evaluate(
        { ...events, action: 'sns:Publish', resource: topic('alerts').arn, context },
        { resource: topic('alerts').policy, scp: SCP },
      ),
    ).toBe('allow');
    expect(
      evaluate(
        { ...events, action: 'kms:GenerateDataKey', resource: SNS_KEY, context },
        { key: desired.snsKey.policy, scp: SCP },
      ),
    ).toBe('allow');
  });
});

describe('the service control policy', () => {
  test("the file in the repository is this configuration's rendering (asc-keys scp --out policies/custody-scp.json)", () => {
    const repo = loadPlatform('cdktf.json').platform!;
    const rendered = JSON.stringify(custodyScp(platformContext(repo)));
    expect(readFileSync('policies/custody-scp.json', 'utf8')).toBe(`${rendered}\n`);
    expect(rendered.length).toBeLessThanOrEqual(SCP_MAX_CHARACTERS);
  });
  test('it binds no administrator', () => {
    for (const action of [
      'iam:UpdateAssumeRolePolicy',
      'kms:PutKeyPolicy',
      'events:DeleteRule',
      'cloudtrail:StopLogging',
    ])
      expect(
        evaluate({ principalArn: ADMIN, action, resource: '*' }, { identity: [EVERYTHING], scp: SCP }),
      ).toBe('allow');
  });
});
