import type { PolicyDocument } from './policy-document.js';

/**
 * The desired state of every resource a stack creates, as plain data: the stacks translate it
 * into provider classes attribute by attribute, `check drift` compares live AWS with it, and the
 * tests apply it. Nothing here refers to cdktf or to another resource's Terraform attributes: a
 * reference between resources is a deterministic name or ARN, or a logical ID in the same stack.
 */
export type Tags = Readonly<Record<string, string>>;

/** Terraform resource types, for the addresses drift reports (`<type>.<logical ID>`). */
export const TF = {
  secret: 'aws_secretsmanager_secret',
  secretPolicy: 'aws_secretsmanager_secret_policy',
  schedule: 'aws_scheduler_schedule',
  scheduleGroup: 'aws_scheduler_schedule_group',
  kmsKey: 'aws_kms_key',
  kmsAlias: 'aws_kms_alias',
  topic: 'aws_sns_topic',
  topicPolicy: 'aws_sns_topic_policy',
  subscription: 'aws_sns_topic_subscription',
  role: 'aws_iam_role',
  rolePolicy: 'aws_iam_role_policy',
  eventRule: 'aws_cloudwatch_event_rule',
  eventTarget: 'aws_cloudwatch_event_target',
  oidcProvider: 'aws_iam_openid_connect_provider',
} as const;

export const address = (type: string, id: string): string => `${type}.${id}`;

/** An IAM OIDC identity provider (GitHub's, when the platform creates it). */
export interface DesiredOidcProvider {
  readonly id: string;
  readonly arn: string;
  /** With its scheme, as Terraform takes it; IAM reports it without. */
  readonly url: string;
  readonly clientIds: readonly string[];
  readonly thumbprints: readonly string[];
  readonly tags: Tags;
}

export interface DesiredSecret {
  /** Logical ID of the secret; its resource policy is `${id}_policy`. */
  readonly id: string;
  readonly policyId: string;
  readonly name: string;
  readonly description: string;
  /** The alias ARN: AWS reports a key by ARN, and a bare alias name would diff against it. */
  readonly kmsKeyId: string;
  readonly recoveryWindowInDays: number;
  readonly tags: Tags;
  readonly policy: PolicyDocument;
  readonly blockPublicPolicy: boolean;
}

/** What AWS assumes when a schedule names no action after completion (and omits in answers). */
export const SCHEDULE_DEFAULT_ACTION_AFTER_COMPLETION = 'NONE';

export interface DesiredSchedule {
  readonly id: string;
  readonly name: string;
  readonly groupName: string;
  /** Days before the due day for a one-time reminder; null for the recurring one. */
  readonly daysBefore: number | null;
  /** The moment of a one-time reminder (absent for the recurring one), rendered once into scheduleExpression. */
  readonly at?: Date;
  readonly scheduleExpression: string;
  readonly scheduleExpressionTimezone: string;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly flexibleTimeWindow: { readonly mode: 'OFF' };
  /** NONE keeps a fired one-time reminder, so the stack still plans clean after it fired. */
  readonly actionAfterCompletion: 'NONE' | 'DELETE';
  readonly target: { readonly arn: string; readonly roleArn: string; readonly input: string };
}

export interface DesiredKmsKey {
  readonly id: string;
  readonly description: string;
  readonly enableKeyRotation: boolean;
  /** False would stop every read of every key. */
  readonly isEnabled: boolean;
  readonly deletionWindowInDays: number;
  readonly policy: PolicyDocument;
  readonly tags: Tags;
  /** A lifecycle rule: `terraform destroy` of the platform must not take every key with it. */
  readonly preventDestroy: boolean;
  readonly alias: { readonly id: string; readonly name: string; readonly arn: string };
}

export interface DesiredTopic {
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly tags: Tags;
  /** `aws_sns_topic_policy.${policyId}`; absent: AWS's default policy. */
  readonly policy?: { readonly id: string; readonly document: PolicyDocument };
  /** The key SNS encrypts messages with at rest; absent: none. */
  readonly kmsMasterKeyId?: string;
}

export interface DesiredSubscription {
  readonly id: string;
  /** Logical ID of the topic in the same stack. */
  readonly topicId: string;
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  /**
   * SNS's JSON envelope, as every endpoint type takes it. A subscription has no filter policy
   * (one would silently drop alerts) and no redrive policy (one would move them elsewhere).
   */
  readonly rawMessageDelivery: boolean;
}

export interface DesiredScheduleGroup {
  readonly id: string;
  readonly name: string;
  readonly tags: Tags;
}

export interface DesiredInlinePolicy {
  readonly id: string;
  readonly name: string;
  readonly document: PolicyDocument;
}

/** An IAM role with its inline policies: a model file contributes these, and the stack and drift iterate them. */
export interface DesiredRole {
  /** Logical ID of the role (`${id}_role` is not implied: this is the ID). */
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  readonly trust: PolicyDocument;
  readonly inlinePolicies: readonly DesiredInlinePolicy[];
  /** @default 3600 (AWS's default) */
  readonly maxSessionDuration: number;
  readonly tags: Tags;
}

/** An EventBridge event pattern, as JSON: nested fields, each leaf a list of values or matchers. */
export interface EventPattern {
  readonly [field: string]: EventPattern | readonly unknown[];
}

/**
 * A rule on the account's default event bus, with its one target (a topic of the same stack).
 * The whole event goes to the target: no input transformer, so nothing an investigation needs
 * is dropped.
 */
export interface DesiredEventRule {
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  /**
   * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`: EventBridge delivers read-only management
   * events (GetSecretValue) only to rules in this state; `ENABLED` sees write events only.
   */
  readonly state: 'ENABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
  readonly eventPattern: EventPattern;
  readonly tags: Tags;
  /**
   * The region whose default bus holds the rule, when it is not the platform's: IAM's events
   * reach EventBridge only in us-east-1, so the IAM rule lives there and forwards to the home bus.
   */
  readonly region?: string;
  readonly target: {
    /** `aws_cloudwatch_event_target.${id}` */
    readonly id: string;
    /** The target's ID within the rule. */
    readonly targetId: string;
    /** Logical ID of the topic in the same stack; absent for a rule that forwards to another bus. */
    readonly topicId?: string;
    readonly arn: string;
    /** The role EventBridge assumes to put events on another region's bus. */
    readonly roleArn?: string;
  };
}
