import { alertTopicRules } from './alert-rules.js';
import type { DesiredKmsKey } from './desired-resources.js';
import type { PlatformContext } from './platform-context.js';
import { policy, type PolicyDocument } from './policy-document.js';
import { administerKey, platformKey } from './secrets-key.js';

/** What a sender to an encrypted topic needs of its key (SNS encrypts each message with a data key). */
export const SNS_SENDER_KMS_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/** The encryption context key in which SNS names the topic a data key is for. */
export const SNS_TOPIC_CONTEXT = 'kms:EncryptionContext:aws:sns:topicArn';

/**
 * The customer-managed key that encrypts the reminders and alerts topics. Not AWS's managed
 * `aws/sns` key, whose policy admits no service principal such as EventBridge, and not the
 * secrets key, which only Secrets Manager may use.
 */
export function snsKey(ctx: PlatformContext): DesiredKmsKey {
  const { names } = ctx;
  return platformKey(
    'sns_key',
    'Encrypts the asc-keys reminder and security-alert topics',
    snsKeyPolicy(ctx),
    { name: names.snsKmsAliasName, arn: names.snsKmsAliasArn },
  );
}

/**
 * Administrators and deployers administer it; the topics' two senders use it, only through
 * SNS and each only for its own topic (SNS names the topic in the encryption context): the
 * scheduler role (reminders) by aws:PrincipalArn, and EventBridge (alerts) as the service, only
 * for the alert rules (aws:SourceArn) of this account, as SNS documents for services that
 * publish to encrypted topics.
 */
export function snsKeyPolicy(ctx: PlatformContext): PolicyDocument {
  const { names, platform } = ctx;
  const viaSns = { 'kms:ViaService': `sns.${platform.region}.amazonaws.com` };
  const forTopic = (arn: string) => ({ [SNS_TOPIC_CONTEXT]: arn });
  return policy(
    administerKey(ctx),
    {
      Sid: 'SchedulerSendsReminders',
      Effect: 'Allow',
      Principal: { AWS: names.accountRootArn },
      Action: SNS_SENDER_KMS_ACTIONS,
      Resource: '*',
      Condition: {
        StringEquals: { ...viaSns, ...forTopic(names.topicArn) },
        ArnEquals: { 'aws:PrincipalArn': [names.schedulerRoleArn] },
      },
    },
    {
      Sid: 'EventBridgeSendsAlerts',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: SNS_SENDER_KMS_ACTIONS,
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': platform.accountId, ...forTopic(names.alertsTopicArn) },
        ArnEquals: { 'aws:SourceArn': alertTopicRules(ctx).map((r) => r.arn) },
      },
    },
  );
}
