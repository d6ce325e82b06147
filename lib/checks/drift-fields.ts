import {
  address,
  TF,
  type DesiredEventRule,
  type DesiredKmsKey,
  type DesiredOidcProvider,
  type DesiredRole,
  type DesiredSchedule,
  type DesiredScheduleGroup,
  type DesiredSecret,
  type DesiredSubscription,
  type DesiredTopic,
  type Tags,
} from '../model/desired-resources.js';
import type { PolicyDocument } from '../model/policy-document.js';
import type {
  LiveEventRule,
  LiveKey,
  LiveOidcProvider,
  LiveRole,
  LiveSchedule,
  LiveScheduleGroup,
  LiveSecret,
  LiveSubscriptionAttributes,
  LiveTopic,
} from './live-aws-state.js';
import { canonicalPolicy } from './policy-equality.js';

/**
 * The comparison table: for each resource type, each Terraform attribute drift compares, the
 * model's value and the live value. Named by the attribute the stack sets, so a finding's
 * `field` is what `terraform plan` would show changing.
 */
export interface FieldRow {
  readonly field: string;
  /** The Terraform address when it is not the compared resource's own (an inline policy's). */
  readonly resource?: string;
  readonly expected: unknown;
  readonly actual: unknown;
  /** @default strict equality */
  readonly same?: (expected: unknown, actual: unknown) => boolean;
}

/** Policies are compared as documents: order and single-value lists are not differences. */
export function policyRow(field: string, expected: PolicyDocument, actual: string | undefined): FieldRow {
  return { field, expected, actual: actual === undefined ? null : parsePolicy(actual), same: samePolicy };
}

