import type { Construct } from 'constructs';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy/index.js';
import type { DesiredSecret } from '../model/desired-resources.js';
import { policyJson } from './policy-json.js';

/**
 * A secret of the model and its resource policy, never its value: `asc-keys import` (a key
 * secret) and `asc-keys sealing-key create` (the sealing key) put that, outside Terraform, so
 * the state never sees it. The one translation of a DesiredSecret, for every stack.
 */
export function secretWithPolicy(scope: Construct, d: DesiredSecret): SecretsmanagerSecret {
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
