import type { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import type { DesiredEventRule } from '../model/desired-resources.js';

/**
 * An alert rule on the default event bus and its target, the alerts topic, which receives the
 * whole event. `state` (not `is_enabled`): only ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
 * lets read-only management events such as GetSecretValue through.
 */
export function alertRule(scope: Construct, r: DesiredEventRule, topic: SnsTopic): CloudwatchEventRule {
  const rule = new CloudwatchEventRule(scope, r.id, {
    name: r.name,
    description: r.description,
    state: r.state,
    eventPattern: JSON.stringify(r.eventPattern),
    tags: { ...r.tags },
  });
  new CloudwatchEventTarget(scope, r.target.id, {
    rule: rule.name,
    targetId: r.target.targetId,
    arn: topic.arn,
  });
  return rule;
}
