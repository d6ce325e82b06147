import type { Construct } from 'constructs';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group/index.js';
import type { PlatformDesiredState } from '../model/platform-desired.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import { AwsStack } from './aws-stack.js';
import { platformTopic } from './platform-topic.js';

export interface PlatformStackProps {
  readonly platform: PlatformConfig;
  /** The platform's desired state, as `check drift` also sees it. */
  readonly desired: PlatformDesiredState;
}

/**
 * What every customer shares and the deploy workflow may apply: the reminders topic with its
 * subscriptions, and the schedule group. What guards the keys (their KMS key, the roles, the
 * alerts) is the custody stack's, which only administrators apply; this stack names those by
 * their deterministic ARNs (the topic's key by alias), so the custody stack must be applied first.
 */
export class PlatformStack extends AwsStack {
  constructor(scope: Construct, props: PlatformStackProps) {
    const { desired } = props;
    super(scope, desired.stackName, props.platform);
    for (const t of desired.topics.filter((x) => !desired.custodyTopicIds.includes(x.id)))
      platformTopic(this, t, desired.subscriptions);
    const g = desired.scheduleGroup;
    new SchedulerScheduleGroup(this, g.id, { name: g.name, tags: { ...g.tags } });
  }
}
