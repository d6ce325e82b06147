import { addDays, today } from '../records/days.js';
import { recordVersionId } from '../model/key-version.js';
import { requirePlatform } from '../records/require-platform.js';
import { loadProject } from '../records/load-project.js';
import type { Report } from '../reports/report.js';
import { awsFailure } from './aws-failure.js';
import type { SecretWriter } from './secret-writer.js';

export interface DiscardDeps {
  /** As given by --customers. */
  readonly customersDir: string;
  /** @default "cdktf.json" */
  readonly configFile?: string;
  readonly secrets: SecretWriter;
  readonly now: Date;
}

export type DiscardCode =
  | 'OK'
  | 'NOTHING_PENDING'
  | 'PENDING_NAMED_BY_RECORD'
  | 'SECRET_ACCESS_DENIED'
  | 'AWS_UNAVAILABLE'
  | 'AWS_ERROR';

export interface DiscardResult {
  readonly customer: string;
  readonly secret: string;
  readonly action: 'discarded' | 'unchanged' | 'refused';
  /** The pending version that was (or would have been) discarded. */
  readonly version: string | null;
  /** The secret itself was deleted (with a recovery window), not just its pending version. */
  readonly secretDeleted: boolean;
  readonly code: DiscardCode;
  readonly message: string;
}

/**
 * `import --discard --customer <slug>`: an import whose pull request will never be merged. The
 * pending version loses its label; the secret goes too (into its recovery window) only when no
 * record names it and no other version of it was ever current. A pending version that the
 * customer's record names is refused: that record is merged (the deploy makes it current) or
 * this is the import's own branch.
 */
export async function discardImport(customer: string, deps: DiscardDeps): Promise<DiscardResult> {
  const project = loadProject({
    customersDir: deps.customersDir,
    ...(deps.configFile && { configFile: deps.configFile }),
  });
  const platform = requirePlatform(project);
  const record = project.records.find((r) => r.customer === customer);
  const name = record?.secret.scheme === 'aws-sm' ? record.secret.name : `${platform.namePrefix}/${customer}`;
  const result = (
    action: DiscardResult['action'],
    code: DiscardCode,
    message: string,
    version: string | null = null,
    secretDeleted = false,
  ): DiscardResult => ({ customer, secret: `aws-sm:${name}`, action, version, secretDeleted, code, message });
  const failed = (err: unknown, what: string): DiscardResult => {
    const f = awsFailure(err, what);
    const code = f.code === 'SECRET_ACCESS_DENIED' || f.code === 'AWS_UNAVAILABLE' ? f.code : 'AWS_ERROR';
    return result('refused', code, `${f.message}; nothing was changed`);
  };

  let before;
  try {
    before = await deps.secrets.describe(name);
  } catch (err) {
    return failed(err, `describe ${name}`);
  }
  if (!before.exists || before.deletedOn || before.pending === undefined)
    return result(
      'unchanged',
      'NOTHING_PENDING',
      `${name} has no pending version${!before.exists ? ' (there is no such secret)' : before.deletedOn ? ' (the secret is scheduled for deletion)' : ''}: there is no import to discard`,
    );
  const pending = before.pending;
  if (record && recordVersionId(record) === pending)
    return result(
      'refused',
      'PENDING_NAMED_BY_RECORD',
      `${record.file} names the pending version ${pending}: its import is merged (the deploy makes it current), or this is the import's own branch. Discard from the default branch, after closing the pull request; nothing was changed`,
      pending,
    );
  let outcome;
  try {
    outcome = await deps.secrets.discard(name, before, {
      mayDelete: record === undefined,
      recoveryWindowDays: platform.secretRecoveryWindowDays,
    });
  } catch (err) {
    return failed(err, `discard the pending version of ${name}`);
  }
  if (outcome.kind === 'nothing-pending')
    return result(
      'unchanged',
      'NOTHING_PENDING',
      `${name} has no pending version: there is no import to discard`,
    );
  if (outcome.kind === 'unstaged')
    return result(
      'discarded',
      'OK',
      `the pending version ${outcome.version} of ${name} is discarded; ${record ? `the current key of ${record.file} is untouched` : 'the secret keeps its other versions'}. Importing the same key again stages it again`,
      outcome.version,
    );
  const until = addDays(today(deps.now), outcome.recoveryWindowDays);
  return result(
    'discarded',
    'OK',
    `the pending version ${outcome.version} was the only key ever stored in ${name} and no record names the secret, so the secret is scheduled for deletion; it can be restored until ${until} with "aws secretsmanager restore-secret --secret-id ${name}", and importing for ${customer} again before then needs that restore first`,
    outcome.version,
    true,
  );
}

/** The text for a person, one JSON document, and one JUnit case. */
export function discardReport(r: DiscardResult): Report & { readonly discardExitCode: number } {
  // 1 refused for what the records say, 2 AWS refused (a role, a configuration), 3 AWS could not be asked.
  const discardExitCode =
    r.action !== 'refused'
      ? 0
      : r.code === 'AWS_UNAVAILABLE'
        ? 3
        : r.code === 'PENDING_NAMED_BY_RECORD'
          ? 1
          : 2;
  const exitCode = discardExitCode === 0 ? 0 : discardExitCode === 3 ? 3 : 1;
  const head =
    r.action === 'discarded'
      ? `Discarded the pending import of ${r.customer}`
      : r.action === 'unchanged'
        ? `Nothing to discard for ${r.customer}`
        : `${r.customer}: discard refused, ${r.code}`;
  return {
    command: 'import',
    text: `${head}: ${r.message}.`,
    json: {
      customer: r.customer,
      secret: r.secret,
      action: r.action,
      version: r.version,
      secretDeleted: r.secretDeleted,
      code: r.code,
      message: r.message,
    },
    markdown: `| customer | action | code |\n| --- | --- | --- |\n| ${r.customer} | ${r.action} | ${r.code} |\n\n${r.message}\n`,
    cases: [
      {
        name: r.customer,
        outcome: exitCode === 0 ? 'passed' : exitCode === 3 ? 'inconclusive' : 'failed',
        code: r.code,
        message: r.message,
      },
    ],
    annotations: [],
    exitCode,
    discardExitCode,
  };
}
