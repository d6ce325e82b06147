import type { PlatformConfig } from '../records/platform-schema.js';

/**
 * The deterministic names and ARNs of the platform's resources. Customer stacks refer to the
 * platform through these, never through the platform's state, so each stack plans alone.
 */
export interface PlatformNames {
  /** aws, aws-cn or aws-us-gov */
  readonly partition: string;
  readonly accountRootArn: string;
  readonly kmsAliasName: string;
  readonly kmsAliasArn: string;
  /** Any key of the account: a key's ID is known only once it exists, so grants name its alias. */
  readonly kmsKeyArnPattern: string;
  /** Every topic of the platform, `<prefix>-*`. */
  readonly topicArnPattern: string;
  readonly topicName: string;
  readonly topicArn: string;
  /** The topic that security alerts (alert rules on CloudTrail events) go to. */
  readonly alertsTopicName: string;
  readonly alertsTopicArn: string;
  /** The customer-managed key that encrypts both topics (SNS), apart from the secrets key. */
  readonly snsKmsAliasName: string;
  readonly snsKmsAliasArn: string;
  /**
   * EventBridge rules on the default bus are `rule/<name>`; the alert rules are `<prefix>-alert-…`.
   * A rule lives in the home region unless another is named (IAM's events arrive in us-east-1).
   */
  readonly eventRuleArn: (name: string, region?: string) => string;
  /** The home region's default event bus, where the us-east-1 rule forwards IAM's events. */
  readonly defaultEventBusArn: string;
  readonly scheduleGroupName: string;
  readonly scheduleGroupArn: string;
  /** Every schedule in the group. */
  readonly scheduleArnPattern: string;
  /** `role/<prefix>-*`: the validator reads every role of the platform, never another. */
  readonly roleArnPattern: string;
  /** `policy/<prefix>-*`: a managed policy named like the platform's. */
  readonly policyArnPattern: string;
  /** Every OIDC identity provider of the account: one can make any role federated. */
  readonly oidcProviderArnPattern: string;
  readonly schedulerRoleName: string;
  readonly schedulerRoleArn: string;
  readonly publisherRoleName: string;
  readonly publisherRoleArn: string;
  readonly validatorRoleName: string;
  readonly validatorRoleArn: string;
  /** Created by the import issue's model file; the name is fixed so secret policies can name it. */
  readonly importerRoleName: string;
  readonly importerRoleArn: string;
  /** The nightly's key requests (follow-up): previous key versions and the request emails only. */
  readonly requesterRoleName: string;
  readonly requesterRoleArn: string;
  /** GitHub OIDC roles (the CI issue's model file). */
  readonly plannerRoleName: string;
  readonly plannerRoleArn: string;
  readonly deployerRoleName: string;
  readonly deployerRoleArn: string;
  /** Forwards the us-east-1 IAM alert rule's events to the alerts topic's home region. */
  readonly alertForwarderRoleName: string;
  readonly alertForwarderRoleArn: string;
  /** Every key secret's name starts with this, so roles can be scoped to them by ARN. */
  readonly secretNamePrefix: string;
  readonly secretArnPattern: string;
  /** `arn:…:secret:<prefix>/`: a secret's ARN is this, its slug, "-" and six random characters. */
  readonly secretArnPrefix: string;
  /** The sealing key's secret (sealing-key.ts), and its ARN with AWS's six-character suffix. */
  readonly sealingSecretName: string;
  readonly sealingSecretArnPattern: string;
  /** GitHub's OIDC identity provider in IAM (github-oidc.ts), one per account. */
  readonly githubOidcProviderArn: string;
  /** The Terraform state bucket, and the objects under its key prefix, when the platform names one. */
  readonly stateBucketArn?: string;
  readonly stateObjectsArnPrefix?: string;
}

/** The sealing key's secret is `<prefix>/_sealing-key`: "_" never occurs in a customer slug. */
export const SEALING_SECRET_LEAF = '_sealing-key';

export const sealingSecretName = (namePrefix: string): string => `${namePrefix}/${SEALING_SECRET_LEAF}`;

/** GitHub's OIDC issuer (github-oidc.ts has the audience). */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

export function platformNames(p: PlatformConfig): PlatformNames {
  const partition = partitionOf(p.region);
  const arn = (service: string, resource: string, region = p.region): string =>
    `arn:${partition}:${service}:${region}:${p.accountId}:${resource}`;
  const roleArn = (name: string): string => arn('iam', `role/${name}`, '');
  const prefix = p.namePrefix;
  const roleName = (suffix: string): string => `${prefix}-${suffix}`;
  return {
    partition,
    accountRootArn: `arn:${partition}:iam::${p.accountId}:root`,
    kmsAliasName: `alias/${prefix}`,
    kmsAliasArn: arn('kms', `alias/${prefix}`),
    kmsKeyArnPattern: arn('kms', 'key/*'),
    topicArnPattern: arn('sns', `${prefix}-*`),
    topicName: `${prefix}-rotation-reminders`,
    topicArn: arn('sns', `${prefix}-rotation-reminders`),
    alertsTopicName: `${prefix}-security-alerts`,
    alertsTopicArn: arn('sns', `${prefix}-security-alerts`),
    snsKmsAliasName: `alias/${prefix}-sns`,
    snsKmsAliasArn: arn('kms', `alias/${prefix}-sns`),
    eventRuleArn: (name, region = p.region) => arn('events', `rule/${name}`, region),
    defaultEventBusArn: arn('events', 'event-bus/default'),
    scheduleGroupName: prefix,
    scheduleGroupArn: arn('scheduler', `schedule-group/${prefix}`),
    scheduleArnPattern: arn('scheduler', `schedule/${prefix}/*`),
    roleArnPattern: roleArn(`${prefix}-*`),
    policyArnPattern: arn('iam', `policy/${prefix}-*`, ''),
    oidcProviderArnPattern: arn('iam', 'oidc-provider/*', ''),
    schedulerRoleName: roleName('scheduler'),
    schedulerRoleArn: roleArn(roleName('scheduler')),
    publisherRoleName: roleName('publisher'),
    publisherRoleArn: roleArn(roleName('publisher')),
    validatorRoleName: roleName('validator'),
    validatorRoleArn: roleArn(roleName('validator')),
    importerRoleName: roleName('importer'),
    importerRoleArn: roleArn(roleName('importer')),
    requesterRoleName: roleName('requester'),
    requesterRoleArn: roleArn(roleName('requester')),
    plannerRoleName: roleName('planner'),
    plannerRoleArn: roleArn(roleName('planner')),
    deployerRoleName: roleName('deployer'),
    deployerRoleArn: roleArn(roleName('deployer')),
    alertForwarderRoleName: roleName('alert-forwarder'),
    alertForwarderRoleArn: roleArn(roleName('alert-forwarder')),
    secretNamePrefix: `${prefix}/`,
    secretArnPattern: arn('secretsmanager', `secret:${prefix}/*`),
    secretArnPrefix: arn('secretsmanager', `secret:${prefix}/`),
    sealingSecretName: sealingSecretName(prefix),
    sealingSecretArnPattern: arn('secretsmanager', `secret:${sealingSecretName(prefix)}-??????`),
    githubOidcProviderArn: arn('iam', `oidc-provider/${GITHUB_OIDC_HOST}`, ''),
    ...(p.stateBackend && {
      stateBucketArn: `arn:${partition}:s3:::${p.stateBackend.bucket}`,
      stateObjectsArnPrefix: `arn:${partition}:s3:::${p.stateBackend.bucket}/${p.stateBackend.keyPrefix}/`,
    }),
  };
}
