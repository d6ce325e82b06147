import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pLimit from 'p-limit';
import { CURRENT, KEY_ORDER, PENDING, recordVersionId, versionWith } from '../model/key-version.js';
import type { CustomerRecord } from '../records/customer-record.js';
import type { Finding } from '../records/finding.js';
import { restorableUntil } from './check-drift.js';

/**
 * Whether a customer's stack can be applied, known before Terraform runs. The stack reads the
 * secret by name to adopt it (lib/stacks/adopt-imported-secret.ts), so `terraform plan` fails
 * with "couldn't find resource" on a secret that `import` never created, or that is in its
 * recovery window; and the deploy then makes the version the record names current, so that
 * version must be there. DescribeSecret only: no value is read.
 */
export type SecretReadiness =
  | {
      readonly ok: true;
      readonly name: string;
      /** The version the record names (key-version.ts). */
      readonly version: string;
      /** The version that is AWSCURRENT now, if any. */
      readonly current?: string;
      /** Whether the record's version is still AWSPENDING (merged, not yet deployed). */
      readonly pending: boolean;
    }
  | SecretProblem;

/** Why a record's key is not ready: what is wrong, and the next step apart, as errors carry them. */
export interface SecretProblem {
  readonly ok: false;
  readonly code: SecretProblemCode;
  readonly what: string;
  readonly next: string;
  /** "what; next", as an error joins them: synth, affected and the deploy print the same line. */
  readonly message: string;
}

function problem(code: SecretProblemCode, what: string, next: string): SecretProblem {
  return { ok: false, code, what, next, message: `${what}; ${next}` };
}

/** Stable codes: synth and affected report them as findings. */
export type SecretProblemCode =
  'SECRET_NOT_IN_AWS' | 'SECRET_MISSING' | 'SECRET_DELETED' | 'KEY_VERSION_MISSING';

export interface ReadinessOptions {
  /** For the last day a deleted secret can be restored. */
  readonly now: Date;
  /** The platform's secretRecoveryWindowDays: AWS reports the deletion's start, moto its end. */
  readonly recoveryWindowDays: number;
}

/** The import that stores the key a record names: every argument but the file is the record's. */
export function importCommandFor(record: CustomerRecord): string {
  const who = record.issuerId ? `--issuer-id ${record.issuerId}` : '--individual';
  return `asc-keys import --customer ${record.customer} --app-id ${record.appleId} --key-id ${record.keyId} ${who} --p8 AuthKey_${record.keyId}.p8`;
}

/** DescribeSecret of the record's secret; errors other than "not found" are the caller's. */
export async function secretReadiness(
  client: SecretsManagerClient,
  record: CustomerRecord,
  options: ReadinessOptions,
): Promise<SecretReadiness> {
  const version = recordVersionId(record);
  if (version === undefined || record.secret.scheme !== 'aws-sm')
    return problem(
      'SECRET_NOT_IN_AWS',
      `${record.secret.raw} is not in Secrets Manager; a deployed record names an aws-sm: secret`,
      `import stores the key there: "${importCommandFor(record)}"`,
    );
  const name = record.secret.name;
  const importIt = `run "${importCommandFor(record)}" with the key that ${record.file} names, then merge and deploy (${KEY_ORDER})`;
  let stages: Record<string, string[]>;
  try {
    const d = await client.send(new DescribeSecretCommand({ SecretId: record.secret.secretId }));
    if (d.DeletedDate)
      return problem(
        'SECRET_DELETED',
        `the secret ${name} of ${record.customer} is scheduled for deletion, and the stack customer-${record.customer} cannot adopt it until it is restored`,
        `restore it with "aws secretsmanager restore-secret --secret-id ${name}" by ${restorableUntil(d.DeletedDate, options.now, options.recoveryWindowDays)}, when its recovery window ends, then deploy again; once that day has passed it is gone for good: ${importIt}`,
      );
    stages = d.VersionIdsToStages ?? {};
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException')
      return problem(
        'SECRET_MISSING',
        `the secret ${name} of ${record.customer} does not exist, so the stack customer-${record.customer} has no secret to adopt and Terraform would fail with "couldn't find resource"`,
        importIt,
      );
    throw err;
  }
  if (!stages[version])
    return problem(
      'KEY_VERSION_MISSING',
      `${record.file} names key ${record.keyId} (fingerprint ${record.fingerprint}), but ${name} has no version ${version} of it, so the deploy cannot make it current`,
      importIt,
    );
  const current = versionWith(stages, CURRENT);
  return {
    ok: true,
    name,
    version,
    ...(current && { current }),
    pending: stages[version]!.includes(PENDING),
  };
}

/**
 * For `synth --aws` and `affected --aws`: a finding on the record's `apiKey.secret` for each
 * customer whose stack would fail before or at its deploy. Records whose key is in a file have
 * no secret to check. Errors of AWS other than "not found" are `onError`'s to translate.
 */
export async function secretFindings(
  client: SecretsManagerClient,
  records: readonly CustomerRecord[],
  options: ReadinessOptions & {
    /** @default 8 */
    readonly concurrency?: number;
    readonly onError: (err: unknown, record: CustomerRecord) => Error;
  },
): Promise<Finding[]> {
  const limit = pLimit(options.concurrency ?? 8);
  const found = await Promise.all(
    records
      .filter((r) => r.secret.scheme === 'aws-sm')
      .map((record) =>
        limit(async (): Promise<Finding | undefined> => {
          let r: SecretReadiness;
          try {
            r = await secretReadiness(client, record, options);
          } catch (err) {
            throw options.onError(err, record);
          }
          return r.ok
            ? undefined
            : {
                file: record.file,
                ...record.positions.secret,
                severity: 'error',
                code: r.code,
                message: r.message,
              };
        }),
      ),
  );
  return found.filter((f): f is Finding => f !== undefined);
}
