import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { GetRoleCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand } from '@aws-sdk/client-kms';
import { ListSchedulesCommand, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import {
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  GetResourcePolicyCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import pLimit from 'p-limit';
import { checkDrift, type DriftFinding } from '../../lib/checks/check-drift.js';
import { canonicalPolicy } from '../../lib/checks/policy-equality.js';
import { addDays, today } from '../../lib/records/days.js';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import type { CustomerRecord } from '../../lib/records/customer-record.js';
import { AwsSecretsManagerStore } from '../../lib/secrets/aws-secrets-manager-store.js';
import { synthesize } from '../../lib/stacks/synthesize.js';
import { storeAsImport, type MotoClients } from '../support/apply-desired-state.js';
import { fastlaneValue } from '../support/key-fixtures.js';
import { generateTestKey, type TestKey } from '../support/keys.js';
import type { MotoServer } from '../support/moto.js';
import { PLATFORM, record } from '../support/records.js';
import { init, initAndApply, plan, type TerraformEnv } from '../support/terraform.js';
import { FIXTURE_STACKS, terraformFixture, type TerraformFixture } from '../support/terraform-fixture.js';

/**
 * The synthesized stacks, applied to moto by real Terraform (custody and platform: the shared
 * fixture's, applied once for the run; then the customers), then planned again: every stack
 * must plan clean. Then one change per customer, and for each change
 * `check drift` and `terraform plan` must agree on whether that customer drifted.
 */
const NOW = new Date();
const day = today(NOW);
// Two Terraform processes at once: each provider start takes a core for seconds.
const limit = pLimit(2);
// Apply, two plans per stack and the platform first: minutes on a shared 2-core machine (the hook's timeout).

let fixture: TerraformFixture;
let moto: MotoServer;
let clients: MotoClients;
let tf: TerraformEnv;
let outdir: string;
const keys = new Map<string, TestKey>();
let records: CustomerRecord[];

const stackDir = (name: string): string => join(outdir, 'stacks', name);

/** One customer per case, so that every change is planned on its own stack, in parallel. */
interface AgreementCase {
  readonly customer: string;
  readonly change: string;
  readonly mutate: () => Promise<void>;
  /** What check drift reports for the customer: kind and field of each finding. */
  readonly drift: readonly string[];
  /** terraform plan -detailed-exitcode of the customer's stack. */
  readonly plan: 0 | 2;
  /** Why the two cannot agree, where they do not. */
  readonly disagreement?: string;
}

const CASES: AgreementCase[] = [
  {
    customer: 'globex',
    change: "the secret's managed-by tag removed",
    mutate: async () => {
      await clients.secretsManager.send(
        new UntagResourceCommand({ SecretId: 'asc-keys/globex', TagKeys: ['managed-by'] }),
      );
    },
    drift: ['changed tags.managed-by'],
    plan: 2,
  },
  {
    customer: 'initech',
    change: 'a statement added to the resource policy',
    mutate: async () => {
      const d = customerDesiredState(
        records.find((r) => r.customer === 'initech')!,
        PLATFORM,
        NOW,
      );
      const widened = {
        ...d.secret!.policy,
        Statement: [
          ...d.secret!.policy.Statement,
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::111122223333:role/Developer' },
            Action: 'secretsmanager:GetSecretValue',
            Resource: '*',
          },
        ],
      };
      await clients.secretsManager.send(
        new PutResourcePolicyCommand({
          SecretId: 'asc-keys/initech',
          ResourcePolicy: JSON.stringify(widened),
        }),
      );
    },
    drift: ['changed policy'],
    plan: 2,
  },
  {
    customer: 'hooli',
    change: 'a reminder moved to another day',
    mutate: async () => {
      const d = customerDesiredState(
        records.find((r) => r.customer === 'hooli')!,
        PLATFORM,
        NOW,
      );
      const r = d.reminders[0]!;
      await clients.scheduler.send(
        new UpdateScheduleCommand({
          Name: r.name,
          GroupName: r.groupName,
          ScheduleExpression: `at(${addDays(day, 200)}T09:00:00)`,
          ScheduleExpressionTimezone: r.scheduleExpressionTimezone,
          State: r.state,
          FlexibleTimeWindow: { Mode: r.flexibleTimeWindow.mode },
          Target: { Arn: r.target.arn, RoleArn: r.target.roleArn, Input: r.target.input },
        }),
      );
    },
    drift: ['changed schedule_expression'],
    plan: 2,
  },
  {
    customer: 'acme-corp',
    change: 'another key stored as the value',
    mutate: async () => {
      const other = await generateTestKey();
      const acme = records.find((r) => r.customer === 'acme-corp')!;
      await clients.secretsManager.send(
        new PutSecretValueCommand({
          SecretId: 'asc-keys/acme-corp',
          SecretString: fastlaneValue(other, { keyId: acme.keyId, issuerId: acme.issuerId! }),
        }),
      );
    },
    drift: ['value fingerprint'],
    plan: 0,
    disagreement: 'the value is written by asc-keys import, never by Terraform: no plan can see it',
  },
];

const validatorPolicy = (widen: boolean): PutRolePolicyCommand => {
  const role = platformDesiredState(PLATFORM).roles.find((r) => r.id === 'validator_role')!;
  const p = role.inlinePolicies[0]!;
  const extra = { Effect: 'Allow', Action: 'secretsmanager:PutSecretValue', Resource: '*' };
  return new PutRolePolicyCommand({
    RoleName: role.name,
    PolicyName: p.name,
    PolicyDocument: JSON.stringify(
      widen ? { ...p.document, Statement: [...p.document.Statement, extra] } : p.document,
    ),
  });
};

const PLATFORM_CHANGE = {
  change: "a statement added to the validator role's policy",
  mutate: async (): Promise<void> => void (await clients.iam.send(validatorPolicy(true))),
  /** The shared fixture's custody stack as Terraform applied it, for the tests after this one. */
  undo: async (): Promise<void> => void (await clients.iam.send(validatorPolicy(false))),
};

const cleanPlans = new Map<string, number>();
const afterPlans = new Map<string, number>();
let before: DriftFinding[];
let findings: DriftFinding[];

/** One policy or pattern as the model has it and as moto returned it after Terraform's apply. */
interface ReadBack {
  readonly what: string;
  readonly model: unknown;
  readonly applied: unknown;
}
let readBack: ReadBack[];
/** The names of the reminder schedules in moto after the apply, by customer (the model's names). */
let appliedReminders: Map<string, string[]>;

/** IAM returns documents URL-encoded. */
const document = (text: string | undefined): unknown =>
  text === undefined ? null : JSON.parse(text.startsWith('%') ? decodeURIComponent(text) : text);

/**
 * Every policy and pattern the stacks applied, read back from moto with the SDK (not through
 * drift's readers): the roles' trust and inline policies, both KMS key policies, the secrets'
 * resource policies, the topics' policies and the alert rules' patterns, states and targets.
 */
async function readApplied(): Promise<ReadBack[]> {
  const platform = platformDesiredState(PLATFORM);
  const out: ReadBack[] = [];
  for (const r of platform.roles) {
    const role = await clients.iam.send(new GetRoleCommand({ RoleName: r.name }));
    out.push({
      what: `${r.name} trust`,
      model: r.trust,
      applied: document(role.Role!.AssumeRolePolicyDocument),
    });
    for (const p of r.inlinePolicies) {
      const got = await clients.iam.send(new GetRolePolicyCommand({ RoleName: r.name, PolicyName: p.name }));
      out.push({ what: `${r.name} ${p.name}`, model: p.document, applied: document(got.PolicyDocument) });
    }
  }
  for (const k of [platform.kmsKey, platform.snsKey]) {
    const { KeyMetadata } = await clients.kms.send(new DescribeKeyCommand({ KeyId: k.alias.name }));
    const KeyId = KeyMetadata!.KeyId!;
    const got = await clients.kms.send(new GetKeyPolicyCommand({ KeyId, PolicyName: 'default' }));
    out.push({ what: `${k.alias.name} key policy`, model: k.policy, applied: document(got.Policy) });
    const rotation = await clients.kms.send(new GetKeyRotationStatusCommand({ KeyId }));
    out.push({
      what: `${k.alias.name} rotation`,
      model: k.enableKeyRotation,
      applied: rotation.KeyRotationEnabled,
    });
  }
  const secrets = [
    platform.sealingKey,
    ...records.map((r) => customerDesiredState(r, PLATFORM, NOW).secret!),
  ];
  for (const secret of secrets) {
    const got = await clients.secretsManager.send(new GetResourcePolicyCommand({ SecretId: secret.name }));
    out.push({
      what: `${secret.name} resource policy`,
      model: secret.policy,
      applied: document(got.ResourcePolicy),
    });
  }
  for (const t of platform.topics) {
    const { Attributes } = await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: t.arn }));
    out.push({ what: `${t.name} policy`, model: t.policy!.document, applied: document(Attributes!.Policy) });
    out.push({ what: `${t.name} key`, model: t.kmsMasterKeyId, applied: Attributes!.KmsMasterKeyId });
  }
  for (const r of platform.alertRules) {
    // The IAM rule's forwarder lives on us-east-1's bus, through the custody stack's provider alias.
    const events = r.region
      ? new EventBridgeClient({
          endpoint: moto.url,
          region: r.region,
          credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
        })
      : clients.events;
    const rule = await events.send(new DescribeRuleCommand({ Name: r.name }));
    out.push({ what: `${r.name} pattern`, model: r.eventPattern, applied: document(rule.EventPattern) });
    out.push({ what: `${r.name} state`, model: r.state, applied: rule.State });
    const { Targets } = await events.send(new ListTargetsByRuleCommand({ Rule: r.name }));
    out.push({
      what: `${r.name} targets`,
      model: [{ Id: r.target.targetId, Arn: r.target.arn }],
      applied: Targets!.map((x) => ({ Id: x.Id, Arn: x.Arn })),
    });
  }
  return out;
}

