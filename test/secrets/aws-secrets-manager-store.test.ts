import assert from 'node:assert/strict';
import { afterAll, beforeAll, beforeEach, describe, test } from 'vitest';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { AwsSecretsManagerStore } from '../../lib/secrets/aws-secrets-manager-store.js';
import { parseSecretReference, type SecretReference } from '../../lib/secrets/reference.js';
import { secretsManagerClient } from '../support/aws-clients.js';
import { startMoto, type MotoServer } from '../support/moto.js';

let moto: MotoServer;
const ref = (name: string): SecretReference => parseSecretReference(`aws-sm:${name}`) as SecretReference;

describe('AwsSecretsManagerStore against moto', () => {
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(() => moto.stop());
  beforeEach(() => moto.reset());

  test('reads 45 secrets in 3 BatchGetSecretValue calls of at most 20', async () => {
    const admin = secretsManagerClient(moto);
    for (let i = 0; i < 45; i++)
      await admin.send(new CreateSecretCommand({ Name: `asc-keys/c${i}`, SecretString: `value-${i}` }));
    const client = secretsManagerClient(moto);
    const reads = await new AwsSecretsManagerStore({ client }).readMany(
      Array.from({ length: 45 }, (_, i) => ref(`asc-keys/c${i}`)),
    );
    assert.equal(reads.size, 45);
    assert.deepEqual(reads.get('aws-sm:asc-keys/c44'), { ok: true, value: 'value-44' });
    assert.deepEqual(Object.fromEntries(client.calls), { BatchGetSecretValueCommand: 3 });
  });

  test('a secret that does not exist, one without a current value, one scheduled for deletion: SECRET_NOT_FOUND', async () => {
    const admin = secretsManagerClient(moto);
    await admin.send(new CreateSecretCommand({ Name: 'asc-keys/empty' }));
    await admin.send(new CreateSecretCommand({ Name: 'asc-keys/deleted', SecretString: 'x' }));
    await admin.send(new DeleteSecretCommand({ SecretId: 'asc-keys/deleted', RecoveryWindowInDays: 7 }));
    await admin.send(new CreateSecretCommand({ Name: 'asc-keys/ok', SecretString: 'fine' }));
    const client = secretsManagerClient(moto);
    const reads = await new AwsSecretsManagerStore({ client }).readMany(
      ['asc-keys/missing', 'asc-keys/empty', 'asc-keys/deleted', 'asc-keys/ok'].map(ref),
    );
    const missing = reads.get('aws-sm:asc-keys/missing');
    assert.deepEqual(missing, {
      ok: false,
      code: 'SECRET_NOT_FOUND',
      message:
        'Secrets Manager has no secret asc-keys/missing, or it has no current value; import the key with "asc-keys import", then merge, then deploy (docs/rotation.md), or fix apiKey.secret',
    });
    assert.equal((reads.get('aws-sm:asc-keys/empty') as { code: string }).code, 'SECRET_NOT_FOUND');
    const deleted = reads.get('aws-sm:asc-keys/deleted') as { code: string; message: string };
    assert.equal(deleted.code, 'SECRET_NOT_FOUND');
    assert.match(
      deleted.message,
      /scheduled for deletion; restore it with "aws secretsmanager restore-secret" before its recovery window ends/,
    );
    assert.deepEqual(reads.get('aws-sm:asc-keys/ok'), { ok: true, value: 'fine' });
    // AWS lists a missing ID in the batch's Errors; moto refuses the whole batch instead. Either
    // way each secret of that batch gets its own answer from GetSecretValue.
    assert.deepEqual(Object.fromEntries(client.calls), {
      BatchGetSecretValueCommand: 1,
      GetSecretValueCommand: 4,
    });
  });

  test('binary values and ARN references', async () => {
    const admin = secretsManagerClient(moto);
    const created = await admin.send(
      new CreateSecretCommand({ Name: 'asc-keys/bin', SecretBinary: Buffer.from('bytes') }),
    );
    await admin.send(
      new PutSecretValueCommand({ SecretId: 'asc-keys/bin', SecretBinary: Buffer.from('newer bytes') }),
    );
    const byArn = ref(created.ARN!);
    const reads = await new AwsSecretsManagerStore({ client: secretsManagerClient(moto) }).readMany([byArn]);
    assert.deepEqual(reads.get(byArn.raw), { ok: true, value: 'newer bytes' });
  });

  test('throttling injected on 40% of attempts: every value still arrives, through the SDK retries', async () => {
    const admin = secretsManagerClient(moto);
    for (let i = 0; i < 60; i++)
      await admin.send(new CreateSecretCommand({ Name: `asc-keys/t${i}`, SecretString: `v${i}` }));
    const client = secretsManagerClient(moto, { rate: 0.4, error: 'ThrottlingException' }, 10);
    const reads = await new AwsSecretsManagerStore({ client }).readMany(
      Array.from({ length: 60 }, (_, i) => ref(`asc-keys/t${i}`)),
    );
    assert.ok(
      [...reads.values()].every((r) => r.ok),
      JSON.stringify([...reads.values()].filter((r) => !r.ok)),
    );
    assert.equal(client.calls.get('BatchGetSecretValueCommand'), 3);
    assert.ok(client.attempts.get('BatchGetSecretValueCommand')! > 3);
  });

  test('5xx that outlasts the retries: AWS_UNAVAILABLE, never SECRET_NOT_FOUND', async () => {
    const admin = secretsManagerClient(moto);
    await admin.send(new CreateSecretCommand({ Name: 'asc-keys/x', SecretString: 'v' }));
    const client = secretsManagerClient(moto, { rate: 1, error: 'InternalServiceError' }, 2);
    const read = (await new AwsSecretsManagerStore({ client }).readMany([ref('asc-keys/x')])).get(
      'aws-sm:asc-keys/x',
    ) as { code: string; message: string };
    assert.equal(read.code, 'AWS_UNAVAILABLE');
    assert.match(
      read.message,
      /Secrets Manager did not answer: InternalServiceError \(HTTP 500\); run again later/,
    );
  });

  // moto evaluates IAM policies against Resource "*" only, so a refusal covers every secret.
  test('access denied by IAM: the batch is refused, each secret is read on its own, each SECRET_ACCESS_DENIED', async () => {
    const { IAMClient, CreateUserCommand, PutUserPolicyCommand, CreateAccessKeyCommand } =
      await import('@aws-sdk/client-iam');
    const admin = secretsManagerClient(moto);
    await admin.send(new CreateSecretCommand({ Name: 'asc-keys/open', SecretString: 'open' }));
    await admin.send(new CreateSecretCommand({ Name: 'asc-keys/closed', SecretString: 'closed' }));
    const iam = new IAMClient({
      endpoint: moto.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await iam.send(new CreateUserCommand({ UserName: 'validator' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'validator',
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'secretsmanager:ListSecrets', Resource: '*' }],
        }),
      }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'validator' }));
    await moto.enforceIam();
    try {
      const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
      const client = new SecretsManagerClient({
        endpoint: moto.url,
        region: 'eu-central-1',
        credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! },
      });
      const reads = await new AwsSecretsManagerStore({ client }).readMany([
        ref('asc-keys/open'),
        ref('asc-keys/closed'),
      ]);
      assert.equal((reads.get('aws-sm:asc-keys/open') as { code: string }).code, 'SECRET_ACCESS_DENIED');
      const denied = reads.get('aws-sm:asc-keys/closed') as { code: string; message: string };
      assert.equal(denied.code, 'SECRET_ACCESS_DENIED');
      assert.match(
        denied.message,
        /refused to hand out asc-keys\/closed; check the secret's resource policy/,
      );
    } finally {
      await fetch(`${moto.url}/moto-api/reset-auth`, { method: 'POST', body: '1e9' });
    }
  });
});
