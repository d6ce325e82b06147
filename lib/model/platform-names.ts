import type { PlatformConfig } from '../records/platform-schema.js';

/**
 * The deterministic names and ARNs of the platform's resources. Customer stacks refer to the
 * platform through these, never through the platform's state, so each stack plans alone.
 */
export interface PlatformNames {
  readonly kmsAliasName: string;
  readonly kmsAliasArn: string;
  readonly topicName: string;
  readonly topicArn: string;
  readonly scheduleGroupName: string;
  readonly schedulerRoleName: string;
  readonly schedulerRoleArn: string;
  readonly publisherRoleName: string;
  readonly publisherRoleArn: string;
  readonly validatorRoleName: string;
  readonly validatorRoleArn: string;
  /** Every key secret's name starts with this, so roles can be scoped to them by ARN. */
  readonly secretNamePrefix: string;
  readonly secretArnPattern: string;
}

export function platformNames(p: PlatformConfig): PlatformNames {
  const partition = p.region.startsWith('cn-')
    ? 'aws-cn'
    : p.region.startsWith('us-gov-')
      ? 'aws-us-gov'
      : 'aws';
  const arn = (service: string, resource: string, region = p.region): string =>
    `arn:${partition}:${service}:${region}:${p.accountId}:${resource}`;
  const prefix = p.namePrefix;
  return {
    kmsAliasName: `alias/${prefix}`,
    kmsAliasArn: arn('kms', `alias/${prefix}`),
    topicName: `${prefix}-rotation-reminders`,
    topicArn: arn('sns', `${prefix}-rotation-reminders`),
    scheduleGroupName: prefix,
    schedulerRoleName: `${prefix}-scheduler`,
    schedulerRoleArn: arn('iam', `role/${prefix}-scheduler`, ''),
    publisherRoleName: `${prefix}-publisher`,
    publisherRoleArn: arn('iam', `role/${prefix}-publisher`, ''),
    validatorRoleName: `${prefix}-validator`,
    validatorRoleArn: arn('iam', `role/${prefix}-validator`, ''),
    secretNamePrefix: `${prefix}/`,
    secretArnPattern: arn('secretsmanager', `secret:${prefix}/*`),
  };
}