/** Policies compare as documents (IAM's canonical form); patterns and the rest as JSON with sorted keys. */
const canonical = (what: string, v: unknown): string =>
  /( trust| policy|-permissions)$/.test(what) ? canonicalPolicy(v) : sortedJson(v);
const sortedJson = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );

/** Every schedule in the reminders' group, read back from moto: each customer's, and none besides. */
async function readAppliedReminders(): Promise<Map<string, string[]>> {
  const desired = records.map((r) => customerDesiredState(r, PLATFORM, NOW));
  const group = desired[0]!.reminders[0]!.groupName;
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.scheduler.send(new ListSchedulesCommand({ GroupName: group, NextToken }));
    names.push(...(page.Schedules ?? []).map((x) => x.Name!));
    NextToken = page.NextToken;
  } while (NextToken);
  const byCustomer = new Map<string, string[]>();
  for (const d of desired) {
    const own = new Set(d.reminders.map((r) => r.name));
    byCustomer.set(d.customer, names.filter((n) => own.has(n)).sort());
  }
  const known = new Set(desired.flatMap((d) => d.reminders.map((r) => r.name)));
  byCustomer.set(
    '(no record)',
    names.filter((n) => !known.has(n)),
  );
  return byCustomer;
}

async function drift(): Promise<DriftFinding[]> {
  const result = await checkDrift({
    platform: PLATFORM,
    allRecords: records,
    selected: records,
    invalidSlugs: new Set(),
    inScope: () => true,
    clients,
    store: new AwsSecretsManagerStore({ client: clients.secretsManager }),
    now: NOW,
  });
  return result.findings;
}

