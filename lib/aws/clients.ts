import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';

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

/** The Secrets Manager client alone, for the commands that need no other service. */
export function secretsManagerClient(): SecretsManagerClient {
  return new SecretsManagerClient(AWS_CLIENT_CONFIG);
}

/** The whole client set, each with the one configuration. */
export function awsClients(): AwsClients {
  const config = AWS_CLIENT_CONFIG;
  return {
    secretsManager: secretsManagerClient(),
    scheduler: new SchedulerClient(config),
    kms: new KMSClient(config),
    iam: new IAMClient(config),
    sns: new SNSClient(config),
    events: new EventBridgeClient(config),
  };
}
