import { describe, expect, test } from 'vitest';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import type { PolicyDocument } from '../../lib/model/policy-document.js';
import { MANAGE_SECRET_ACTIONS } from '../../lib/model/secret-policy.js';
import { SNS_TOPIC_CONTEXT } from '../../lib/model/sns-key.js';
import { MANAGE_TOPIC_ACTIONS } from '../../lib/model/topic-policy.js';
import type { PlatformConfig } from '../../lib/records/platform-schema.js';
import { evaluate, type Request } from '../support/policy-evaluator.js';
import { PLATFORM, record } from '../support/records.js';

// The policies as the stacks synthesize them (the stacks translate the model verbatim; the
// stack tests check that), read against IAM's evaluation logic, including what must NOT be allowed.
const ACCOUNT = '111122223333';
const role = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const DEPLOYER = role('terraform-deployer');
const ADMIN = role('PlatformAdministrator');
const PIPELINE = role('publishing-pipeline');
const platform: PlatformConfig = {
  ...PLATFORM,
  deployers: [DEPLOYER],
  importerTrustedPrincipals: [role('onboarding')],
};
const desired = platformDesiredState(platform);
const roleOf = (id: string): (typeof desired.roles)[number] => desired.roles.find((r) => r.id === id)!;
const identity = (id: string): PolicyDocument[] => roleOf(id).inlinePolicies.map((p) => p.document);
const NOW = new Date('2026-11-27T12:00:00Z');
const secretPolicy = customerDesiredState(record(), platform, NOW).secret!.policy;
const arnOf = (slug: string): string =>
  `arn:aws:secretsmanager:eu-central-1:${ACCOUNT}:secret:asc-keys/${slug}-AbC123`;
const PUBLISHER = role('asc-keys-publisher');
/** A principal whose IAM policy allows everything, as a broad administrator role would. */
const EVERYTHING: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** Each principal's own IAM policies: the platform's roles as the model writes them, anyone else broad. */
const identityOf = (principalArn: string): PolicyDocument[] => {
  const own = desired.roles.find((r) => r.arn === principalArn);
  return own ? own.inlinePolicies.map((p) => p.document) : [EVERYTHING];
};

const onSecret = (principalArn: string, action: string, extra: Request['context'] = {}): Request => ({
  principalArn,
  action,
  resource: arnOf('acme-corp'),
  context: {
    'secretsmanager:ResourceTag/customer': 'acme-corp',
    'secretsmanager:ResourceTag/managed-by': 'asc-keys',
    ...extra,
  },
});

