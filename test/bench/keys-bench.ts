import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { probeApp } from '../../lib/apple/probe-app.js';
import { signToken } from '../../lib/apple/token.js';
import { DEFAULT_CONCURRENCY } from '../../lib/checks/default-concurrency.js';
import { loadProject } from '../../lib/records/load-project.js';
import { isKeyProblem, parseKeyValue } from '../../lib/secrets/parse-key-value.js';
import { AscEmulator } from '../support/asc-emulator.js';
import { secretsManagerClient } from '../support/aws-clients.js';
import { CountingProxy } from '../support/counting-proxy.js';
import { buildKeyFixture } from '../support/key-fixtures.js';
import { startMoto } from '../support/moto.js';
import { REPO } from '../support/project.js';
import { measure } from './measure.js';

const LATENCY_MS = 100;

const calls = (m: Map<string, number>): string => [...m].map(([op, n]) => `${op} ${n}`).join(', ') || 'none';

/** check keys for 1,000 customers in moto and the emulator (100 ms a request), against a naive loop. */
export async function keysBenchmark(count = 1000): Promise<string[]> {
  const moto = await startMoto();
  const emulator = new AscEmulator();
  await emulator.start();
  const proxy = new CountingProxy(moto.url);
  const proxyUrl = await proxy.start();
  try {
    const fixture = await buildKeyFixture(
      Array.from({ length: count }, (_, i) => ({ slug: `customer-${String(i).padStart(4, '0')}` })),
      secretsManagerClient(moto),
      emulator,
    );
    emulator.faults = { latencyMs: LATENCY_MS };
    const env = {
      ...moto.env,
      AWS_ENDPOINT_URL: proxyUrl,
      AWS_EC2_METADATA_DISABLED: 'true',
      ASC_API_BASE_URL: emulator.url,
    };

    const cli = async (
      concurrency?: number,
    ): Promise<{ seconds: number; peakMb: number; sm: string; apple: number; valid: number }> => {
      proxy.reset();
      emulator.requests = 0;
      const args = [
        '--no',
        '--prefix',
        REPO,
        'asc-keys',
        'check',
        'keys',
        '--format',
        'json',
        ...(concurrency ? ['--concurrency', String(concurrency)] : []),
      ];
      const m = await measure('npx', args, { cwd: fixture.project.dir, env });
      if (m.status !== 0) throw new Error(`check keys exited ${m.status}: ${m.stderr.slice(0, 500)}`);
      return {
        seconds: m.seconds,
        peakMb: m.peakMb,
        sm: calls(proxy.calls),
        apple: emulator.requests,
        valid: JSON.parse(m.stdout).summary.valid,
      };
    };
    // What a whole process costs before its first request: npx, Node, loading and linting the records.
    const startup = await measure('npx', ['--no', '--prefix', REPO, 'asc-keys', 'lint'], {
      cwd: fixture.project.dir,
      env,
    });
    const byDefault = await cli();
    const sixteen = await cli(16);

    // The naive loop: one GetSecretValue and one probe per customer, one after the other.
    proxy.reset();
    emulator.requests = 0;
    const client = new SecretsManagerClient({
      endpoint: proxyUrl,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const project = loadProject({
      customersDir: fixture.project.customers,
      configFile: fixture.project.config,
    });
    const started = process.hrtime.bigint();
    let naiveValid = 0;
    for (const r of project.records) {
      const v = await client.send(
        new GetSecretValueCommand({ SecretId: r.secret.raw.slice('aws-sm:'.length) }),
      );
      const key = await parseKeyValue(v.SecretString!);
      if (isKeyProblem(key)) continue;
      const token = await signToken(
        key.signingKey,
        { keyId: r.keyId, ...(r.issuerId && { issuerId: r.issuerId }) },
        Date.now(),
      );
      if ((await probeApp(emulator.url, r.appleId, token, 10_000)).kind === 'ok') naiveValid++;
    }
    const naiveSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const naiveSm = calls(proxy.calls);
    const naiveApple = emulator.requests;
    const ideal16 = (count * LATENCY_MS) / 16 / 1000;

    return [
      `check keys, ${count} customers, moto and the emulator adding ${LATENCY_MS} ms a request (whole processes, npx start-up included)`,
      `  default concurrency (${DEFAULT_CONCURRENCY})      ${byDefault.seconds.toFixed(2)} s  peak ${byDefault.peakMb.toFixed(0)} MB  Secrets Manager: ${byDefault.sm}  Apple requests ${byDefault.apple}  valid ${byDefault.valid}`,
      `  --concurrency 16             ${sixteen.seconds.toFixed(2)} s  peak ${sixteen.peakMb.toFixed(0)} MB  Secrets Manager: ${sixteen.sm}  Apple requests ${sixteen.apple}  valid ${sixteen.valid}`,
      `  naive loop (in process)      ${naiveSeconds.toFixed(2)} s  Secrets Manager: ${naiveSm}  Apple requests ${naiveApple}  valid ${naiveValid}`,
      `  default vs naive             ${(naiveSeconds / byDefault.seconds).toFixed(1)}x faster  (goal: at least 20x)`,
      `  --concurrency 16 vs N x latency / 16 = ${ideal16.toFixed(2)} s: ${(sixteen.seconds / ideal16).toFixed(2)}x  (goal: at most 1.3x)`,
      `  --concurrency 16 vs N x latency / 16 + start-up (${startup.seconds.toFixed(2)} s, npx asc-keys lint on the same records): ${(sixteen.seconds / (ideal16 + startup.seconds)).toFixed(2)}x`,
    ];
  } finally {
    await proxy.stop();
    await emulator.stop();
    await moto.stop();
  }
}
