import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { AwsClients } from '../aws/clients.js';
import { address, TF } from '../model/desired-resources.js';
import type { PlatformContext } from '../model/platform-context.js';
import { platformDesiredState } from '../model/platform-desired.js';
import {
  eventRuleRows,
  keyRows,
  oidcProviderRows,
  policyRow,
  roleRows,
  scheduleGroupRows,
  secretRows,
  subscriptionRows,
  topicRows,
} from './drift-fields.js';
import { addChanged, addReplicaFinding, type AddFinding, type DriftFinding } from './drift-finding.js';
import {
  getEventRule,
  describeSecret,
  eventsClientIn,
  getKeyByAlias,
  getOidcProvider,
  getPolicies,
  getRole,
  getScheduleGroup,
  getSubscriptionAttributes,
  getTopic,
  type LiveKey,
  type LiveSecret,
} from './live-aws-state.js';
import pLimit from 'p-limit';

/**
 * The platform stack's resources against its desired state: the keys (found through their
 * aliases), the topics and their subscriptions, the schedule group, the alert rules and every
 * role the model lists, with policies and event patterns compared as documents. Findings have
 * no customer.
 */
export async function checkPlatformDrift(
  ctx: PlatformContext,
  clients: AwsClients,
  key: LiveKey | undefined,
  concurrency: number,
): Promise<DriftFinding[]> {
  const desired = platformDesiredState(ctx.platform);
  const fix = `apply the stack ${desired.stackName}`;
  // What guards the keys is the administrators' to apply, never the deploy workflow's.
  const custodyFix = `ask an administrator to apply the stack ${desired.custodyStackName} (docs/security.md)`;
  const fixOfTopic = (id: string): string => (desired.custodyTopicIds.includes(id) ? custodyFix : fix);
  // The IAM rule in us-east-1 (IAM's event region) is read there, through a client of that region.
  const regional = new Map<string, EventBridgeClient>();
  const eventsOf = (region: string | undefined): EventBridgeClient => {
    if (region === undefined) return clients.events;
    if (!regional.has(region)) regional.set(region, eventsClientIn(clients.events, region));
    return regional.get(region)!;
  };
  const limit = pLimit(concurrency);
  const oidc = desired.githubOidcProvider;
  const [roles, topics, group, snsKey, rules, sealing, provider] = await Promise.all([
    Promise.all(desired.roles.map((r) => limit(() => getRole(clients.iam, r.name)))),
    Promise.all(desired.topics.map((t) => limit(() => getTopic(clients.sns, t.arn)))),
    getScheduleGroup(clients.scheduler, desired.scheduleGroup.name),
    getKeyByAlias(clients.kms, desired.snsKey.alias.name),
    Promise.all(desired.alertRules.map((r) => limit(() => getEventRule(eventsOf(r.region), r.name)))),
    readSecretWithPolicy(clients.secretsManager, desired.sealingKey.name),
    oidc ? getOidcProvider(clients.iam, oidc.arn) : Promise.resolve(undefined),
  ]).finally(() => {
    for (const c of regional.values()) c.destroy();
  });

  const findings: DriftFinding[] = [];
  const add: AddFinding = (f) => void findings.push({ customer: null, ...f });
  const missing = (resource: string, expected: string, what: string, next = custodyFix): void =>
    add({
      resource,
      kind: 'missing',
      field: null,
      expected,
      actual: null,
      message: `${what} does not exist; ${next}`,
    });

  const keys = [
    { k: desired.kmsKey, live: key, what: 'the secrets key' },
    { k: desired.snsKey, live: snsKey, what: 'the topics key' },
  ];
  for (const { k, live, what } of keys)
    if (!live)
      missing(address(TF.kmsAlias, k.alias.id), k.alias.name, `the KMS alias ${k.alias.name} of ${what}`);
    else
      addChanged(
        add,
        address(TF.kmsKey, k.id),
        `the KMS key behind ${k.alias.name}`,
        keyRows(k, live),
        custodyFix,
      );

  // Each subscription the model wants and the topic has (confirmed): its attributes.
  const subscriptionKey = (s: { protocol: string; endpoint: string }): string =>
    `${s.protocol}:${s.endpoint}`;
  const present = desired.subscriptions.flatMap((s) => {
    const live = topics[desired.topics.findIndex((t) => t.id === s.topicId)];
    const arn = live?.subscriptions.find((l) => subscriptionKey(l) === subscriptionKey(s))?.arn;
    return arn?.startsWith('arn:') ? [{ s, arn }] : [];
  });
  const attributes = await Promise.all(
    present.map(({ arn }) => limit(() => getSubscriptionAttributes(clients.sns, arn))),
  );
  present.forEach(({ s }, i) => {
    const live = attributes[i];
    if (live)
      addChanged(
        add,
        address(TF.subscription, s.id),
        `the subscription ${subscriptionKey(s)}`,
        subscriptionRows(s, live),
        fixOfTopic(s.topicId),
      );
  });

  desired.topics.forEach((t, i) => {
    const live = topics[i];
    if (!live) return missing(address(TF.topic, t.id), t.name, `the topic ${t.name}`, fixOfTopic(t.id));
    addChanged(add, address(TF.topic, t.id), `the topic ${t.name}`, topicRows(t, live), fixOfTopic(t.id));
    const wanted = desired.subscriptions.filter((s) => s.topicId === t.id);
    const key = (s: { protocol: string; endpoint: string }): string => `${s.protocol}:${s.endpoint}`;
    const liveKeys = new Set(live.subscriptions.map(key));
    for (const s of wanted)
      if (!liveKeys.has(key(s)))
        missing(
          address(TF.subscription, s.id),
          key(s),
          `the subscription ${key(s)} of ${t.name}`,
          fixOfTopic(t.id),
        );
    const wantedKeys = new Set(wanted.map(key));
    for (const s of live.subscriptions)
      if (!wantedKeys.has(key(s)))
        add({
          resource: address(TF.topic, t.id),
          kind: 'changed',
          field: 'subscription',
          expected: null,
          actual: key(s),
          message: `the topic ${t.name} has a subscription the platform configuration does not name (${key(s)}): it receives every message; remove it, or add it to the configuration`,
        });
  });

  const g = desired.scheduleGroup;
  if (!group) missing(address(TF.scheduleGroup, g.id), g.name, `the schedule group ${g.name}`, fix);
  else
    addChanged(
      add,
      address(TF.scheduleGroup, g.id),
      `the schedule group ${g.name}`,
      scheduleGroupRows(g, group),
      fix,
    );

  desired.alertRules.forEach((r, i) => {
    const live = rules[i];
    const what = `the alert rule ${r.name}${r.region ? ` in ${r.region}` : ''}`;
    if (!live) return missing(address(TF.eventRule, r.id), r.name, what);
    addChanged(add, address(TF.eventRule, r.id), what, eventRuleRows(r, live), custodyFix);
  });

  desired.roles.forEach((r, i) => {
    const live = roles[i];
    if (!live) return missing(address(TF.role, r.id), r.name, `the role ${r.name}`);
    addChanged(add, address(TF.role, r.id), `the role ${r.name}`, roleRows(r, live), custodyFix);
  });

  // The sealing key's policy is what stands between every sealed block and the rest of the account.
  const s = desired.sealingKey;
  if (!sealing.secret || sealing.secret.deletedDate)
    missing(address(TF.secret, s.id), s.name, `the sealing key's secret ${s.name}`);
  else {
    const names = ctx.names;
    const kmsKeyIds = [names.kmsAliasName, names.kmsAliasArn, ...(key ? [key.keyId, key.arn] : [])];
    addChanged(add, address(TF.secret, s.id), s.name, secretRows(s, sealing.secret, kmsKeyIds), custodyFix);
    addReplicaFinding(add, address(TF.secret, s.id), s.name, sealing.secret.replicaRegions);
    addChanged(
      add,
      address(TF.secretPolicy, s.policyId),
      `the resource policy of ${s.name}`,
      [policyRow('policy', s.policy, sealing.policy)],
      `${custodyFix} (compared as documents)`,
    );
  }

  if (oidc) {
    if (!provider)
      missing(address(TF.oidcProvider, oidc.id), oidc.arn, `the GitHub OIDC provider ${oidc.arn}`);
    else
      addChanged(
        add,
        address(TF.oidcProvider, oidc.id),
        `the GitHub OIDC provider ${oidc.arn}`,
        oidcProviderRows(oidc, provider),
        custodyFix,
      );
  }
  return findings;
}

/** A secret by name and its resource policy (undefined: none), or no secret. */
async function readSecretWithPolicy(
  client: AwsClients['secretsManager'],
  name: string,
): Promise<{ secret?: LiveSecret; policy?: string }> {
  const secret = await describeSecret(client, name);
  if (!secret) return {};
  const policy = (await getPolicies(client, [secret.arn], 1)).get(secret.arn);
  return { secret, ...(policy !== undefined && { policy }) };
}
