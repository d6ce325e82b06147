import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { MotoServer } from './moto.js';

export interface CallCounts {
  /** Calls by operation, as the code made them. */
  readonly calls: Map<string, number>;
  /** HTTP attempts by operation, retries included. */
  readonly attempts: Map<string, number>;
}

export interface Faulty {
  /** Share of HTTP attempts (0 to 1) that fail with this error before reaching moto. */
  rate: number;
  error: 'ThrottlingException' | 'InternalServiceError';
}

const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);

/**
 * A real SecretsManagerClient pointed at moto that counts calls and attempts and, where moto
 * cannot produce the fault (throttling, 5xx), injects it at the SDK level, inside the retry loop.
 */
export function secretsManagerClient(
  moto: MotoServer,
  faults?: Faulty,
  maxAttempts = 6,
): SecretsManagerClient & CallCounts {
  const client = new SecretsManagerClient({
    endpoint: moto.url,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts,
  });
  const calls = new Map<string, number>();
  const attempts = new Map<string, number>();
  let seed = 7;
  const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      bump(calls, context.commandName!);
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      bump(attempts, context.commandName!);
      if (faults && random() < faults.rate) {
        const throttling = faults.error === 'ThrottlingException';
        throw Object.assign(new Error(throttling ? 'Rate exceeded' : 'We encountered an internal error'), {
          name: faults.error,
          $fault: throttling ? 'client' : 'server',
          $metadata: { httpStatusCode: throttling ? 400 : 500, attempts: 1 },
          ...(throttling && { $retryable: { throttling: true } }),
        });
      }
      return next(args);
    },
    { step: 'deserialize', name: 'injectFaults' },
  );
  return Object.assign(client, { calls, attempts });
}

/**
 * A SecretsManagerClient that sends nothing: each call records its command and fails with
 * `error`, as the SDK raises it after its retries. For paths that must not reach AWS, and for
 * the failures moto cannot produce (a refusal of IAM, an outage) where no call must succeed.
 */
export function failingSecretsManager(
  error: Error = new Error('AWS was asked'),
): SecretsManagerClient & { readonly commands: string[] } {
  const client = new SecretsManagerClient({
    region: 'eu-central-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const commands: string[] = [];
  client.middlewareStack.add(
    (_next, context) => () => {
      commands.push(context.commandName!);
      return Promise.reject(error);
    },
    { step: 'initialize', name: 'failEveryCall' },
  );
  return Object.assign(client, { commands });
}
