import { awsRegion, checkAwsEnvironment } from '../../aws/environment.js';
import { asConfigurationError, describeUnavailable, isAccessDenied } from '../../aws/errors.js';
import { UsageError } from '../../errors.js';
import { printable } from '../../printable.js';
import type { CustomerRecord } from '../../records/customer-record.js';
import type { Finding } from '../../records/finding.js';
import type { PlatformConfig } from '../../records/platform-schema.js';

/**
 * `--aws` of synth and affected: before Terraform ever plans a customer stack, each one's
 * secret must exist, be outside its recovery window, and hold the version its record names
 * (lib/checks/secret-readiness.ts). One DescribeSecret a customer, which the planner,
 * deployer and validator roles may all call; no value is read. Without `--aws` both commands
 * stay offline.
 */
export async function secretsNotReady(
  records: readonly CustomerRecord[],
  platform: PlatformConfig,
  env: NodeJS.ProcessEnv = process.env,
  now: Date = new Date(),
): Promise<Finding[]> {
  if (!records.some((r) => r.secret.scheme === 'aws-sm')) return [];
  for (const w of checkAwsEnvironment(platform.region, env))
    process.stderr.write(`asc-keys: warning: ${printable(w)}\n`);
  // The AWS SDK loads only for --aws.
  const [{ secretsManagerClient }, { secretFindings }] = await Promise.all([
    import('../../aws/clients.js'),
    import('../../checks/secret-readiness.js'),
  ]);
  return secretFindings(secretsManagerClient(awsRegion(platform.region, env)), records, {
    now,
    recoveryWindowDays: platform.secretRecoveryWindowDays,
    onError: (err, record) =>
      asConfigurationError(err, env) ??
      new UsageError(
        'AWS_UNAVAILABLE',
        `--aws: DescribeSecret of ${record.secret.raw} (${record.customer}) failed: ${describeUnavailable(err)}`,
        {
          next: isAccessDenied(err)
            ? 'run it with a role that may describe the key secrets (the planner, deployer or validator role), or without --aws'
            : 'AWS did not answer; run again later',
          cause: err,
        },
      ),
  });
}
