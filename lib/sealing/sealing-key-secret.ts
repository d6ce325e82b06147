import { randomUUID } from 'node:crypto';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { UsageError } from '../errors.js';
import { sealingSecretName } from '../model/sealing-key.js';
import { asConfigurationError, describeUnavailable, isAccessDenied } from '../aws/errors.js';
import { parseSealingKeyRing, serializeSealingKeyRing, type SealingKeyRing } from './sealing-keyring.js';

/**
 * The sealing secret in Secrets Manager, read and written whole. Its value lives in memory
 * only; errors describe it by its problems, never by its content.
 */
export class SealingKeySecret {
  readonly name: string;

  constructor(
    private readonly client: SecretsManagerClient,
    namePrefix: string,
  ) {
    this.name = sealingSecretName(namePrefix);
  }

  /** The ring, or undefined when the secret exists but holds no value yet. */
  async read(): Promise<SealingKeyRing | undefined> {
    let value: string | undefined;
    try {
      value = (await this.client.send(new GetSecretValueCommand({ SecretId: this.name }))).SecretString;
    } catch (err) {
      const e = err as { name?: string; message?: string };
      if (e.name === 'ResourceNotFoundException' && /AWSCURRENT|secret value/i.test(e.message ?? ''))
        return undefined;
      throw this.failure(err, 'read');
    }
    if (value === undefined) return undefined;
    const ring = parseSealingKeyRing(value);
    if ('problem' in ring)
      throw new UsageError(
        'SEALING_KEY_UNAVAILABLE',
        `the sealing secret ${this.name} holds something else than sealing keys (${ring.problem})`,
        { next: 'restore its previous version (AWSPREVIOUS) or ask an administrator' },
      );
    return ring;
  }

  async write(ring: SealingKeyRing): Promise<void> {
    try {
      await this.client.send(
        new PutSecretValueCommand({
          SecretId: this.name,
          SecretString: serializeSealingKeyRing(ring),
          ClientRequestToken: randomUUID(),
        }),
      );
    } catch (err) {
      throw this.failure(err, 'write');
    }
  }

  private failure(err: unknown, what: 'read' | 'write'): UsageError {
    const config = asConfigurationError(err);
    if (config) return config;
    const e = err as { name?: string };
    if (e.name === 'ResourceNotFoundException')
      return new UsageError('SEALING_KEY_UNAVAILABLE', `the sealing secret ${this.name} does not exist`, {
        next: 'apply the platform stack first (it creates the secret and its policy), then run "asc-keys sealing-key create"',
        cause: err,
      });
    if (isAccessDenied(err))
      return new UsageError(
        'SEALING_KEY_UNAVAILABLE',
        what === 'read'
          ? `AWS refused to read the sealing secret ${this.name}`
          : `AWS refused to change the sealing secret ${this.name}`,
        {
          next:
            what === 'read'
              ? 'only the importer role and the administrators may'
              : 'only the administrators may',
          cause: err,
        },
      );
    return new UsageError(
      'AWS_UNAVAILABLE',
      `AWS Secrets Manager could not be asked (${describeUnavailable(err)})`,
      { next: 'try again', cause: err },
    );
  }
}
