import type { Construct } from 'constructs';
import { DataAwsSecretsmanagerSecret } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret/index.js';
import type { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';

/**
 * `asc-keys import` creates the key secret (with its value) before the record's pull request is
 * merged, so the customer stack adopts it: a Terraform import block whose ID is the secret's
 * ARN, looked up by its deterministic name (the ARN ends in a random suffix). The first apply
 * imports it instead of failing on a name that exists; once the secret is in the state, the
 * block matches it and does nothing. Terraform never sees the value: the resource has none.
 */
export function adoptImportedSecret(scope: Construct, secret: SecretsmanagerSecret, name: string): void {
  const existing = new DataAwsSecretsmanagerSecret(scope, 'key_created_by_import', { name });
  secret.importFrom(existing.arn);
}
