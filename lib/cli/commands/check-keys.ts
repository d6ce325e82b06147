import { DEFAULT_RETRY } from '../../apple/retry-policy.js';
import { systemClock } from '../../apple/clock.js';
import { DEFAULT_ASC_BASE_URL } from '../../apple/probe-app.js';
import { checkKeys } from '../../checks/check-keys.js';
import { inSelection, parseShard, selectCustomers } from '../../checks/select-customers.js';
import { listManagedSecrets, type LiveSecret } from '../../checks/live-aws-state.js';
import { AwsReadError } from '../../aws/read.js';
import { awaitingDeploy, findPendingImports, type PendingImport } from '../../checks/pending-imports.js';
import { loadProject } from '../../records/load-project.js';
import { AwsSecretsManagerStore } from '../../secrets/aws-secrets-manager-store.js';
import { secretsManagerClient } from '../../aws/clients.js';
import { FileStore } from '../../secrets/file-store.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import { emitReport } from '../../reports/emit-report.js';
import { keysReport } from '../../reports/keys-report.js';
import { progressLine, waitingLine } from '../../reports/progress.js';
import { describeAppleRetry, type AppleRetry } from '../../apple/check-with-apple.js';
import { printable } from '../../printable.js';
import { awsRegion, checkAwsEnvironment } from '../../aws/environment.js';
import { UsageError } from '../../errors.js';
import type { CommonOptions } from '../common-options.js';
import { keyRequests } from '../key-requests.js';
import { requirePlatform } from '../../records/require-platform.js';

export interface CheckKeysCliOptions extends CommonOptions {
  readonly customer?: string[];
  readonly shard?: string;
  readonly concurrency: number;
  readonly ascBaseUrl?: string;
  /** Seconds a key's retries may take. */
  readonly retryBudget: number;
}

export async function checkKeysCommand(
  options: CheckKeysCliOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const ascBaseUrl = ascBase(options, env);
  const project = loadProject({ customersDir: options.customers });
  // A broken platform configuration is a configuration error.
  const platform = requirePlatform(project);
  const selection = selectCustomers(project.records, project.invalid, {
    ...(options.customer && { customers: options.customer }),
    ...(options.shard && { shard: parseShard(options.shard) }),
  });
  if (selection.records.some((r) => r.secret.scheme === 'aws-sm'))
    for (const w of checkAwsEnvironment(platform.region, env))
      process.stderr.write(`asc-keys: warning: ${printable(w)}\n`);
  const secretsManager = secretsManagerClient(awsRegion(platform.region, env));
  const stores = new Map<string, SecretStore>([
    ['file', new FileStore()],
    ['aws-sm', new AwsSecretsManagerStore({ client: secretsManager })],
  ]);
  const onProgress = progressLine('checking keys');
  const waiting = waitingLine();
  const results = await checkKeys(selection, {
    stores,
    ascBaseUrl,
    concurrency: options.concurrency,
    clock: systemClock,
    retry: { ...DEFAULT_RETRY, budgetMs: options.retryBudget * 1000 },
    ...(onProgress && { onProgress }),
    ...(waiting && {
      onAppleRetry: (customer: string, r: AppleRetry) =>
        waiting(`asc-keys: ${customer}: ${printable(describeAppleRetry(r))}`),
    }),
  });
  // Keys import staged: those no record names are listed (awaiting merge), and a record whose
  // own key is staged but not current says the deploy is what is missing.
  const shard = options.shard ? parseShard(options.shard) : undefined;
  const selected = inSelection({
    ...(options.customer && { customers: options.customer }),
    ...(shard && { shard }),
  });
  let pending: PendingImport[] = [];
  let checked = results;
  let live: LiveSecret[] | undefined;
  // With no record yet (a fleet's first onboarding awaiting its merge) AWS is asked too, but
  // only as far as it can be: without credentials there is nothing else to check.
  const noRecords = project.records.length === 0 && project.invalid.size === 0;
  if (noRecords || selection.records.some((r) => r.secret.scheme === 'aws-sm')) {
    try {
      live = await listManagedSecrets(secretsManager, `${platform.namePrefix}/`);
    } catch (err) {
      // No AWS configured and no record that needs it: nothing to list, nothing to warn about.
      if (noRecords && err instanceof UsageError && !(err instanceof AwsReadError)) live = undefined;
      else if (!(err instanceof AwsReadError)) throw err;
      // The keys' verdicts stand (an outage already made them inconclusive); only the list of
      // pending imports is missing, and check drift gives it too.
      else
        process.stderr.write(
          `asc-keys: warning: pending imports could not be listed: ${printable(err.message)}\n`,
        );
    }
  }
  if (live) {
    pending = await findPendingImports({
      client: secretsManager,
      live,
      records: project.records,
      namePrefix: platform.namePrefix,
      inScope: (customer) =>
        customer === null ? !options.customer?.length && (!shard || shard.index === 1) : selected(customer),
      now: new Date(systemClock.now()),
      graceDays: platform.pendingImportGraceDays,
    });
    const byCustomer = new Map(selection.records.map((r) => [r.customer, r]));
    checked = results.map((r) => {
      const record = byCustomer.get(r.customer);
      const waiting = r.status === 'invalid' && record ? awaitingDeploy(record, live) : undefined;
      return waiting ? { ...r, message: waiting } : r;
    });
  }
  const requests = await keyRequests(platform, selection.records, env);
  const report = keysReport(checked, pending, platform.pendingImportGraceDays, requests);
  await emitReport(report, options);
  return report.exitCode;
}

/** --asc-base-url, else ASC_API_BASE_URL, else Apple's; a value that is not an http(s) URL names its source. */
function ascBase(options: CheckKeysCliOptions, env: NodeJS.ProcessEnv): string {
  const [source, value] =
    options.ascBaseUrl !== undefined
      ? ['--asc-base-url', options.ascBaseUrl]
      : env.ASC_API_BASE_URL
        ? ['ASC_API_BASE_URL', env.ASC_API_BASE_URL]
        : ['', DEFAULT_ASC_BASE_URL];
  let url: URL;
  try {
    url = new URL(value);
  } catch (err) {
    throw new UsageError('ASC_BASE_URL_INVALID', `${source} ${value} is not a URL (Invalid URL)`, {
      next: `give the App Store Connect API base URL, e.g. ${DEFAULT_ASC_BASE_URL}`,
      cause: err,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError('ASC_BASE_URL_INVALID', `${source} ${value} is not an http(s) URL`, {
      next: `e.g. ${DEFAULT_ASC_BASE_URL}`,
    });
  return value;
}
