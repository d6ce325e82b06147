import type { PlatformContext } from './platform-context.js';
import type { PolicyStatement } from './policy-document.js';

/** KMS use only on behalf of Secrets Manager in the platform's region. */
export function viaSecretsManager(ctx: PlatformContext): { StringEquals: Record<string, string> } {
  return { StringEquals: { 'kms:ViaService': `secretsmanager.${ctx.platform.region}.amazonaws.com` } };
}

/**
 * Decrypt with the platform key, through Secrets Manager. The key's ID is only known once it
 * exists; its alias is deterministic, so the grant names the alias.
 */
export function decryptThroughSecretsManager(ctx: PlatformContext): PolicyStatement {
  return {
    Sid: 'DecryptThroughSecretsManager',
    Effect: 'Allow',
    Action: 'kms:Decrypt',
    Resource: ctx.names.kmsKeyArnPattern,
    Condition: {
      ...viaSecretsManager(ctx),
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ctx.names.kmsAliasName },
    },
  };
}
