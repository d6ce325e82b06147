import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { checkWithApple } from '../apple/check-with-apple.js';
import type { Clock } from '../apple/clock.js';
import type { RetryPolicy } from '../apple/retry-policy.js';
import type { CustomerRecord } from '../records/customer-record.js';
import { isKeyProblem, parseKeyValue } from '../secrets/parse-key-value.js';

/**
 * What became of the key a rotation replaced:
 * - `not-deployed`: the secret's previous version is not that key yet (the rotation is merged
 *   but not deployed), so nothing can be said;
 * - `revoked`: Apple rejects a token it signed (401, twice): the customer revoked it;
 * - `accepted`: Apple still accepts it;
 * - `unknown`: Apple or AWS could not be asked, or the secret is not in Secrets Manager.
 */
export type PreviousKeyState = 'not-deployed' | 'revoked' | 'accepted' | 'unknown';

export type PreviousKeyProbe = (record: CustomerRecord, oldKeyId: string) => Promise<PreviousKeyState>;

export interface PreviousKeyProbeOptions {
  readonly secretsManager: SecretsManagerClient;
  readonly ascBaseUrl: string;
  readonly clock: Clock;
  readonly retry?: RetryPolicy;
}

/** Signs a token with the secret's AWSPREVIOUS version and asks Apple, as `check keys` does. */
export function previousKeyProbe(options: PreviousKeyProbeOptions): PreviousKeyProbe {
  return async (record, oldKeyId) => {
    if (record.secret.scheme !== 'aws-sm') return 'unknown';
    let value: string | undefined;
    try {
      const answer = await options.secretsManager.send(
        new GetSecretValueCommand({ SecretId: record.secret.secretId, VersionStage: 'AWSPREVIOUS' }),
      );
      value = answer.SecretString;
    } catch (err) {
      // No version has that label yet: nothing was ever promoted over the old key.
      if ((err as { name?: string }).name === 'ResourceNotFoundException') return 'not-deployed';
      return 'unknown';
    }
    if (value === undefined) return 'unknown';
    const key = await parseKeyValue(value);
    value = undefined;
    if (isKeyProblem(key) || key.keyId !== oldKeyId) return 'not-deployed';
    // The old key's own Issuer ID, as stored with it: the record names the new key's, and a
    // token with another team's Issuer ID is a 401 too, which would "prove" a live key revoked.
    const issuerId = key.issuerId === undefined ? record.issuerId : (key.issuerId ?? undefined);
    const verdict = await checkWithApple(
      key.signingKey,
      { keyId: oldKeyId, ...(issuerId && { issuerId }) },
      record.appleId,
      { baseUrl: options.ascBaseUrl, clock: options.clock, ...(options.retry && { retry: options.retry }) },
    );
    switch (verdict.code) {
      case 'KEY_REJECTED':
        return 'revoked';
      case 'APPLE_UNAVAILABLE':
      case 'APPLE_UNEXPECTED':
        return 'unknown';
      default:
        // Apple took the token (it may still refuse the app for other reasons): the key works.
        return 'accepted';
    }
  };
}
