import { DEFAULT_RETRY } from '../../apple/retry-policy.js';
import { systemClock } from '../../apple/clock.js';
import { DEFAULT_ASC_BASE_URL } from '../../apple/probe-app.js';
import { checkKeys } from '../../checks/check-keys.js';
import { parseShard, selectCustomers } from '../../checks/select-customers.js';
import { loadProject } from '../../records/load-project.js';
import { AwsSecretsManagerStore } from '../../secrets/aws-secrets-manager-store.js';
import { FileStore } from '../../secrets/file-store.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import { emitReport } from '../../reports/emit-report.js';
import { keysReport } from '../../reports/keys-report.js';
import { progressLine } from '../../reports/progress.js';
import type { CommonOptions } from '../common-options.js';
import { requirePlatform } from '../require-platform.js';

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
  const project = loadProject({ customersDir: options.customers });
  // Checking keys needs no platform value, but a broken configuration is a configuration error.
  requirePlatform(project);
  const selection = selectCustomers(project.records, project.invalid, {
    ...(options.customer && { customers: options.customer }),
    ...(options.shard && { shard: parseShard(options.shard) }),
  });
  const stores = new Map<string, SecretStore>([
    ['file', new FileStore()],
    ['aws-sm', new AwsSecretsManagerStore()],
  ]);
  const onProgress = progressLine('checking keys');
  const results = await checkKeys(selection, {
    stores,
    ascBaseUrl: options.ascBaseUrl ?? (env.ASC_API_BASE_URL || DEFAULT_ASC_BASE_URL),
    concurrency: options.concurrency,
    clock: systemClock,
    retry: { ...DEFAULT_RETRY, budgetMs: options.retryBudget * 1000 },
    ...(onProgress && { onProgress }),
  });
  const report = keysReport(results);
  await emitReport(report, options);
  return report.exitCode;
}
