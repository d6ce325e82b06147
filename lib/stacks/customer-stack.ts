import type { Construct } from 'constructs';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule/index.js';
import type { CustomerDesiredState } from '../model/customer-desired.js';
import {
  SCHEDULE_DEFAULT_ACTION_AFTER_COMPLETION,
  type DesiredSchedule,
} from '../model/desired-resources.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import { adoptImportedSecret } from './adopt-imported-secret.js';
import { AwsStack } from './aws-stack.js';
import { secretWithPolicy } from './secret-with-policy.js';

export interface CustomerStackProps {
  readonly platform: PlatformConfig;
  /** The desired state of this customer, as `check drift` also sees it. */
  readonly desired: CustomerDesiredState;
}

/**
 * One customer app: its key secret (never its value: asc-keys import writes that, outside
 * Terraform, so it never reaches state), the secret's resource policy and the reminders.
 * Every attribute comes from the model; this class only translates it.
 */
export class CustomerStack extends AwsStack {
  constructor(scope: Construct, props: CustomerStackProps) {
    super(scope, props.desired.stackName, props.platform);
    const { secret, reminders } = props.desired;
    // import creates the secret before the record's pull request merges: the stack adopts it.
    if (secret) adoptImportedSecret(this, secretWithPolicy(this, secret), secret.name);
    for (const r of reminders) reminder(this, r);
  }
}

function reminder(scope: Construct, r: DesiredSchedule): SchedulerSchedule {
  return new SchedulerSchedule(scope, r.id, {
    name: r.name,
    groupName: r.groupName,
    scheduleExpression: r.scheduleExpression,
    scheduleExpressionTimezone: r.scheduleExpressionTimezone,
    state: r.state,
    flexibleTimeWindow: { mode: r.flexibleTimeWindow.mode },
    // Written only when it differs from AWS's default, so the stack stays valid for 5.x providers too.
    ...(r.actionAfterCompletion !== SCHEDULE_DEFAULT_ACTION_AFTER_COMPLETION && {
      actionAfterCompletion: r.actionAfterCompletion,
    }),
    target: { arn: r.target.arn, roleArn: r.target.roleArn, input: r.target.input },
  });
}
