import { requesterArns } from './requester-role.js';
import type { DesiredEventRule, EventPattern } from './desired-resources.js';
import type { PlatformContext } from './platform-context.js';
import { deployerArns, distinct, importerArns } from './principals.js';
import { SEALING_SECRET_LEAF } from './sealing-key.js';
import { MANAGE_SECRET_ACTIONS } from './secret-policy.js';
import { PLATFORM_TAGS } from './tags.js';

/** What CloudTrail's events carry on EventBridge (its documented shape). */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** IAM's global events reach EventBridge in this region only. */
export const IAM_EVENT_REGION = 'us-east-1';

/** What changes the secrets KMS key or the topics' key, or moves their aliases. */
export const KMS_CHANGE_ACTIONS = ['PutKeyPolicy', 'DisableKey', 'ScheduleKeyDeletion', 'DisableKeyRotation'];
export const KMS_ALIAS_ACTIONS = ['CreateAlias', 'UpdateAlias', 'DeleteAlias'];
/** IAM writes on a role, each naming it by `roleName`. */
export const IAM_ROLE_WRITES = [
  'CreateRole',
  'DeleteRole',
  'UpdateRole',
  'UpdateAssumeRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'TagRole',
  'UntagRole',
];
/** IAM writes on a managed policy, each naming it by `policyArn`. */
export const IAM_POLICY_WRITES = ['CreatePolicyVersion', 'SetDefaultPolicyVersion', 'DeletePolicy'];
export const IAM_PROVIDER_WRITES = [
  'CreateOpenIDConnectProvider',
  'UpdateOpenIDConnectProviderThumbprint',
  'AddClientIDToOpenIDConnectProvider',
  'DeleteOpenIDConnectProvider',
];
/** Changes to the alert rules themselves: the rule by `name`, its targets by `rule`. */
export const RULE_CHANGES = ['PutRule', 'DisableRule', 'DeleteRule'];
export const TARGET_CHANGES = ['RemoveTargets', 'PutTargets'];
/** Changes to the alerts topic: by `topicArn`, or by `subscriptionArn` (the topic's ARN, ":" and an ID). */
export const TOPIC_CHANGES = [
  'SetTopicAttributes',
  'DeleteTopic',
  'Subscribe',
  'AddPermission',
  'RemovePermission',
];
export const SUBSCRIPTION_CHANGES = ['Unsubscribe', 'SetSubscriptionAttributes'];
export const CLOUDTRAIL_CHANGES = [
  'StopLogging',
  'DeleteTrail',
  'PutEventSelectors',
  'PutAdvancedEventSelectors',
  'UpdateTrail',
];

/**
 * "By anyone but these principals", as event-pattern branches for `$or`. A pattern cannot say
 * "A and not B" across two fields, and a principal is named in one of two fields: a role's
 * session by `userIdentity.sessionContext.sessionIssuer.arn` (the role's ARN), an IAM user by
 * `userIdentity.arn`. So three branches, each one field's `anything-but` (an empty list is
 * invalid, so a branch without exceptions only tests that the field is there or absent):
 * - a role session whose role is not one of the roles;
 * - an IAM user that is not one of the users;
 * - anything else without a session issuer (the account root, a service, a federated user).
 */
