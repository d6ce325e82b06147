import { UpdateSecretVersionStageCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CURRENT, PENDING, PREVIOUS } from '../model/key-version.js';
import { secretsManagerClient } from '../aws/clients.js';
import {
  secretReadiness,
  type ReadinessOptions,
  type SecretProblem,
  type SecretProblemCode,
  type SecretReadiness,
} from '../checks/secret-readiness.js';
import { AscKeysError, type AscKeysErrorOptions, type ErrorCatalogue } from '../errors.js';
import type { CustomerRecord } from '../records/customer-record.js';
import { loadProject } from '../records/load-project.js';

export type Promotion =
  | { readonly outcome: 'promoted'; readonly version: string; readonly previous?: string }
  | { readonly outcome: 'current'; readonly version: string }
  | { readonly outcome: 'failed'; readonly problem: SecretProblem; readonly message: string };

/** The platform's default recovery window, for callers without the platform configuration. */
const DEFAULT_READINESS: ReadinessOptions = { now: new Date(), recoveryWindowDays: 30 };

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
  options: ReadinessOptions = DEFAULT_READINESS,
): Promise<Promotion> {
  const plan: SecretReadiness = await secretReadiness(client, record, options);
  if (!plan.ok) return { outcome: 'failed', problem: plan, message: plan.message };
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

/** Each code's usual next step; the readiness check gives the exact command for the record. */
export const KEY_NOT_READY_ERRORS = {
  SECRET_NOT_IN_AWS: { exitCode: 1, nextStep: 'import the key into Secrets Manager, then merge and deploy' },
  SECRET_MISSING: { exitCode: 1, nextStep: 'import the key the record names, then merge and deploy' },
  SECRET_DELETED: {
    exitCode: 1,
    nextStep: 'restore the secret within its recovery window, then deploy again',
  },
  KEY_VERSION_MISSING: { exitCode: 1, nextStep: 'import the key the record names, then merge and deploy' },
} as const satisfies ErrorCatalogue<SecretProblemCode>;

/** A customer's key is not where its deploy needs it; fails that customer's stack only. */
export class KeyNotReadyError extends AscKeysError<SecretProblemCode> {
  constructor(code: SecretProblemCode, what: string, options?: AscKeysErrorOptions) {
    super(KEY_NOT_READY_ERRORS, code, what, options);
    this.name = 'KeyNotReadyError';
  }
}

function notReady(p: SecretProblem): KeyNotReadyError {
  return new KeyNotReadyError(p.code, p.what, { next: p.next });
}

export interface PromotionHooksOptions {
  /** As given by --customers. */
  readonly customersDir: string;
  /** @default a client from the standard AWS configuration */
  readonly client?: SecretsManagerClient;
  /** @default stderr */
  readonly log?: (text: string) => void;
  /** @default new Date() */
  readonly now?: Date;
}

/**
 * The deploy's hooks around each customer's stack: before it, the secret must exist, outside
 * its recovery window, and hold the version the record names (else the stack fails, naming the
 * import or the restore, and Terraform never runs); after it, that version becomes current.
 * What they throw fails that customer only.
 */
export function promotionHooks(options: PromotionHooksOptions): {
  beforeCustomerApply: (s: { customer: string }) => Promise<void>;
  afterCustomerApply: (s: { customer: string }) => Promise<void>;
} {
  const log = options.log ?? ((text: string) => process.stderr.write(text));
  let loaded: { records: Map<string, CustomerRecord>; readiness: ReadinessOptions } | undefined;
  let sm = options.client;
  const secrets = (): SecretsManagerClient => (sm ??= secretsManagerClient());
  const load = (): NonNullable<typeof loaded> => {
    if (loaded) return loaded;
    const project = loadProject({ customersDir: options.customersDir });
    loaded = {
      records: new Map(project.records.map((r) => [r.customer, r])),
      readiness: {
        now: options.now ?? new Date(),
        recoveryWindowDays:
          project.platform?.secretRecoveryWindowDays ?? DEFAULT_READINESS.recoveryWindowDays,
      },
    };
    return loaded;
  };
  return {
    async beforeCustomerApply({ customer }) {
      const { records, readiness } = load();
      const record = records.get(customer);
      if (!record) return; // an invalid record: lint (and synth) already stopped the deploy
      const plan = await secretReadiness(secrets(), record, readiness);
      if (!plan.ok) throw notReady(plan);
    },
    async afterCustomerApply({ customer }) {
      const { records, readiness } = load();
      const record = records.get(customer);
      if (!record) return;
      const promotion = await promotePending(secrets(), record, readiness);
      if (promotion.outcome === 'failed') throw notReady(promotion.problem);
      log(`${customer}: ${promotionLine(record, promotion)}
`);
    },
  };
}
