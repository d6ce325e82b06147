import type { DesiredRole } from './desired-resources.js';
import type { PlatformContext } from './platform-context.js';
import { policy } from './policy-document.js';
import { SNS_SENDER_KMS_ACTIONS, SNS_TOPIC_CONTEXT } from './sns-key.js';
import { PLATFORM_TAGS } from './tags.js';

/**
 * The role EventBridge Scheduler assumes to publish reminders: sns:Publish on the reminder topic
 * only, and the SNS key's data keys for that topic only. The topic's and the key's policies name
 * the role through the account, which delegates to this policy: without these grants AWS refuses
 * the publish.
 */
export function schedulerRole(ctx: PlatformContext): DesiredRole[] {
  const { names, platform } = ctx;
  return [
    {
      id: 'scheduler_role',
      name: names.schedulerRoleName,
      arn: names.schedulerRoleArn,
      description: 'Lets EventBridge Scheduler publish rotation reminders',
      trust: policy({
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        // Only the schedules of this tool's group, not any schedule of the account (confused deputy).
        Condition: {
          StringEquals: { 'aws:SourceAccount': platform.accountId },
          ArnLike: {
            'aws:SourceArn': names.scheduleArnPattern,
          },
        },
      }),
      inlinePolicies: [
        {
          id: 'scheduler_policy',
          name: `${names.schedulerRoleName}-permissions`,
          document: policy(
            { Sid: 'PublishReminders', Effect: 'Allow', Action: 'sns:Publish', Resource: names.topicArn },
            {
              Sid: 'EncryptReminders',
              Effect: 'Allow',
              Action: SNS_SENDER_KMS_ACTIONS,
              Resource: names.kmsKeyArnPattern,
              Condition: {
                StringEquals: {
                  'kms:ViaService': `sns.${platform.region}.amazonaws.com`,
                  [SNS_TOPIC_CONTEXT]: names.topicArn,
                },
                'ForAnyValue:StringEquals': { 'kms:ResourceAliases': names.snsKmsAliasName },
              },
            },
          ),
        },
      ],
      maxSessionDuration: 3600,
      tags: PLATFORM_TAGS,
    },
  ];
}