describe('publisher isolation, bound to the caller', () => {
  const trust = roleOf('publisher_role').trust;
  const assume = (callerTag: string | undefined, requested: Record<string, string>): string =>
    evaluate(
      {
        principalArn: PIPELINE,
        action: 'sts:TagSession',
        resource: PUBLISHER,
        context: {
          'aws:PrincipalTag/customer': callerTag,
          ...Object.fromEntries(Object.entries(requested).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
          'aws:TagKeys': Object.keys(requested),
        },
      },
      { resource: trust },
    );

  test('a pipeline tagged customer=acme-corp may open a session for acme-corp', () => {
    expect(assume('acme-corp', { customer: 'acme-corp' })).toBe('allow');
  });
  test('…but not for another customer, nor with another tag key, nor without a tag of its own', () => {
    expect(assume('acme-corp', { customer: 'globex' })).toBe('implicit-deny');
    expect(assume('acme-corp', { customer: 'acme-corp', team: 'x' })).toBe('implicit-deny');
    expect(assume(undefined, { customer: 'acme-corp' })).toBe('implicit-deny');
  });

  const read = (sessionCustomer: string, slug: string, tag: string): string =>
    evaluate(
      {
        principalArn: PUBLISHER,
        action: 'secretsmanager:GetSecretValue',
        resource: arnOf(slug),
        context: {
          'aws:PrincipalTag/customer': sessionCustomer,
          'secretsmanager:ResourceTag/customer': tag,
          'secretsmanager:ResourceTag/managed-by': 'asc-keys',
        },
      },
      { identity: identity('publisher_role'), resource: secretPolicy },
    );
  test("a publisher session for acme-corp reads acme-corp's key", () => {
    expect(read('acme-corp', 'acme-corp', 'acme-corp')).toBe('allow');
  });
  test("…and matches no statement that allows reading globex's key, even re-tagged customer=acme-corp", () => {
    expect(read('acme-corp', 'globex', 'globex')).toBe('implicit-deny');
    expect(read('acme-corp', 'globex', 'acme-corp')).toBe('implicit-deny');
    // A slug that extends another (acme-corp-2) is not acme-corp's either.
    expect(read('acme-corp', 'acme-corp-2', 'acme-corp')).toBe('implicit-deny');
  });
});

describe("the key secret's resource policy", () => {
  const asAnyone = (principal: string, action: string, extra: Request['context'] = {}): string =>
    evaluate(onSecret(principal, action, extra), { identity: [EVERYTHING], resource: secretPolicy });

  test('reading: only the publisher, the validator and the administrators', () => {
    expect(asAnyone(role('Developer'), 'secretsmanager:GetSecretValue')).toBe('explicit-deny');
    expect(asAnyone(DEPLOYER, 'secretsmanager:GetSecretValue')).toBe('explicit-deny');
    expect(asAnyone(role('asc-keys-importer'), 'secretsmanager:GetSecretValue')).toBe('explicit-deny');
    expect(asAnyone(ADMIN, 'secretsmanager:GetSecretValue')).toBe('allow');
    expect(asAnyone(role('asc-keys-validator'), 'secretsmanager:GetSecretValue')).toBe('allow');
  });

  test.each(MANAGE_SECRET_ACTIONS)(
    '%s: no principal but the deployer and the administrators, IAM users with full rights included',
    (action) => {
      expect(asAnyone(role('Developer'), action)).toBe('explicit-deny');
      expect(asAnyone(`arn:aws:iam::${ACCOUNT}:user/alice`, action)).toBe('explicit-deny');
      expect(asAnyone(role('asc-keys-importer'), action)).toBe('explicit-deny');
      expect(asAnyone(PUBLISHER, action)).toBe('explicit-deny');
      expect(asAnyone(DEPLOYER, action)).toBe('allow');
      expect(asAnyone(ADMIN, action)).toBe('allow');
    },
  );

  test.each(['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'])(
    '%s (swap or roll back the key): the importer, the deployer and the administrators only',
    (action) => {
      expect(asAnyone(role('Developer'), action)).toBe('explicit-deny');
      expect(asAnyone(PUBLISHER, action)).toBe('explicit-deny');
      expect(asAnyone(role('asc-keys-importer'), action)).toBe('allow');
      expect(asAnyone(ADMIN, action)).toBe('allow');
    },
  );

  test('nothing allows DeleteSecret with ForceDeleteWithoutRecovery, administrators and deployer included', () => {
    for (const p of [ADMIN, DEPLOYER, role('Developer')])
      expect(
        asAnyone(p, 'secretsmanager:DeleteSecret', { 'secretsmanager:ForceDeleteWithoutRecovery': 'true' }),
      ).toBe('explicit-deny');
    // With a recovery window (terraform destroy at offboarding), the deployer may.
    expect(asAnyone(DEPLOYER, 'secretsmanager:DeleteSecret')).toBe('allow');
  });

  test('without deployers configured, the administrators still manage (Terraform run as one of them)', () => {
    const bare = customerDesiredState(record(), { ...platform, deployers: [] }, NOW).secret!.policy;
    expect(
      evaluate(onSecret(ADMIN, 'secretsmanager:PutResourcePolicy'), {
        identity: [EVERYTHING],
        resource: bare,
      }),
    ).toBe('allow');
    expect(
      evaluate(onSecret(DEPLOYER, 'secretsmanager:PutResourcePolicy'), {
        identity: [EVERYTHING],
        resource: bare,
      }),
    ).toBe('explicit-deny');
  });
});

describe('the KMS key policy', () => {
  const key = desired.kmsKey.policy;
  const use = (
    principal: string,
    action: string,
    secretArn: string,
    via = 'secretsmanager.eu-central-1.amazonaws.com',
  ): string =>
    evaluate(
      {
        principalArn: principal,
        action,
        resource: 'arn:aws:kms:eu-central-1:111122223333:key/k',
        context: {
          'kms:ViaService': via,
          'kms:EncryptionContext:SecretARN': secretArn,
          'kms:ResourceAliases': 'alias/asc-keys',
        },
      },
      { identity: identityOf(principal), key },
    );
  test('the publisher decrypts through Secrets Manager, for secrets under the prefix only', () => {
    expect(use(PUBLISHER, 'kms:Decrypt', arnOf('acme-corp'))).toBe('allow');
    expect(
      use(
        PUBLISHER,
        'kms:Decrypt',
        `arn:aws:secretsmanager:eu-central-1:${ACCOUNT}:secret:other/thing-AbC123`,
      ),
    ).toBe('implicit-deny');
    expect(use(PUBLISHER, 'kms:Decrypt', arnOf('acme-corp'), 'ssm.eu-central-1.amazonaws.com')).toBe(
      'implicit-deny',
    );
  });
  test('others of the account get nothing from the key policy; the importer encrypts but never decrypts', () => {
    expect(use(role('Developer'), 'kms:Decrypt', arnOf('acme-corp'))).toBe('implicit-deny');
    expect(use(role('asc-keys-importer'), 'kms:Decrypt', arnOf('acme-corp'))).toBe('implicit-deny');
    expect(use(role('asc-keys-importer'), 'kms:GenerateDataKey', arnOf('acme-corp'))).toBe('allow');
  });
  test('administrators and the deployer administer it; nobody else may change its policy', () => {
    const put = (p: string): string =>
      evaluate(
        {
          principalArn: p,
          action: 'kms:PutKeyPolicy',
          resource: 'arn:aws:kms:eu-central-1:111122223333:key/k',
        },
        { identity: identityOf(p), key },
      );
    expect(put(ADMIN)).toBe('allow');
    expect(put(DEPLOYER)).toBe('allow');
    expect(put(role('Developer'))).toBe('implicit-deny');
    expect(put(PUBLISHER)).toBe('implicit-deny');
  });
  test('a lifecycle rule keeps terraform destroy from deleting it', () => {
    expect(desired.kmsKey.preventDestroy).toBe(true);
  });
});

describe("the scheduler role's trust", () => {
  const assume = (sourceArn: string): string =>
    evaluate(
      {
        principalArn: 'arn:aws:iam::111122223333:root',
        action: 'sts:AssumeRole',
        resource: role('asc-keys-scheduler'),
        context: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': sourceArn },
      },
      {
        resource: {
          ...roleOf('scheduler_role').trust,
          Statement: roleOf('scheduler_role').trust.Statement.map((s) => ({ ...s, Principal: '*' as const })),
        },
      },
    );
  test('only for schedules of its own group', () => {
    expect(assume(`arn:aws:scheduler:eu-central-1:${ACCOUNT}:schedule/asc-keys/acme-corp-remind-7d`)).toBe(
      'allow',
    );
    expect(assume(`arn:aws:scheduler:eu-central-1:${ACCOUNT}:schedule/default/anything`)).toBe(
      'implicit-deny',
    );
  });
});

const SCHEDULER = role('asc-keys-scheduler');
const EVENTS = 'events.amazonaws.com';
const ruleArn = (name: string): string => `arn:aws:events:eu-central-1:${ACCOUNT}:rule/${name}`;
const OUR_RULE = ruleArn('asc-keys-alert-key-reads');

describe('the SNS key policy', () => {
  const key = desired.snsKey.policy;
  const KEY = 'arn:aws:kms:eu-central-1:111122223333:key/sns';
  const REMINDERS_TOPIC = 'arn:aws:sns:eu-central-1:111122223333:asc-keys-rotation-reminders';
  const ALERTS_TOPIC = 'arn:aws:sns:eu-central-1:111122223333:asc-keys-security-alerts';
  const byRole = (
    principal: string,
    action: string,
    via = 'sns.eu-central-1.amazonaws.com',
    topic = REMINDERS_TOPIC,
  ): string =>
    evaluate(
      {
        principalArn: principal,
        action,
        resource: KEY,
        context: {
          'kms:ViaService': via,
          [SNS_TOPIC_CONTEXT]: topic,
          'kms:ResourceAliases': 'alias/asc-keys-sns',
        },
      },
      { identity: identityOf(principal), key },
    );
  const byEvents = (action: string, sourceArn: string, account = ACCOUNT, topic = ALERTS_TOPIC): string =>
    evaluate(
      {
        principalArn: '',
        service: EVENTS,
        action,
        resource: KEY,
        context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': account, [SNS_TOPIC_CONTEXT]: topic },
      },
      { key },
    );

  test('the scheduler role encrypts reminders with it through SNS only', () => {
    expect(byRole(SCHEDULER, 'kms:GenerateDataKey')).toBe('allow');
    expect(byRole(SCHEDULER, 'kms:Decrypt')).toBe('allow');
    expect(byRole(SCHEDULER, 'kms:GenerateDataKey', 'secretsmanager.eu-central-1.amazonaws.com')).toBe(
      'implicit-deny',
    );
    expect(byRole(SCHEDULER, 'kms:PutKeyPolicy')).toBe('implicit-deny');
  });
  test('each sender only for its own topic', () => {
    expect(byRole(SCHEDULER, 'kms:GenerateDataKey', 'sns.eu-central-1.amazonaws.com', ALERTS_TOPIC)).toBe(
      'implicit-deny',
    );
    expect(byEvents('kms:GenerateDataKey', OUR_RULE, ACCOUNT, REMINDERS_TOPIC)).toBe('implicit-deny');
    expect(
      byEvents('kms:GenerateDataKey', OUR_RULE, ACCOUNT, 'arn:aws:sns:eu-central-1:111122223333:other'),
    ).toBe('implicit-deny');
  });
  test('EventBridge uses it for the alert rules of this account only', () => {
    for (const r of desired.alertRules) expect(byEvents('kms:GenerateDataKey', r.arn)).toBe('allow');
    expect(byEvents('kms:Decrypt', OUR_RULE)).toBe('allow');
    expect(byEvents('kms:GenerateDataKey', ruleArn('someone-elses-rule'))).toBe('implicit-deny');
    expect(byEvents('kms:GenerateDataKey', OUR_RULE, '444455556666')).toBe('implicit-deny');
    expect(byEvents('kms:PutKeyPolicy', OUR_RULE)).toBe('implicit-deny');
  });
  test('administrators and the deployer administer it; no one else uses or changes it', () => {
    expect(byRole(ADMIN, 'kms:PutKeyPolicy')).toBe('allow');
    expect(byRole(DEPLOYER, 'kms:ScheduleKeyDeletion')).toBe('allow');
    expect(byRole(role('Developer'), 'kms:PutKeyPolicy')).toBe('implicit-deny');
    expect(byRole(role('Developer'), 'kms:Decrypt')).toBe('implicit-deny');
    expect(byRole(PUBLISHER, 'kms:GenerateDataKey')).toBe('implicit-deny');
  });
  test('rotation on, and a lifecycle rule keeps terraform destroy from deleting it', () => {
    expect(desired.snsKey.enableKeyRotation).toBe(true);
    expect(desired.snsKey.preventDestroy).toBe(true);
  });
  test('the secrets key stays bound to Secrets Manager: neither sender may use it', () => {
    const onSecretsKey = (r: Request): string =>
      evaluate(r, { identity: identityOf(r.principalArn), key: desired.kmsKey.policy });
    expect(
      onSecretsKey({
        principalArn: SCHEDULER,
        action: 'kms:GenerateDataKey',
        resource: KEY,
        context: { 'kms:ViaService': 'sns.eu-central-1.amazonaws.com' },
      }),
    ).toBe('implicit-deny');
    expect(
      onSecretsKey({
        principalArn: '',
        service: EVENTS,
        action: 'kms:GenerateDataKey',
        resource: KEY,
        context: { 'aws:SourceArn': OUR_RULE, 'aws:SourceAccount': ACCOUNT },
      }),
    ).toBe('implicit-deny');
  });
});

describe("the topics' policies", () => {
  const topic = (id: string): { arn: string; policy: PolicyDocument } => {
    const t = desired.topics.find((x) => x.id === id)!;
    return { arn: t.arn, policy: t.policy!.document };
  };
  const reminders = topic('reminders');
  const alerts = topic('alerts');
  const asRole = (
    t: { arn: string; policy: PolicyDocument },
    principalArn: string,
    action: string,
    identity: PolicyDocument[] = [EVERYTHING],
  ): string => evaluate({ principalArn, action, resource: t.arn }, { identity, resource: t.policy });
  const asEvents = (t: { arn: string; policy: PolicyDocument }, sourceArn: string): string =>
    evaluate(
      {
        principalArn: '',
        service: EVENTS,
        action: 'sns:Publish',
        resource: t.arn,
        context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': ACCOUNT },
      },
      { resource: t.policy },
    );

  test('reminders: the scheduler role publishes; no one else does, whatever their IAM policies allow', () => {
    expect(asRole(reminders, SCHEDULER, 'sns:Publish', identity('scheduler_role'))).toBe('allow');
    // The topic policy names the role through the account: the role's own policy must allow too.
    expect(asRole(reminders, SCHEDULER, 'sns:Publish', [])).toBe('implicit-deny');
    expect(asRole(reminders, ADMIN, 'sns:Publish')).toBe('explicit-deny');
    expect(asRole(reminders, role('Developer'), 'sns:Publish')).toBe('explicit-deny');
    expect(asEvents(reminders, OUR_RULE)).not.toBe('allow');
  });
  test('alerts: EventBridge publishes for the alert rules only; no role does', () => {
    for (const r of desired.alertRules) expect(asEvents(alerts, r.arn)).toBe('allow');
    expect(asEvents(alerts, ruleArn('someone-elses-rule'))).toBe('explicit-deny');
    expect(asRole(alerts, ADMIN, 'sns:Publish')).toBe('explicit-deny');
    expect(asRole(alerts, SCHEDULER, 'sns:Publish', identity('scheduler_role'))).toBe('explicit-deny');
  });
  test.each(MANAGE_TOPIC_ACTIONS)(
    '%s on either topic: administrators and the deployer only, everyone else denied',
    (action) => {
      for (const t of [reminders, alerts]) {
        expect(asRole(t, ADMIN, action)).toBe('allow');
        expect(asRole(t, DEPLOYER, action)).toBe('allow');
        expect(asRole(t, role('Developer'), action)).toBe('explicit-deny');
        expect(asRole(t, SCHEDULER, action)).toBe('explicit-deny');
        expect(asRole(t, `arn:aws:iam::${ACCOUNT}:user/alice`, action)).toBe('explicit-deny');
      }
    },
  );
  test('both topics are encrypted with the SNS key, by its alias ARN', () => {
    for (const t of desired.topics) expect(t.kmsMasterKeyId).toBe(desired.snsKey.alias.arn);
  });
});
