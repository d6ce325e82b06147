import type { Construct } from 'constructs';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule/index.js';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy/index.js';
import { SECRET_ID, SECRET_POLICY_ID, type CustomerDesiredState } from '../model/customer-desired.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import { adoptImportedSecret } from './adopt-imported-secret.js';
import { AwsStack } from './aws-stack.js';
import { policyJson } from './policy-json.js';

export interface CustomerStackProps {
  readonly platform: PlatformConfig;
  /** The desired state of this customer, as `check drift` also sees it. */
  readonly desired: CustomerDesiredState;
}

/**
 * One customer app: its key secret (never its value: asc-keys import writes that, outside
 * Terraform, so it never reaches state), the secret's resource policy and the reminders.
 */
export class CustomerStack extends AwsStack {
  constructor(scope: Construct, props: CustomerStackProps) {
    super(scope, props.desired.stackName, props.platform);
    const { secret, reminders } = props.desired;
    if (secret) {
      const resource = new SecretsmanagerSecret(this, SECRET_ID, {
        name: secret.name,
        description: secret.description,
        kmsKeyId: secret.kmsKeyId,
        recoveryWindowInDays: secret.recoveryWindowDays,
        tags: { ...secret.tags },
      });
      adoptImportedSecret(this, resource, secret.name);
      new SecretsmanagerSecretPolicy(this, SECRET_POLICY_ID, {
        secretArn: resource.arn,
        policy: policyJson(secret.policy),
        blockPublicPolicy: true,
      });
    }
    for (const r of reminders) {
      new SchedulerSchedule(this, r.id, {
        name: r.name,
        groupName: r.groupName,
        scheduleExpression: r.scheduleExpression,
        scheduleExpressionTimezone: 'UTC',
        flexibleTimeWindow: { mode: 'OFF' },
        target: { arn: r.targetArn, roleArn: r.roleArn, input: r.message },
      });
    }
  }
}