export function notByAnyOf(arns: readonly string[]): EventPattern[] {
  const roles = arns.filter((a) => /:role\//.test(a));
  const users = arns.filter((a) => /:user\//.test(a));
  const issuer = (matcher: unknown): EventPattern => ({
    userIdentity: { sessionContext: { sessionIssuer: { arn: [matcher] } } },
  });
  return [
    issuer(roles.length ? { 'anything-but': roles } : { exists: true }),
    {
      userIdentity: {
        type: ['IAMUser'],
        ...(users.length ? { arn: [{ 'anything-but': users }] } : {}),
      },
    },
    {
      userIdentity: {
        type: [{ 'anything-but': ['IAMUser'] }],
        sessionContext: { sessionIssuer: { arn: [{ exists: false }] } },
      },
    },
  ];
}

/**
 * A session of the role that did not come through the GitHub OIDC provider: CloudTrail names
 * the identity provider of a web-identity session in `sessionContext.webIdFederationData`.
 */
function notThroughGithub(roleArn: string, providerArn: string): EventPattern[] {
  const session = (federatedProvider: unknown): EventPattern => ({
    userIdentity: {
      sessionContext: {
        sessionIssuer: { arn: [roleArn] },
        webIdFederationData: { federatedProvider: [federatedProvider] },
      },
    },
  });
  return [session({ 'anything-but': [providerArn] }), session({ exists: false })];
}

/** A CloudTrail event of a service's API calls. */
function apiCall(service: string, detail: EventPattern): EventPattern {
  return {
    source: [`aws.${service}`],
    'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
    detail: { eventSource: [`${service}.amazonaws.com`], ...detail },
  };
}

/**
 * The alert rules of the custody stack: each matches CloudTrail's record of an API call that
 * someone should look at, and sends the whole event to the alerts topic. One rule per concern,
 * because a pattern is an AND of fields (with `$or` for alternatives) and each concern has its
 * own set of principals that are expected. Nobody is excepted from a change to what guards
 * the keys (the administrators' own changes alert too: they are rare and deliberate).
 * - `key-reads`: GetSecretValue of a secret under the prefix by anyone but the publisher and the
 *   validator when its session came through the GitHub provider (which trusts the nightly
 *   workflow only). A batch read is recorded as one GetSecretValue per secret.
 * - `sealing-key-reads`: every read of the sealing key, the importer's included.
 * - `secret-creations`: CreateSecret under the prefix by anyone but the importer (a pre-made
 *   secret is how a key could be stored where someone else can read it).
 * - `secret-changes`: a key secret's policy, tags, settings, replication or deletion state
 *   changed by anyone but the deployers (they apply the customer stacks).
 * - `value-writes`: a new value by anyone but the importer; moved version stages by anyone but
 *   the importer and the deployers (promotion of a staged import).
 * - `kms-changes`: a KMS key's policy, state or rotation changed, or an alias of asc-keys moved,
 *   by anyone. A key's ID is known only once it exists and events name keys by ID, so key
 *   changes are matched for every key of the account; aliases are matched by name.
 * - `iam-changes`: any IAM write on a `<prefix>-*` role or policy, and on the account's OIDC
 *   providers. IAM's events reach EventBridge only in us-east-1: a rule there (`iam-forward`)
 *   sends them to the home region's default bus, where this rule delivers them.
 * - `alert-changes`: an alert rule put, disabled or deleted, or its targets changed.
 * - `alerts-topic-changes`: the alerts topic's attributes, permissions or subscriptions changed
 *   (a filter policy that drops alerts is a subscription attribute).
 * - `cloudtrail-changes`: a trail stopped, deleted or narrowed.
 *
 * Read-only management events (GetSecretValue) reach EventBridge only for rules in the state
 * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`, and only when a CloudTrail trail records
 * management events, reads included (docs/security.md).
 */
export function alertRules(ctx: PlatformContext): DesiredEventRule[] {
  const { names, platform } = ctx;
  const prefix = platform.namePrefix;
  const keySecret = [{ prefix: names.secretNamePrefix }, { prefix: names.secretArnPrefix }];
  const sealingKey = [{ wildcard: `*${names.secretNamePrefix}${SEALING_SECRET_LEAF}*` }];
  const ruleName = (suffix: string): string => `${prefix}-alert-${suffix}`;
  const toAlerts = (id: string): DesiredEventRule['target'] => ({
    id: `${id}_target`,
    targetId: 'alerts-topic',
    topicId: 'alerts',
    arn: names.alertsTopicArn,
  });
  const rule = (
    suffix: string,
    description: string,
    eventPattern: EventPattern,
    state: DesiredEventRule['state'] = 'ENABLED',
  ): DesiredEventRule => {
    const id = `alert_${suffix.replaceAll('-', '_')}`;
    const name = ruleName(suffix);
    return {
      id,
      name,
      arn: names.eventRuleArn(name),
      description,
      state,
      eventPattern,
      tags: PLATFORM_TAGS,
      target: toAlerts(id),
    };
  };
  const reads = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
  const githubProvider = names.githubOidcProviderArn;
  const validatorExcepted = platform.github !== undefined;
  const requester = requesterArns(ctx);
  const expectedReaders = [
    names.publisherRoleArn,
    ...(validatorExcepted ? [names.validatorRoleArn] : []),
    ...requester,
  ];

  const iamPattern = apiCall('iam', {
    $or: [
      { eventName: IAM_ROLE_WRITES, requestParameters: { roleName: [{ prefix: `${prefix}-` }] } },
      {
        eventName: IAM_POLICY_WRITES,
        requestParameters: { policyArn: [{ wildcard: `*:policy/${prefix}-*` }] },
      },
      { eventName: IAM_PROVIDER_WRITES },
    ],
  });
  const iamRules: DesiredEventRule[] = [
    rule(
      'iam-changes',
      `An IAM role or policy named ${prefix}-*, or an OIDC provider, was changed`,
      iamPattern,
    ),
  ];
  if (platform.region !== IAM_EVENT_REGION) {
    const name = ruleName('iam-forward');
    iamRules.push({
      id: 'alert_iam_forward',
      name,
      arn: names.eventRuleArn(name, IAM_EVENT_REGION),
      description: `Forwards IAM changes to ${prefix}-* roles and policies to ${platform.region}, where they alert`,
      state: 'ENABLED',
      eventPattern: iamPattern,
      tags: PLATFORM_TAGS,
      region: IAM_EVENT_REGION,
      target: {
        id: 'alert_iam_forward_target',
        targetId: 'home-region-bus',
        arn: names.defaultEventBusArn,
        roleArn: names.alertForwarderRoleArn,
      },
    });
  }

  return [
    rule(
      'key-reads',
      'A key was read by someone other than the publisher or the nightly check',
      apiCall('secretsmanager', {
        eventName: ['GetSecretValue'],
        requestParameters: { secretId: keySecret },
        $or: [
          ...notByAnyOf(expectedReaders),
          ...(validatorExcepted ? notThroughGithub(names.validatorRoleArn, githubProvider) : []),
          // The requester is GitHub's only; it reads the replaced version every night.
          ...requester.flatMap((arn) => notThroughGithub(arn, githubProvider)),
        ],
      }),
      reads,
    ),
    rule(
      'sealing-key-reads',
      'The sealing key was read (by anyone, the importer included)',
      apiCall('secretsmanager', {
        eventName: ['GetSecretValue'],
        requestParameters: { secretId: sealingKey },
      }),
      reads,
    ),
    rule(
      'secret-creations',
      'A secret was created under the prefix by someone other than the importer',
      apiCall('secretsmanager', {
        eventName: ['CreateSecret'],
        requestParameters: { name: [{ prefix: names.secretNamePrefix }] },
        $or: notByAnyOf(importerArns(ctx)),
      }),
    ),
    rule(
      'secret-changes',
      "A key secret's policy, tags, settings or deletion state was changed by someone other than a deployer",
      apiCall('secretsmanager', {
        eventName: MANAGE_SECRET_ACTIONS.map(unprefixed),
        requestParameters: { secretId: keySecret },
        $or: notByAnyOf(deployerArns(ctx)),
      }),
    ),
    rule(
      'value-writes',
      "A key's value was written by someone other than the importer, or its stages moved by someone other than the importer or a deployer",
      apiCall('secretsmanager', {
        requestParameters: { secretId: keySecret },
        $or: [
          ...notByAnyOf(importerArns(ctx)).map((who) => ({ eventName: ['PutSecretValue'], ...who })),
          ...notByAnyOf(distinct([...importerArns(ctx), ...deployerArns(ctx)])).map((who) => ({
            eventName: ['UpdateSecretVersionStage'],
            ...who,
          })),
        ],
      }),
    ),
    rule(
      'kms-changes',
      "A KMS key's policy, state or rotation, or an alias of asc-keys, was changed",
      apiCall('kms', {
        $or: [
          { eventName: KMS_CHANGE_ACTIONS },
          {
            eventName: KMS_ALIAS_ACTIONS,
            requestParameters: { aliasName: [names.kmsAliasName, names.snsKmsAliasName] },
          },
        ],
      }),
    ),
    ...iamRules,
    rule(
      'alert-changes',
      'An alert rule of asc-keys was put, disabled or deleted, or its targets changed',
      apiCall('events', {
        $or: [
          { eventName: RULE_CHANGES, requestParameters: { name: [{ prefix: ruleName('') }] } },
          { eventName: TARGET_CHANGES, requestParameters: { rule: [{ prefix: ruleName('') }] } },
        ],
      }),
    ),
    rule(
      'alerts-topic-changes',
      "The alerts topic's attributes, permissions or subscriptions were changed",
      apiCall('sns', {
        $or: [
          { eventName: TOPIC_CHANGES, requestParameters: { topicArn: [names.alertsTopicArn] } },
          {
            eventName: SUBSCRIPTION_CHANGES,
            requestParameters: { subscriptionArn: [{ prefix: `${names.alertsTopicArn}:` }] },
          },
        ],
      }),
    ),
    rule(
      'cloudtrail-changes',
      'A CloudTrail trail was stopped, deleted or narrowed',
      apiCall('cloudtrail', { eventName: CLOUDTRAIL_CHANGES }),
    ),
  ];
}

const unprefixed = (action: string): string => action.split(':')[1]!;

/** The rules that deliver to the alerts topic (the forwarding rule delivers to a bus). */
export function alertTopicRules(ctx: PlatformContext): DesiredEventRule[] {
  return alertRules(ctx).filter((r) => r.target.topicId !== undefined);
}
