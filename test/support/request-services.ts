import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startGithubFake, type GithubFake } from './github-fake.js';
import { startMoto, type MotoServer } from './moto.js';

/** What the key-request tests talk to: the GitHub fake, moto, and SES v2 on that moto. */
export interface RequestServices {
  readonly github: GithubFake;
  readonly moto: MotoServer;
  readonly ses: SESv2Client;
}

/**
 * Starts the GitHub fake and moto for the file, and gives every test a fresh pair: GitHub's
 * issues reset, moto reset, and `sender` verified again as an SES identity. Read the services
 * inside hooks and tests (they exist once the file's first hook has run).
 */
export function requestServices(sender: string): RequestServices {
  const services = {} as { github: GithubFake; moto: MotoServer; ses: SESv2Client };
  beforeAll(async () => {
    [services.github, services.moto] = await Promise.all([startGithubFake(), startMoto()]);
    services.ses = new SESv2Client({
      endpoint: services.moto.url,
      region: services.moto.env.AWS_REGION!,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
  });
  afterAll(async () => {
    await Promise.all([services.github?.stop(), services.moto?.stop()]);
  });
  beforeEach(async () => {
    services.github.reset();
    await services.moto.reset();
    await services.ses.send(new CreateEmailIdentityCommand({ EmailIdentity: sender }));
  });
  return services;
}
