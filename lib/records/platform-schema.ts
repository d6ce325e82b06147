import { z } from 'zod';
import { githubConfigSchema } from './github-config-schema.js';
import { requestsConfigSchema } from './requests-config-schema.js';

const iamPrincipalArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:(root|role\/.+|user\/.+|assumed-role\/.+)$/, {
    error: 'must be an IAM principal ARN (arn:aws:iam::<account>:role/<name>, …:user/<name> or …:root)',
  });

const SSO_HINT =
  'IAM Identity Center roles are arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_<name>';

/**
 * A principal that policies name through aws:PrincipalArn (administrators, deployers): only a
 * role or user ARN ever matches it, so anything else is refused with what to write instead.
 */
const conditionPrincipalArn = z
  .string()
  .refine((v) => !v.includes('*') && !v.includes('?'), {
    abort: true,
    error: `must be one exact role ARN: aws:PrincipalArn is compared with ArnEquals, where a wildcard would widen break-glass to every match; ${SSO_HINT}`,
  })
  .refine((v) => !/:root$/.test(v), {
    abort: true,
    error: `must be a role ARN, not an account root: aws:PrincipalArn is never the root for a role's session, so break-glass would silently not work; write arn:aws:iam::<account>:role/<name> (${SSO_HINT})`,
  })
  .refine((v) => !/:assumed-role\//.test(v), {
    abort: true,
    error: `must be the role's ARN, not a session (assumed-role) ARN: aws:PrincipalArn of a session is its role's ARN; write arn:aws:iam::<account>:role/<name> (${SSO_HINT})`,
  })
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, {
    error: `must be an IAM role ARN (arn:aws:iam::<account>:role/<name>) or user ARN; ${SSO_HINT}`,
  });

/**
 * A topic's subscriptions. Only protocols the stack can authorize: the topics are encrypted
 * with the platform's SNS key and their policies name their senders, so an email address or an
 * https endpoint receives messages with no further permission, while a queue, a function or a
 * phone would need a grant of the key and a policy on the endpoint that the stack does not make.
 */
const topicSubscriptions = z.strictObject({
  subscriptions: z
    .array(
      z.strictObject({
        protocol: z.enum(['email', 'https'], {
          error:
            'must be "email" or "https": the topics are encrypted with the platform\'s SNS key, and an SQS queue, a Lambda function or SMS would need a key grant and an endpoint policy the stack does not create; subscribe an https endpoint that forwards to it instead',
        }),
        endpoint: z.string().min(1),
      }),
    )
    .default([]),
});

/**
 * The platform configuration: `context.platform` in cdktf.json. It names the AWS account the
 * stacks are for, who may assume the roles, who administers the secrets and where state lives.
 */
export const platformSchema = z.strictObject({
  accountId: z.string().regex(/^\d{12}$/, { error: 'must be the 12-digit AWS account ID, as a string' }),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as "eu-central-1"' }),
  namePrefix: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, {
      error: 'must be 1 to 20 characters of a-z, 0-9 and "-", starting with a letter',
    })
    .default('asc-keys'),
  secretRecoveryWindowDays: z
    .number()
    .int()
    .min(7)
    .max(30, { error: 'must be a whole number from 7 to 30' })
    .default(30),
  /**
   * Days a key that import staged may wait for its pull request's merge before check drift
   * reports it as a finding (check keys and check drift list it as awaiting merge until then).
   */
  pendingImportGraceDays: z
    .number()
    .int({ error: 'must be a whole number of days from 1 to 90' })
    .min(1, { error: 'must be a whole number of days from 1 to 90' })
    .max(90, { error: 'must be a whole number of days from 1 to 90' })
    .default(7),
  rotation: z
    .strictObject({
      maxAgeDays: z
        .number()
        .int({ error: 'must be a whole number from 1 to 3650' })
        .min(1, { error: 'must be a whole number from 1 to 3650' })
        .max(3650, { error: 'must be a whole number from 1 to 3650' })
        .default(365),
      remindDaysBefore: z.array(z.number().int().min(0)).default([30, 7, 0]),
    })
    .default({ maxAgeDays: 365, remindDaysBefore: [30, 7, 0] }),
  reminders: topicSubscriptions.default({ subscriptions: [] }),
  /** Who receives the security alerts (lib/model/alert-rules.ts). @default no subscription */
  alerts: topicSubscriptions.default({ subscriptions: [] }),
  administrators: z
    .array(conditionPrincipalArn)
    .min(1, { error: 'must name at least one administrator role' }),
  publisherTrustedPrincipals: z
    .array(iamPrincipalArn)
    .min(1, { error: 'must name who may assume the publisher role' }),
  validatorTrustedPrincipals: z
    .array(iamPrincipalArn)
    .min(1, { error: 'must name who may assume the validator role (CI)' }),
  importerTrustedPrincipals: z
    .array(iamPrincipalArn)
    .min(1, { error: 'must name who may assume the importer role, or be left out' })
    .optional(),
  /** Role ARNs that apply the stacks (Terraform): the secret policies never deny them. @default [] */
  deployers: z.array(conditionPrincipalArn).default([]),
  stateBackend: z
    .strictObject({
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'must be an S3 bucket name' }),
      region: z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
        .optional(),
      keyPrefix: z.string().min(1).default('asc-keys'),
    })
    .optional(),
  github: githubConfigSchema.optional(),
  /** Key requests to customers. @default none: `asc-keys request` says what to configure */
  requests: requestsConfigSchema.optional(),
});

export type PlatformConfig = z.output<typeof platformSchema>;
export type RotationPolicy = PlatformConfig['rotation'];
