import { alertRules, IAM_EVENT_REGION } from './alert-rules.js';
import type { DesiredRole } from './desired-resources.js';
import type { PlatformContext } from './platform-context.js';
import { policy } from './policy-document.js';
import { PLATFORM_TAGS } from './tags.js';

/**
 * The role the us-east-1 IAM rule's target uses to put IAM's events on the home region's
 * default bus: events:PutEvents there only, assumable by EventBridge for that rule only. None
 * when the platform lives in us-east-1 (the IAM rule then delivers to the topic itself).
 */
export function alertForwarderRole(ctx: PlatformContext): DesiredRole[] {
  const { platform, names } = ctx;
  const forward = alertRules(ctx).find((r) => r.region === IAM_EVENT_REGION);
  if (!forward) return [];
  const name = names.alertForwarderRoleName;
  return [
    {
      id: 'alert_forwarder_role',
      name,
      arn: names.alertForwarderRoleArn,
      description: `Lets the ${IAM_EVENT_REGION} IAM alert rule forward events to ${platform.region}`,
      trust: policy({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': platform.accountId },
          ArnEquals: { 'aws:SourceArn': forward.arn },
        },
      }),
      inlinePolicies: [
        {
          id: 'alert_forwarder_policy',
          name: `${name}-permissions`,
          document: policy({
            Sid: 'PutOnTheHomeBus',
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: forward.target.arn,
          }),
        },
      ],
      maxSessionDuration: 3600,
      tags: PLATFORM_TAGS,
    },
  ];
}
