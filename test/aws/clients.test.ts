import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { secretsManagerClient } from '../../lib/aws/clients.js';
import { reportAwsWaits } from '../../lib/aws/waits.js';

let server: Server;
let status = 503;
let requests = 0;

describe('the AWS clients say what they wait for', () => {
  beforeAll(async () => {
    // An endpoint in an outage (moto never answers 5xx): every request gets `status`.
    server = createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({
          __type: status === 503 ? 'ServiceUnavailable' : 'ResourceNotFoundException',
          message: 'x',
        }),
      );
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    vi.stubEnv('AWS_ENDPOINT_URL', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await new Promise((done) => server.close(done));
  });
  afterEach(() => reportAwsWaits(undefined));

  test('an outage: a line before each retry, naming the service, the call, the attempt and the answer', async () => {
    const lines: string[] = [];
    reportAwsWaits((line) => lines.push(line));
    status = 503;
    requests = 0;
    const client = secretsManagerClient('eu-central-1');
    await expect(client.send(new DescribeSecretCommand({ SecretId: 'asc-keys/acme' }))).rejects.toMatchObject(
      {
        $metadata: { httpStatusCode: 503 },
      },
    );
    expect(requests).toBe(6);
    expect(lines).toEqual(
      [1, 2, 3, 4, 5].map(
        (n) =>
          `waiting for AWS SecretsManager DescribeSecret: attempt ${n} of up to 6 got ServiceUnavailable (HTTP 503); asking again`,
      ),
    );
  }, 60_000);

  test('an answer that is final says nothing, and without a writer (not a terminal) nothing is said', async () => {
    const lines: string[] = [];
    reportAwsWaits((line) => lines.push(line));
    status = 400;
    await expect(
      secretsManagerClient('eu-central-1').send(new DescribeSecretCommand({ SecretId: 'asc-keys/acme' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(lines).toEqual([]);
    reportAwsWaits(undefined);
    status = 503;
    const client = secretsManagerClient('eu-central-1');
    reportAwsWaits((line) => lines.push(line));
    await expect(client.send(new DescribeSecretCommand({ SecretId: 'asc-keys/acme' }))).rejects.toBeDefined();
    expect(lines).toEqual([]);
  }, 60_000);
});