export function parsePolicy(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const samePolicy = (a: unknown, b: unknown): boolean =>
  b !== null && canonicalPolicy(a) === canonicalPolicy(b);

/** One row per tag key on either side: `tags.<key>`, null where a side lacks it. */
export function tagRows(want: Tags, live: Tags): FieldRow[] {
  return [...new Set([...Object.keys(want), ...Object.keys(live)])].map((key) => ({
    field: `tags.${key}`,
    expected: want[key] ?? null,
    actual: live[key] ?? null,
  }));
}

export function differing(rows: readonly FieldRow[]): FieldRow[] {
  return rows.filter((r) => !(r.same ?? Object.is)(r.expected, r.actual ?? null));
}

/**
 * The secret's attributes. `kmsKeyIds` are every way AWS may name the platform key (alias
 * name and ARN, key ID and ARN), since it reports what it was given or what it resolved.
 */
export function secretRows(want: DesiredSecret, live: LiveSecret, kmsKeyIds: readonly string[]): FieldRow[] {
  return [
    { field: 'description', expected: want.description, actual: live.description ?? null },
    {
      field: 'kms_key_id',
      expected: want.kmsKeyId,
      actual: live.kmsKeyId ?? null,
      same: (_e, a) => kmsKeyIds.includes(a as string),
    },
    ...tagRows(want.tags, live.tags),
  ];
}

export function scheduleRows(want: DesiredSchedule, live: LiveSchedule): FieldRow[] {
  return [
    { field: 'schedule_expression', expected: want.scheduleExpression, actual: live.ScheduleExpression },
    {
      field: 'schedule_expression_timezone',
      expected: want.scheduleExpressionTimezone,
      actual: live.ScheduleExpressionTimezone,
    },
    { field: 'state', expected: want.state, actual: live.State },
    {
      field: 'flexible_time_window.mode',
      expected: want.flexibleTimeWindow.mode,
      actual: live.FlexibleTimeWindow?.Mode,
    },
    {
      field: 'action_after_completion',
      expected: want.actionAfterCompletion,
      actual: live.ActionAfterCompletion,
    },
    { field: 'target.arn', expected: want.target.arn, actual: live.Target?.Arn },
    { field: 'target.role_arn', expected: want.target.roleArn, actual: live.Target?.RoleArn },
    { field: 'target.input', expected: want.target.input, actual: live.Target?.Input },
  ];
}

export function keyRows(want: DesiredKmsKey, live: LiveKey): FieldRow[] {
  return [
    { field: 'description', expected: want.description, actual: live.description },
    { field: 'enable_key_rotation', expected: want.enableKeyRotation, actual: live.rotationEnabled },
    // A disabled key, or one pending deletion, breaks every read of every key.
    { field: 'is_enabled', expected: want.isEnabled, actual: live.enabled },
    policyRow('policy', want.policy, live.policy),
    ...tagRows(want.tags, live.tags),
  ];
}

export function roleRows(want: DesiredRole, live: LiveRole): FieldRow[] {
  const wantedInline = new Set(want.inlinePolicies.map((p) => p.name));
  return [
    { field: 'description', expected: want.description, actual: live.description },
    policyRow('assume_role_policy', want.trust, live.trust),
    { field: 'max_session_duration', expected: want.maxSessionDuration, actual: live.maxSessionDuration },
    ...want.inlinePolicies.map((p) => ({
      ...policyRow('policy', p.document, live.inlinePolicies.get(p.name)),
      resource: address(TF.rolePolicy, p.id),
    })),
    // A policy added beside ours widens the role as surely as an edit of ours.
    ...[...live.inlinePolicies.keys()]
      .filter((name) => !wantedInline.has(name))
      .map((name) => ({
        field: `inline_policy.${name}`,
        expected: null,
        actual: parsePolicy(live.inlinePolicies.get(name)!),
      })),
    ...live.attachedPolicyArns.map((arn) => ({ field: 'managed_policy_arns', expected: null, actual: arn })),
    ...tagRows(want.tags, live.tags),
  ];
}

export function topicRows(want: DesiredTopic, live: LiveTopic): FieldRow[] {
  return [
    ...(want.policy ? [policyRow('policy', want.policy.document, live.attributes.Policy)] : []),
    {
      field: 'kms_master_key_id',
      expected: want.kmsMasterKeyId ?? null,
      actual: live.attributes.KmsMasterKeyId ?? null,
    },
    ...tagRows(want.tags, live.tags),
  ];
}

export function scheduleGroupRows(want: DesiredScheduleGroup, live: LiveScheduleGroup): FieldRow[] {
  return [
    { field: 'state', expected: 'ACTIVE', actual: live.state ?? null },
    ...tagRows(want.tags, live.tags),
  ];
}

/**
 * An alert rule and its target. The pattern is compared as a document (key order and spacing
 * are not differences); a rule turned to ENABLED stops seeing reads, one DISABLED sees nothing.
 */
export function eventRuleRows(want: DesiredEventRule, live: LiveEventRule): FieldRow[] {
  const target = live.targets.find((t) => t.id === want.target.targetId);
  return [
    { field: 'description', expected: want.description, actual: live.description },
    { field: 'state', expected: want.state, actual: live.state },
    {
      field: 'event_pattern',
      expected: want.eventPattern,
      actual: parsePolicy(live.eventPattern),
      same: (e, a) => canonicalJson(e) === canonicalJson(a),
    },
    ...tagRows(want.tags, live.tags),
    {
      field: 'arn',
      resource: address(TF.eventTarget, want.target.id),
      expected: want.target.arn,
      actual: target?.arn ?? null,
    },
    {
      field: 'role_arn',
      resource: address(TF.eventTarget, want.target.id),
      expected: want.target.roleArn ?? null,
      actual: target?.roleArn ?? null,
      same: (e, a) => !target || e === a,
    },
    {
      field: 'input_transformer',
      resource: address(TF.eventTarget, want.target.id),
      expected: false,
      actual: target ? target.transformed : null,
      same: (e, a) => a === null || e === a,
    },
    // Another target receives every alert too, or instead.
    ...live.targets
      .filter((t) => t.id !== want.target.targetId)
      .map((t) => ({ field: `target.${t.id}`, expected: null, actual: t.arn })),
  ];
}

/** JSON with object keys sorted, so that two documents compare by content. */
function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(value));
}

const sortedList = (values: readonly string[]): string => [...values].sort().join(',');

/** IAM reports the URL without its scheme; lists are sets. */
export function oidcProviderRows(want: DesiredOidcProvider, live: LiveOidcProvider): FieldRow[] {
  return [
    { field: 'url', expected: want.url, actual: `https://${live.url.replace(/^https:\/\//, '')}` },
    { field: 'client_id_list', expected: sortedList(want.clientIds), actual: sortedList(live.clientIds) },
    {
      field: 'thumbprint_list',
      expected: sortedList(want.thumbprints),
      actual: sortedList(live.thumbprints),
    },
    ...tagRows(want.tags, live.tags),
  ];
}

/**
 * What a subscriber receives: a filter policy drops messages (an alert among them), a redrive
 * policy sends the undelivered elsewhere, raw delivery changes their shape.
 */
export function subscriptionRows(want: DesiredSubscription, live: LiveSubscriptionAttributes): FieldRow[] {
  return [
    { field: 'filter_policy', expected: null, actual: live.filterPolicy ?? null },
    { field: 'redrive_policy', expected: null, actual: live.redrivePolicy ?? null },
    {
      field: 'raw_message_delivery',
      expected: want.rawMessageDelivery,
      actual: live.rawMessageDelivery === 'true',
    },
  ];
}
