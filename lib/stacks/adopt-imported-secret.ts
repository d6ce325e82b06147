import type { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { DataAwsSecretsmanagerSecret } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret/index.js';
import type { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';

/**
 * `asc-keys import` creates the key secret (with its value) before the record's pull request is
 * merged, so the customer stack adopts it: a Terraform import block whose ID is the secret's
 * ARN, looked up by its deterministic name (the ARN ends in a random suffix). The first apply
 * imports it instead of failing on a name that exists; once the secret is in the state, the
 * block matches it and does nothing. Terraform never sees the value: the resource has none.
 *
 * The block is the stack's own top-level `import` (what `importFrom` writes), not
 * `secret.importFrom()`: that also adds a validation which runs `terraform version` in a child
 * process when the stack is synthesized, once per customer stack. It made synth an order of
 * magnitude slower than the stacks themselves, and failed it outright where no terraform binary
 * is installed, though synthesizing never needs one. The stacks pin Terraform >= 1.5 instead.
 */
export function adoptImportedSecret(scope: Construct, secret: SecretsmanagerSecret, name: string): void {
  const existing = new DataAwsSecretsmanagerSecret(scope, 'key_created_by_import', { name });
  TerraformStack.of(scope).addOverride('import', [
    { id: existing.arn, to: `${secret.terraformResourceType}.${secret.friendlyUniqueId}` },
  ]);
}
