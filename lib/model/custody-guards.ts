import { alertRules, CLOUDTRAIL_CHANGES } from './alert-rules.js';
import type { PlatformContext } from './platform-context.js';
import { policy, type PolicyDocument, type PolicyStatement } from './policy-document.js';
import { administratorArns, deployerArns, distinct, importerArns } from './principals.js';
import { MANAGE_SECRET_ACTIONS, WRITE_VALUE_ACTIONS } from './secret-policy.js';

/**
 * What guards the keys, as one table of denies: each row is who may still do it (the
 * administrators always). The deployer's policy carries every row that does not except the
 * deployers, as explicit Denies it cannot lift (it may not write any `<prefix>-*` role or
 * policy, its own included); the service control policy carries every row for every
 * principal of the account but those the row excepts.
 */
export interface CustodyGuard {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** Who, besides the administrators, may still do it. */
  readonly except: readonly string[];
  /** Why, for the docs and the rendered policy's reader. */
  readonly why: string;
}

/** IAM writes, as action patterns: every verb that changes a role, a policy or a provider. */
export const IAM_WRITE_ACTIONS = [
  'iam:Create*',
  'iam:Delete*',
  'iam:Update*',
  'iam:Put*',
  'iam:Attach*',
  'iam:Detach*',
  'iam:Tag*',
  'iam:Untag*',
  'iam:Add*',
  'iam:Remove*',
  'iam:Set*',
];

/** Every change to a KMS key's policy, state, rotation, grants, tags or aliases. */
export const KMS_WRITE_ACTIONS = [
  'kms:PutKeyPolicy',
  'kms:DisableKey',
  'kms:EnableKey',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:DisableKeyRotation',
  'kms:EnableKeyRotation',
  'kms:RotateKeyOnDemand',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:CreateGrant',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateKeyDescription',
  'kms:ImportKeyMaterial',
  'kms:DeleteImportedKeyMaterial',
];

export const EVENT_RULE_WRITE_ACTIONS = [
  'events:PutRule',
  'events:DeleteRule',
  'events:DisableRule',
  'events:EnableRule',
  'events:PutTargets',
  'events:RemoveTargets',
  'events:TagResource',
  'events:UntagResource',
];

export const TOPIC_WRITE_ACTIONS = [
  'sns:CreateTopic',
  'sns:DeleteTopic',
  'sns:SetTopicAttributes',
  'sns:Subscribe',
  'sns:Unsubscribe',
  'sns:SetSubscriptionAttributes',
  'sns:AddPermission',
  'sns:RemovePermission',
  'sns:TagResource',
  'sns:UntagResource',
  'sns:PutDataProtectionPolicy',
];

export function custodyGuards(ctx: PlatformContext): CustodyGuard[] {
  const { names, platform } = ctx;
  const prefix = platform.namePrefix;
  const ruleArns = distinct(
    alertRules(ctx).map((r) => r.arn.replace(/:rule\/.*$/, `:rule/${prefix}-alert-*`)),
  );
  return [
    {
      sid: 'NoIamWriteOnPlatformRoles',
      actions: IAM_WRITE_ACTIONS,
      resources: [names.roleArnPattern, names.policyArnPattern, names.oidcProviderArnPattern],
      except: [],
      why: 'a role that can change a trust policy can make itself the validator and read every key',
    },
    {
      sid: 'NoKeyPolicyStateOrAliasChange',
      actions: KMS_WRITE_ACTIONS,
      resources: [names.kmsKeyArnPattern, names.kmsAliasArn, names.snsKmsAliasArn],
      except: [],
      why: "the key policy is the last gate on every key's value; a disabled or deleted key loses them all",
    },
    {
      sid: 'NoAlertRuleChange',
      actions: EVENT_RULE_WRITE_ACTIONS,
      resources: ruleArns,
      except: [],
      why: 'an attacker turns the alerts off first',
    },
    {
      sid: 'NoAlertsTopicChange',
      actions: TOPIC_WRITE_ACTIONS,
      resources: [names.alertsTopicArn, `${names.alertsTopicArn}:*`],
      except: [],
      why: 'a filter policy or a removed subscription silences every alert',
    },
    {
      sid: 'NoCloudTrailChange',
      actions: CLOUDTRAIL_CHANGES.map((a) => `cloudtrail:${a}`),
      resources: ['*'],
      except: [],
      why: 'without a trail, no API call reaches the alert rules',
    },
    {
      sid: 'NoSealingKeyChange',
      // Not its reading: the secret's own policy admits the importer and the administrators only.
      actions: ['secretsmanager:CreateSecret', ...MANAGE_SECRET_ACTIONS, ...WRITE_VALUE_ACTIONS],
      resources: [ctx.names.sealingSecretArnPattern],
      except: [],
      why: 'the sealing key opens every sealed block; replacing it would collect the next ones',
    },
    {
      sid: 'OnlyImportAndTerraformCreateKeySecrets',
      actions: ['secretsmanager:CreateSecret'],
      resources: [names.secretArnPattern],
      except: distinct([...importerArns(ctx), ...deployerArns(ctx)]),
      why: "a secret made in advance under the next customer's name, with a key or replica of its maker's choosing, would receive that customer's key",
    },
    {
      sid: 'OnlyTheImporterWritesValues',
      actions: ['secretsmanager:PutSecretValue'],
      resources: [names.secretArnPattern],
      except: importerArns(ctx),
      why: 'a new value is a new key: only import proves one with Apple before storing it',
    },
    {
      sid: 'OnlyImportAndPromotionMoveStages',
      actions: ['secretsmanager:UpdateSecretVersionStage'],
      resources: [names.secretArnPattern],
      except: distinct([...importerArns(ctx), ...deployerArns(ctx)]),
      why: "moving AWSCURRENT back is a rollback to a key Apple may have revoked; only import and the staged import's promotion do it",
    },
  ];
}

const one = (resources: readonly string[]): string | string[] =>
  resources.length === 1 ? resources[0]! : [...resources];

/**
 * The guards as explicit Denies in the deployer's own policy (those that do not except it),
 * and one more: the deployer never reads a value, whatever a key or secret policy says.
 */
export function deployerDenies(ctx: PlatformContext, deployerArn: string): PolicyStatement[] {
  return [
    ...custodyGuards(ctx)
      .filter((g) => !g.except.includes(deployerArn))
      .map((g) => ({
        Sid: g.sid,
        Effect: 'Deny' as const,
        Action: [...g.actions],
        Resource: one(g.resources),
      })),
    {
      Sid: 'NeverReadsAValue',
      Effect: 'Deny',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:BatchGetSecretValue', 'kms:Decrypt'],
      Resource: '*',
    },
  ];
}

/**
 * The guards as a service control policy: the same Denies for every principal of the account
 * but the administrators and those each row excepts.
 */
export function custodyScpStatements(ctx: PlatformContext): PolicyStatement[] {
  const admins = administratorArns(ctx);
  return custodyGuards(ctx).map((g) => {
    const allowed = distinct([...admins, ...g.except]);
    return {
      Sid: g.sid,
      Effect: 'Deny' as const,
      Action: [...g.actions],
      Resource: one(g.resources),
      ...(allowed.length ? { Condition: { ArnNotLike: { 'aws:PrincipalArn': allowed } } } : {}),
    };
  });
}

/** AWS Organizations' limit on a service control policy's size, in characters. */
export const SCP_MAX_CHARACTERS = 5120;

/** The service control policy document of the custody denies. */
export function custodyScp(ctx: PlatformContext): PolicyDocument {
  return policy(...custodyScpStatements(ctx));
}
