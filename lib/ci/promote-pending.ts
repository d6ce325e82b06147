import {
  DescribeSecretCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CURRENT, KEY_ORDER, PENDING, PREVIOUS, recordVersionId, versionWith } from '../model/key-version.js';
import { secretsManagerClient } from '../aws/clients.js';
import type { CustomerRecord } from '../records/customer-record.js';
import { loadProject } from '../records/load-project.js';

export type Promotion =
  | { readonly outcome: 'promoted'; readonly version: string; readonly previous?: string }
  | { readonly outcome: 'current'; readonly version: string }
  | { readonly outcome: 'failed'; readonly message: string };

/** What a deploy will do for a record's key, known before Terraform runs. */
export type PromotionPlan =
  | {
      readonly ok: true;
      readonly name: string;
      readonly version: string;
      readonly current?: string;
      readonly pending: boolean;
    }
  | { readonly ok: false; readonly message: string };

/**
 * Before a customer's stack is applied: does the secret exist, outside its recovery window, and
 * hold the version the record names? The stack reads the secret (to adopt it), so Terraform
 * would fail on a missing one with "couldn't find resource"; this says what to do instead.
 * DescribeSecret only.
 */
export async function planPromotion(
  client: SecretsManagerClient,
  record: CustomerRecord,
): Promise<PromotionPlan> {
  const version = recordVersionId(record);
  if (version === undefined || record.secret.scheme !== 'aws-sm')
    return {
      ok: false,
      message: `${record.secret.raw} is not in Secrets Manager; a deployed record names an aws-sm: secret`,
    };
  const name = record.secret.secretId;
  const importFirst = `run "asc-keys import --customer ${record.customer} --app-id ${record.appleId} --key-id ${record.keyId} …" with the key that ${record.file} names, then deploy again (${KEY_ORDER})`;
  let stages: Record<string, string[]>;
  try {
    const d = await client.send(new DescribeSecretCommand({ SecretId: name }));
    if (d.DeletedDate)
      return {
        ok: false,
        message: `the secret ${name} is scheduled for deletion: restore it with "aws secretsmanager restore-secret --secret-id ${name}" before its recovery window ends, then deploy again; once the window has passed, import the key anew`,
      };
    stages = d.VersionIdsToStages ?? {};
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException')
      return { ok: false, message: `the secret ${name} does not exist: ${importFirst}` };
    throw err;
  }
  const labels = stages[version];
  if (!labels)
    return {
      ok: false,
      message: `${record.file} names key ${record.keyId} (fingerprint ${record.fingerprint}), but ${name} has no version ${version} of it: ${importFirst}`,
    };
  const current = versionWith(stages, CURRENT);
  return { ok: true, name, version, ...(current && { current }), pending: labels.includes(PENDING) };
}

/**
 * The deploy's last step for a customer, after its stack is applied: the version that the
 * record names becomes AWSCURRENT (Secrets Manager gives AWSPREVIOUS to the one that held it),
 * and loses AWSPENDING. The merge is the moment a key takes effect; this is where it does.
 *
 * It needs DescribeSecret and UpdateSecretVersionStage on the secret, and nothing else: the
 * deployer never reads or writes a value. A record whose version is not in the secret (merged
 * before its import, or edited by hand) fails, and says to import first.
 */
export async function promotePending(
  client: SecretsManagerClient,
  record: CustomerRecord,
  planned?: PromotionPlan,
): Promise<Promotion> {
  const plan = planned ?? (await planPromotion(client, record));
  if (!plan.ok) return { outcome: 'failed', message: plan.message };
  const { name, version, current } = plan;
  if (current !== version)
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: CURRENT,
        MoveToVersionId: version,
        ...(current && { RemoveFromVersionId: current }),
      }),
    );
  if (plan.pending)
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: PENDING,
        RemoveFromVersionId: version,
      }),
    );
  // A new customer's one version is current from the start (Secrets Manager labels a secret's
  // first version so); losing AWSPENDING is what makes it the merged key.
  if (current === version)
    return plan.pending ? { outcome: 'promoted', version } : { outcome: 'current', version };
  // Secrets Manager gives AWSPREVIOUS to the version AWSCURRENT left; named here for the summary.
  return { outcome: 'promoted', version, ...(current && { previous: current }) };
}

/** One line for the deploy's log and summary. */
export function promotionLine(record: CustomerRecord, p: Promotion): string {
  switch (p.outcome) {
    case 'promoted':
      return `key ${record.keyId} of ${record.customer} is now current (version ${p.version})${p.previous ? `; the key before it stays readable as ${PREVIOUS} (version ${p.previous}) until it is revoked` : ''}`;
    case 'current':
      return `key ${record.keyId} of ${record.customer} was already current`;
    default:
      return p.message;
  }
}

/**
 * The deploy's hooks around each customer's stack: before it, the secret must hold the version
 * the record names (else the stack fails, naming the import, and Terraform never runs); after
 * it, that version becomes current. What they throw fails that customer only.
 */
export function promotionHooks(
  customersDir: string,
  client?: SecretsManagerClient,
  log: (text: string) => void = (text) => process.stderr.write(text),
): {
  beforeCustomerApply: (s: { customer: string }) => Promise<void>;
  afterCustomerApply: (s: { customer: string }) => Promise<void>;
} {
  let records: Map<string, CustomerRecord> | undefined;
  let sm = client;
  const secrets = (): SecretsManagerClient => (sm ??= secretsManagerClient());
  const recordOf = (customer: string): CustomerRecord | undefined => {
    records ??= new Map(loadProject({ customersDir }).records.map((r) => [r.customer, r]));
    return records.get(customer);
  };
  return {
    async beforeCustomerApply({ customer }) {
      const record = recordOf(customer);
      if (!record) return; // an invalid record: lint (and synth) already stopped the deploy
      const plan = await planPromotion(secrets(), record);
      if (!plan.ok) throw new Error(plan.message);
    },
    async afterCustomerApply({ customer }) {
      const record = recordOf(customer);
      if (!record) return;
      const promotion = await promotePending(secrets(), record);
      if (promotion.outcome === 'failed') throw new Error(promotion.message);
      log(`${customer}: ${promotionLine(record, promotion)}\n`);
    },
  };
}
