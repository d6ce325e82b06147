import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { describeUnavailable, isTransient } from './errors.js';
import { awsWaitingLine } from './waits.js';

/**
 * One client configuration for every service: the SDK's standard retries, with more patience
 * for throttling than its default of three attempts.
 */
export const AWS_CLIENT_CONFIG = { maxAttempts: 6 } as const;

/** Every AWS service asc-keys talks to; region, endpoint and credentials come from the environment. */
export interface AwsClients {
  readonly secretsManager: SecretsManagerClient;
  readonly scheduler: SchedulerClient;
  readonly kms: KMSClient;
  readonly iam: IAMClient;
  readonly sns: SNSClient;
  readonly events: EventBridgeClient;
}

interface MiddlewareClient {
  readonly middlewareStack: {
    addRelativeTo(
      middleware: (
        next: (args: { request?: unknown }) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: { request?: unknown }) => Promise<unknown>,
      options: { relation: 'after'; toMiddleware: string; name: string; override: boolean },
    ): void;
  };
}

/**
 * Each attempt that fails with an outage, before the SDK's retry waits: what it waits for and
 * which attempt it is, from the attempt header the retry middleware sets.
 */
function withWaitingLine<C>(client: C): C {
  const write = awsWaitingLine();
  if (!write) return client;
  (client as unknown as MiddlewareClient).middlewareStack.addRelativeTo(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        const header = (args.request as { headers?: Record<string, string> } | undefined)?.headers?.[
          'amz-sdk-request'
        ];
        const [, attempt, max] = /attempt=(\d+); max=(\d+)/.exec(header ?? '') ?? [];
        if (attempt && Number(attempt) < Number(max) && isTransient(err))
          write(
            `waiting for AWS ${(context.clientName ?? '').replace(/Client$/, '')} ${(context.commandName ?? '').replace(/Command$/, '')}: attempt ${attempt} of up to ${max} got ${describeUnavailable(err)}; asking again`,
          );
        throw err;
      }
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'ascKeysWaitingLine', override: true },
  );
  return client;
}

/**
 * The Secrets Manager client alone, for the commands that need no other service.
 * @param region the platform's region (awsRegion); @default the SDK's own (AWS_REGION, the profile)
 */
export function secretsManagerClient(region?: string): SecretsManagerClient {
  return withWaitingLine(new SecretsManagerClient({ ...AWS_CLIENT_CONFIG, ...(region && { region }) }));
}

/** The whole client set, each with the one configuration. @param region as for secretsManagerClient */
export function awsClients(region?: string): AwsClients {
  const config = { ...AWS_CLIENT_CONFIG, ...(region && { region }) };
  return {
    secretsManager: secretsManagerClient(region),
    scheduler: withWaitingLine(new SchedulerClient(config)),
    kms: withWaitingLine(new KMSClient(config)),
    iam: withWaitingLine(new IAMClient(config)),
    sns: withWaitingLine(new SNSClient(config)),
    events: withWaitingLine(new EventBridgeClient(config)),
  };
}
