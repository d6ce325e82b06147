import type { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias/index.js';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key/index.js';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';
import type { PlatformNames } from '../model/platform-names.js';
import { platformPolicies } from '../model/platform-policies.js';
import type { PolicyDocument } from '../model/policy-document.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import { importerRole } from '../model/importer-role.js';
import { AwsStack } from './aws-stack.js';
import { addImporterRole } from './importer-role.js';
import { policyJson } from './policy-json.js';

export interface PlatformStackProps {
  readonly platform: PlatformConfig;
  readonly names: PlatformNames;
}

export const PLATFORM_STACK = 'platform';

/**
 * What every customer shares: the KMS key of the key secrets, the reminder topic, and the
 * roles of the scheduler, the publisher and the validator (CI).
 */
export class PlatformStack extends AwsStack {
  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, PLATFORM_STACK, props.platform);
    const { platform, names } = props;
    const tags = { 'managed-by': 'asc-keys' };

    const key = new KmsKey(this, 'secrets_key', {
      description: 'Encrypts the App Store Connect API keys that asc-keys manages',
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    });
    const policies = platformPolicies(platform, names);
    key.policy = policyJson(policies.kmsKey);
    new KmsAlias(this, 'secrets_key_alias', { name: names.kmsAliasName, targetKeyId: key.keyId });

    const topic = new SnsTopic(this, 'reminders', { name: names.topicName, tags });
    platform.reminders.subscriptions.forEach((s, i) => {
      new SnsTopicSubscription(this, `reminders_subscription_${i}`, {
        topicArn: topic.arn,
        protocol: s.protocol,
        endpoint: s.endpoint,
      });
    });
    new SchedulerScheduleGroup(this, 'reminder_group', { name: names.scheduleGroupName, tags });

    this.role(
      'scheduler',
      names.schedulerRoleName,
      'Lets EventBridge Scheduler publish rotation reminders',
      policies.schedulerTrust,
      policies.schedulerPublish,
    );
    this.role(
      'publisher',
      names.publisherRoleName,
      "Publishing pipelines: reads the key of the customer named by the session tag 'customer'",
      policies.publisherTrust,
      policies.publisherRead,
    );
    this.role(
      'validator',
      names.validatorRoleName,
      'CI: checks keys and drift; reads and describes, never writes',
      policies.validatorTrust,
      policies.validatorRead,
    );
    addImporterRole(this, importerRole(platform, names));
  }

  private role(
    id: string,
    name: string,
    description: string,
    trust: PolicyDocument,
    permissions: PolicyDocument,
  ): void {
    const role = new IamRole(this, `${id}_role`, {
      name,
      description,
      assumeRolePolicy: policyJson(trust),
      tags: { 'managed-by': 'asc-keys' },
    });
    new IamRolePolicy(this, `${id}_policy`, {
      name: `${name}-permissions`,
      role: role.name,
      policy: policyJson(permissions),
    });
  }
}
