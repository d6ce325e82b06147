import type { PlatformConfig } from '../records/platform-schema.js';
import { alertForwarderRole } from './alert-forwarder-role.js';
import { alertRules } from './alert-rules.js';
import { alertsSubscriptions, alertsTopic } from './alerts-topic.js';
import type {
  DesiredEventRule,
  DesiredKmsKey,
  DesiredOidcProvider,
  DesiredRole,
  DesiredScheduleGroup,
  DesiredSecret,
  DesiredSubscription,
  DesiredTopic,
} from './desired-resources.js';
import { githubOidc, githubRoles } from './github-oidc.js';
import { importerRole } from './importer-role.js';
import { platformContext, type PlatformContext } from './platform-context.js';
import { publisherRole } from './publisher-role.js';
import { requesterRole } from './requester-role.js';
import { reminderScheduleGroup, reminderSubscriptions, reminderTopic } from './reminder-topic.js';
import { schedulerRole } from './scheduler-role.js';
import { sealingKeySecret } from './sealing-key.js';
import { secretsKey } from './secrets-key.js';
import { snsKey } from './sns-key.js';
import { CUSTODY_STACK } from './trust-zones.js';
import { validatorRole } from './validator-role.js';

export const PLATFORM_STACK = 'platform';

/**
 * Everything the platform stack creates. The stack builds each entry with its provider class;
 * `check drift` reads each back and compares it field by field.
 */
export interface PlatformDesiredState {
  /** The deployer's stack: the reminders topic and the schedule group. */
  readonly stackName: string;
  /** The administrators' stack: everything else here (lib/model/trust-zones.ts). */
  readonly custodyStackName: string;
  /** The topics that belong to the custody stack (the alerts topic); the others are the platform stack's. */
  readonly custodyTopicIds: readonly string[];
  readonly kmsKey: DesiredKmsKey;
  /** Encrypts the topics; the secrets key stays bound to Secrets Manager. */
  readonly snsKey: DesiredKmsKey;
  readonly topics: readonly DesiredTopic[];
  readonly subscriptions: readonly DesiredSubscription[];
  readonly scheduleGroup: DesiredScheduleGroup;
  readonly roles: readonly DesiredRole[];
  /** CloudTrail events that alert (to the alerts topic). */
  readonly alertRules: readonly DesiredEventRule[];
  /** The sealing key's secret and policy (sealed hand-over); its value is never the stack's. */
  readonly sealingKey: DesiredSecret;
  /** GitHub's OIDC provider, when the platform creates it (`github.oidcProvider: create`). */
  readonly githubOidcProvider?: DesiredOidcProvider;
}

/**
 * The model files that contribute roles. A new role (the importer, the GitHub OIDC planner and
 * deployer) is a model file with a function of this shape and one line here: the platform stack
 * creates it and drift compares it without further code. Return [] when configuration leaves it out.
 */
const ROLE_SOURCES: readonly ((ctx: PlatformContext) => DesiredRole[])[] = [
  schedulerRole,
  publisherRole,
  validatorRole,
  requesterRole,
  importerRole,
  githubRoles,
  alertForwarderRole,
];

export function platformDesiredState(platform: PlatformConfig): PlatformDesiredState {
  const ctx = platformContext(platform);
  return {
    stackName: PLATFORM_STACK,
    custodyStackName: CUSTODY_STACK,
    custodyTopicIds: [alertsTopic(ctx).id],
    kmsKey: secretsKey(ctx),
    snsKey: snsKey(ctx),
    topics: [reminderTopic(ctx), alertsTopic(ctx)],
    subscriptions: [...reminderSubscriptions(ctx), ...alertsSubscriptions(ctx)],
    scheduleGroup: reminderScheduleGroup(ctx),
    roles: ROLE_SOURCES.flatMap((source) => source(ctx)),
    alertRules: alertRules(ctx),
    sealingKey: sealingKeySecret(ctx),
    ...githubOidcProvider(ctx),
  };
}

function githubOidcProvider(ctx: PlatformContext): { githubOidcProvider?: DesiredOidcProvider } {
  const github = ctx.platform.github;
  const provider = github && githubOidc(ctx, github).provider;
  return provider ? { githubOidcProvider: provider } : {};
}