describe('the stacks, applied with real Terraform to moto', () => {
  beforeAll(async () => {
    fixture = await terraformFixture();
    ({ moto, clients, tf } = fixture);
    outdir = join(mkdtempSync(join(tmpdir(), 'asc-keys-tf-')), 'cdktf.out');
    for (const c of CASES) keys.set(c.customer, await generateTestKey());
    const created = (daysAgo: number): string => addDays(day, -daysAgo);
    records = CASES.map((c, i) =>
      record({
        customer: c.customer,
        appleId: String(1000000000 + i),
        keyId: `K${i}K${i}K${i}K${i}K${i}`.slice(0, 10),
        fingerprint: keys.get(c.customer)!.fingerprint,
        secret: {
          scheme: 'aws-sm',
          raw: `aws-sm:asc-keys/${c.customer}`,
          secretId: `asc-keys/${c.customer}`,
          name: `asc-keys/${c.customer}`,
        },
        // globex is overdue (the weekly reminder); initech was added after its first reminder day.
        createdOn:
          c.customer === 'globex' ? created(800) : c.customer === 'initech' ? created(350) : created(10),
      }),
    );
    const stacks = synthesize({ records, platform: PLATFORM, outdir, now: NOW });
    // The administrators applied the custody stack first, the deploy workflow the platform: the
    // fixture's, whose state these plan against; the deploy workflow applies the customers.
    for (const s of FIXTURE_STACKS) await init(tf, stackDir(s), s);
    // Onboarding: asc-keys import creates each secret with its value (the model's metadata);
    // the customer stack adopts it through its import block.
    for (const r of records)
      await storeAsImport(
        clients,
        customerDesiredState(r, PLATFORM, NOW).secret!,
        fastlaneValue(keys.get(r.customer)!, { keyId: r.keyId, issuerId: r.issuerId! }),
      );
    await Promise.all(
      stacks
        .filter((s) => !(FIXTURE_STACKS as readonly string[]).includes(s))
        .map((s) => limit(() => initAndApply(tf, stackDir(s), s))),
    );
    await Promise.all(
      stacks.map((s) => limit(async () => void cleanPlans.set(s, (await plan(tf, stackDir(s))).code))),
    );
    before = await drift();
    readBack = await readApplied();
    appliedReminders = await readAppliedReminders();
    for (const c of CASES) await c.mutate();
    await PLATFORM_CHANGE.mutate();
    findings = await drift();
    await Promise.all(
      stacks.map((s) => limit(async () => void afterPlans.set(s, (await plan(tf, stackDir(s))).code))),
    );
  }, 1_200_000);
  afterAll(async () => {
    if (!fixture) return;
    await PLATFORM_CHANGE.undo();
    await fixture.release();
  });

  test('after apply, every stack plans clean (plan -detailed-exitcode is 0) and check drift agrees: nothing', () => {
    expect(before).toEqual([]);
    expect(Object.fromEntries(cleanPlans)).toEqual(
      Object.fromEntries(
        ['custody', 'platform', ...CASES.map((c) => `customer-${c.customer}`)].map((s) => [s, 0]),
      ),
    );
  });

  test('every policy and pattern read back from AWS after the apply is the model, as a document', () => {
    const kinds = new Set(
      readBack.map((r) => r.what.replace(/^\S+ /, '').replace(/-permissions$/, ' inline')),
    );
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        'key policy',
        'resource policy',
        'trust',
        'pattern',
        'state',
        'targets',
        'policy',
      ]),
    );
    for (const r of readBack)
      expect({ [r.what]: canonical(r.what, r.applied) }).toEqual({ [r.what]: canonical(r.what, r.model) });
  });

  test('the overdue customer has the weekly reminder; one added late has its remaining ones', () => {
    // What the model asks for, and the schedules moto holds after Terraform's apply: the same.
    const modelled = (customer: string): { ids: string[]; names: string[] } => {
      const d = customerDesiredState(
        records.find((r) => r.customer === customer)!,
        PLATFORM,
        NOW,
      );
      return { ids: d.reminders.map((r) => r.id), names: d.reminders.map((r) => r.name).sort() };
    };
    expect(modelled('globex').ids).toEqual(['reminder_weekly']);
    expect(modelled('initech').ids).toEqual(['reminder_7d', 'reminder_0d']);
    for (const r of records) expect(appliedReminders.get(r.customer)).toEqual(modelled(r.customer).names);
    expect(appliedReminders.get('(no record)')).toEqual([]);
  });

  describe.each(CASES)('$change ($customer)', (c) => {
    test(`check drift: [${c.drift.join(', ')}]; terraform plan: exit ${c.plan}${c.disagreement ? ` (they cannot agree: ${c.disagreement})` : ''}`, () => {
      const own = findings.filter((f) => f.customer === c.customer).map((f) => `${f.kind} ${f.field}`);
      expect(own).toEqual(c.drift);
      expect(afterPlans.get(`customer-${c.customer}`)).toBe(c.plan);
      if (!c.disagreement) expect(own.length > 0).toBe(c.plan === 2);
    });
  });

  test(`custody: ${PLATFORM_CHANGE.change}: drift reports the policy, terraform plans a change in the custody stack only`, () => {
    expect(
      findings.filter((f) => f.customer === null).map((f) => `${f.resource} ${f.kind} ${f.field}`),
    ).toEqual(['aws_iam_role_policy.validator_policy changed policy']);
    expect(afterPlans.get('custody')).toBe(2);
    expect(afterPlans.get('platform')).toBe(0);
  });
});
