import type { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import type { DesiredEventRule } from '../model/desired-resources.js';
import type { PlatformConfig } from '../records/platform-schema.js';

/** One provider alias per region other than the platform's that holds a rule (IAM's us-east-1). */
export function regionalProviders(
  scope: Construct,
  platform: PlatformConfig,
  rules: readonly DesiredEventRule[],
): Map<string, AwsProvider> {
  const providers = new Map<string, AwsProvider>();
  for (const region of new Set(rules.flatMap((r) => (r.region ? [r.region] : [])))) {
    const alias = region.replaceAll('-', '_');
    providers.set(
      region,
      new AwsProvider(scope, `aws_${alias}`, { alias, region, allowedAccountIds: [platform.accountId] }),
    );
  }
  return providers;
}

/**
 * An alert rule on a default event bus and its target: the alerts topic, which receives the
 * whole event, or the home region's bus for a rule in another region. `state` (not
 * `is_enabled`): only ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS lets read-only management
 * events such as GetSecretValue through.
 */
export function alertRule(
  scope: Construct,
  r: DesiredEventRule,
  topics: ReadonlyMap<string, SnsTopic>,
  providers: ReadonlyMap<string, AwsProvider>,
): CloudwatchEventRule {
  const provider = r.region ? { provider: providers.get(r.region)! } : {};
  const rule = new CloudwatchEventRule(scope, r.id, {
    name: r.name,
    description: r.description,
    state: r.state,
    eventPattern: JSON.stringify(r.eventPattern),
    tags: { ...r.tags },
    ...provider,
  });
  new CloudwatchEventTarget(scope, r.target.id, {
    rule: rule.name,
    targetId: r.target.targetId,
    arn: r.target.topicId ? topics.get(r.target.topicId)!.arn : r.target.arn,
    ...(r.target.roleArn && { roleArn: r.target.roleArn }),
    ...provider,
  });
  return rule;
}
