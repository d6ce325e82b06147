import type { DesiredEventRule, EventPattern } from './desired-resources.js';
import type { PlatformContext } from './platform-context.js';
import { deployerArns, distinct, importerArns } from './principals.js';
import { SEALING_SECRET_LEAF } from './sealing-key.js';
import { MANAGE_SECRET_ACTIONS, WRITE_VALUE_ACTIONS } from './secret-policy.js';
import { PLATFORM_TAGS } from './tags.js';

/** What CloudTrail's events carry on EventBridge (its documented shape). */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** What changes the secrets KMS key or the topics' key, or moves their aliases. */
export const KMS_CHANGE_ACTIONS = ['PutKeyPolicy', 'DisableKey', 'ScheduleKeyDeletion', 'DisableKeyRotation'];
export const KMS_ALIAS_ACTIONS = ['CreateAlias', 'UpdateAlias', 'DeleteAlias'];

const unprefixed = (actions: readonly string[]): string[] => actions.map((a) => a.split(':')[1]!);

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

/** A CloudTrail event of a service's API calls. */
function apiCall(service: 'secretsmanager' | 'kms', detail: EventPattern): EventPattern {
  return {
    source: [`aws.${service}`],
    'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
    detail: { eventSource: [`${service}.amazonaws.com`], ...detail },
  };
}

/**
 * The alert rules of the platform stack: each matches CloudTrail's record of an API call that
 * someone should look at, and sends the whole event to the alerts topic. One rule per concern,
 * because a pattern is an AND of fields (with `$or` for alternatives) and each concern has its
 * own set of principals that are expected:
 * - `key-reads`: GetSecretValue of a secret under the prefix by anyone but the publisher, the
 *   validator and the importer (administrators' break-glass reads alert too). A batch read
 *   (BatchGetSecretValue) is recorded as one GetSecretValue per secret, which this matches; the
 *   batch's own event names filters, not the secrets read. The importer is excepted because its
 *   one read is the sealing key, and a pattern cannot except one principal for one secret only:
 *   its IAM policy and every key secret's policy deny it any key, and `sealing-key-reads` covers
 *   the sealing key's other readers.
 * - `sealing-key-reads`: GetSecretValue of the sealing key by the publisher or the validator
 *   (denied by its policy; an attempt alerts), the read `key-reads` excepts for them.
 * - `secret-changes`: a key secret's policy, tags, description, KMS key, replication, rotation
 *   or deletion state changed by anyone but the deployers.
 * - `value-writes`: a new value or moved version stages by anyone but the importer and the
 *   deployers.
 * - `kms-changes`: a KMS key's policy, state, rotation or grants changed, or one of the
 *   platform's aliases moved, by anyone but the deployers. A key's ID is known only once it
 *   exists and events name keys by ID, so key changes are matched for every key of the account
 *   (a reason to give asc-keys an account of its own); aliases are matched by name.
 *
 * Read-only management events (GetSecretValue) reach EventBridge only for rules in the state
 * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`, and only when a CloudTrail trail records
 * management events, reads included (docs/security.md).
 */
export function alertRules(ctx: PlatformContext): DesiredEventRule[] {
  const { names } = ctx;
  const prefix = ctx.platform.namePrefix;
  const deployers = deployerArns(ctx);
  const keySecret = [{ prefix: names.secretNamePrefix }, { prefix: names.secretArnPrefix }];
  const sealingKey = [{ wildcard: `*${names.secretNamePrefix}${SEALING_SECRET_LEAF}*` }];
  const rule = (
    suffix: string,
    description: string,
    eventPattern: EventPattern,
    state: DesiredEventRule['state'] = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
  ): DesiredEventRule => {
    const id = `alert_${suffix.replaceAll('-', '_')}`;
    const name = `${prefix}-alert-${suffix}`;
    return {
      id,
      name,
      arn: names.eventRuleArn(name),
      description,
      state,
      eventPattern,
      tags: PLATFORM_TAGS,
      target: { id: `${id}_target`, targetId: 'alerts-topic', topicId: 'alerts', arn: names.alertsTopicArn },
    };
  };
  return [
    rule(
      'key-reads',
      'A key was read by someone other than the publisher, the validator or the importer',
      apiCall('secretsmanager', {
        eventName: ['GetSecretValue'],
        requestParameters: { secretId: keySecret },
        $or: notByAnyOf(distinct([names.publisherRoleArn, names.validatorRoleArn, ...importerArns(ctx)])),
      }),
    ),
    rule(
      'sealing-key-reads',
      'The publisher or the validator tried to read the sealing key',
      apiCall('secretsmanager', {
        eventName: ['GetSecretValue'],
        requestParameters: { secretId: sealingKey },
        userIdentity: {
          sessionContext: { sessionIssuer: { arn: [names.publisherRoleArn, names.validatorRoleArn] } },
        },
      }),
    ),
    rule(
      'secret-changes',
      "A key secret's policy, tags, settings or deletion state was changed by someone other than a deployer",
      apiCall('secretsmanager', {
        eventName: unprefixed(MANAGE_SECRET_ACTIONS),
        requestParameters: { secretId: keySecret },
        $or: notByAnyOf(deployers),
      }),
      'ENABLED',
    ),
    rule(
      'value-writes',
      "A key's value or version stages were changed by someone other than the importer or a deployer",
      apiCall('secretsmanager', {
        eventName: unprefixed(WRITE_VALUE_ACTIONS),
        requestParameters: { secretId: keySecret },
        $or: notByAnyOf(distinct([...importerArns(ctx), ...deployers])),
      }),
      'ENABLED',
    ),
    rule(
      'kms-changes',
      "A KMS key's policy, state or rotation, or an alias of asc-keys, was changed by someone other than a deployer",
      {
        source: ['aws.kms'],
        'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
        detail: {
          eventSource: ['kms.amazonaws.com'],
          $or: [
            ...notByAnyOf(deployers).map((who) => ({ eventName: KMS_CHANGE_ACTIONS, ...who })),
            ...notByAnyOf(deployers).map((who) => ({
              eventName: KMS_ALIAS_ACTIONS,
              requestParameters: { aliasName: [names.kmsAliasName, names.snsKmsAliasName] },
              ...who,
            })),
          ],
        },
      },
      'ENABLED',
    ),
  ];
}
