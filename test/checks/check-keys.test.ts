import assert from 'node:assert/strict';
import { afterAll, beforeAll, beforeEach, describe, test } from 'vitest';
import { DEFAULT_RETRY } from '../../lib/apple/retry-policy.js';
import { systemClock } from '../../lib/apple/clock.js';
import { checkKeys } from '../../lib/checks/check-keys.js';
import { selectCustomers } from '../../lib/checks/select-customers.js';
import { loadProject } from '../../lib/records/load-project.js';
import { keysReport } from '../../lib/reports/keys-report.js';
import { AwsSecretsManagerStore } from '../../lib/secrets/aws-secrets-manager-store.js';
import { FileStore } from '../../lib/secrets/file-store.js';
import type { SecretStore } from '../../lib/secrets/secret-store.js';
import { AscEmulator } from '../support/asc-emulator.js';
import { secretsManagerClient, type Faulty } from '../support/aws-clients.js';
import { buildKeyFixture, type KeyFixture } from '../support/key-fixtures.js';
import { startMoto, type MotoServer } from '../support/moto.js';

const COUNT = 120;
let moto: MotoServer;
const emulator = new AscEmulator();
let fixture: KeyFixture;
// Short backoff: the behaviour under faults is the point here, not the waiting.
const FAST_RETRY = { ...DEFAULT_RETRY, baseDelayMs: 5, maxDelayMs: 40, maxAttempts: 12, budgetMs: 10_000 };

async function run(faults: Faulty | undefined, retry = FAST_RETRY): Promise<ReturnType<typeof keysReport>> {
  const project = loadProject({
    customersDir: fixture.project.customers,
    configFile: fixture.project.config,
  });
  const client = secretsManagerClient(moto, faults, 10);
  const results = await checkKeys(selectCustomers(project.records, project.invalid, {}), {
    stores: new Map<string, SecretStore>([
      ['aws-sm', new AwsSecretsManagerStore({ client })],
      ['file', new FileStore(fixture.project.dir)],
    ]),
    ascBaseUrl: emulator.url,
    concurrency: 16,
    clock: systemClock,
    retry,
  });
  return keysReport(results);
}

describe('checkKeys under faults', () => {
  beforeAll(async () => {
    moto = await startMoto();
    await emulator.start();
    fixture = await buildKeyFixture(
      Array.from({ length: COUNT }, (_, i) => ({ slug: `c${i}` })),
      secretsManagerClient(moto),
      emulator,
    );
  });
  afterAll(async () => {
    await emulator.stop();
    await moto.stop();
  });
  beforeEach(() => {
    emulator.faults = {};
  });

  test('without faults every working key is valid', async () => {
    const report = await run(undefined);
    assert.deepEqual((report.json as { summary: unknown }).summary, {
      total: COUNT,
      valid: COUNT,
      invalid: 0,
      inconclusive: 0,
    });
    assert.equal(report.exitCode, 0);
  });

  test('Apple answering 30% of requests with 500/503/429 and AWS throttling 30% of attempts: no working key is ever invalid', async () => {
    emulator.faults = { failureRate: 0.3, statuses: [500, 503, 429] };
    const report = await run({ rate: 0.3, error: 'ThrottlingException' });
    const { summary, results } = report.json as {
      summary: { invalid: number; valid: number; inconclusive: number };
      results: { status: string }[];
    };
    assert.equal(summary.invalid, 0);
    assert.equal(summary.valid + summary.inconclusive, COUNT);
    assert.ok(results.every((r) => r.status === 'valid' || r.status === 'inconclusive'));
    assert.ok(summary.valid > COUNT * 0.9, JSON.stringify(summary));
  });

  test('dropped connections and slow bodies: still never invalid', async () => {
    emulator.faults = { dropRate: 0.2, slowBodyMs: 20 };
    const { summary } = (await run(undefined)).json as { summary: { invalid: number; valid: number } };
    assert.equal(summary.invalid, 0);
    assert.ok(summary.valid > COUNT * 0.9);
  });

  test('Apple down entirely: every key APPLE_UNAVAILABLE, exit code 3', async () => {
    emulator.faults = { down: true };
    const report = await run(undefined, { ...FAST_RETRY, maxAttempts: 3 });
    const { results } = report.json as { results: { code: string }[] };
    assert.ok(results.every((r) => r.code === 'APPLE_UNAVAILABLE'));
    assert.equal(report.exitCode, 3);
  });

  test('Secrets Manager failing with 5xx beyond its retries: AWS_UNAVAILABLE for every key, exit code 3', async () => {
    const report = await run({ rate: 1, error: 'InternalServiceError' });
    const { results } = report.json as { results: { code: string }[] };
    assert.ok(results.every((r) => r.code === 'AWS_UNAVAILABLE'));
    assert.equal(report.exitCode, 3);
  });
});
