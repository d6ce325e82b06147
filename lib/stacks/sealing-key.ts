import type { Construct } from 'constructs';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy/index.js';
import type { DesiredSecret } from '../model/desired-resources.js';
import { policyJson } from './policy-json.js';

/**
 * The sealing key's secret and its resource policy (lib/model/sealing-key.ts), never its value:
 * `asc-keys sealing-key create` puts that, so Terraform state never sees it.
 */
export function sealingKeySecret(scope: Construct, d: DesiredSecret): SecretsmanagerSecret {
  const secret = new SecretsmanagerSecret(scope, d.id, {
    name: d.name,
    description: d.description,
    kmsKeyId: d.kmsKeyId,
    recoveryWindowInDays: d.recoveryWindowInDays,
    tags: { ...d.tags },
  });
  new SecretsmanagerSecretPolicy(scope, d.policyId, {
    secretArn: secret.arn,
    policy: policyJson(d.policy),
    blockPublicPolicy: d.blockPublicPolicy,
  });
  return secret;
}
