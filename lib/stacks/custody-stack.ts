import type { Construct } from 'constructs';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import type { PlatformDesiredState } from '../model/platform-desired.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import { alertRule, regionalProviders } from './alert-rule.js';
import { AwsStack } from './aws-stack.js';
import { addGithubOidcProvider } from './github-oidc.js';
import { platformKey } from './platform-key.js';
import { platformRole } from './platform-role.js';
import { platformTopic } from './platform-topic.js';
import { secretWithPolicy } from './secret-with-policy.js';

export interface CustodyStackProps {
  readonly platform: PlatformConfig;
  /** The platform's desired state, as `check drift` also sees it. */
  readonly desired: PlatformDesiredState;
}

/**
 * What guards the keys, in the administrators' zone: both KMS keys, every role and its trust,
 * the GitHub OIDC provider, the sealing key's secret, the alerts topic with its subscriptions and
 * the alert rules (one in IAM's event region, through a provider alias). The deploy workflow
 * never applies it, and the deployer's own policy denies it each of these changes.
 */
export class CustodyStack extends AwsStack {
  constructor(scope: Construct, props: CustodyStackProps) {
    const { desired } = props;
    super(scope, desired.custodyStackName, props.platform);

    platformKey(this, desired.kmsKey);
    // The topics name their key by alias ARN (as AWS reports it back): it must exist first.
    const snsKeyAlias = platformKey(this, desired.snsKey);
    const topics = new Map<string, SnsTopic>();
    for (const t of desired.topics.filter((x) => desired.custodyTopicIds.includes(x.id)))
      topics.set(t.id, platformTopic(this, t, desired.subscriptions, t.kmsMasterKeyId ? [snsKeyAlias] : []));

    for (const role of desired.roles) platformRole(this, role);
    const providers = regionalProviders(this, props.platform, desired.alertRules);
    for (const r of desired.alertRules) alertRule(this, r, topics, providers);
    secretWithPolicy(this, desired.sealingKey);
    addGithubOidcProvider(this, desired.githubOidcProvider);
  }
}
