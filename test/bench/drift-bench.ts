import pLimit from 'p-limit';
import { join } from 'node:path';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { platformContext } from '../../lib/model/platform-context.js';
import { platformNames } from '../../lib/model/platform-names.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { loadProject } from '../../lib/records/load-project.js';
import { applyCustomer, applyPlatform, motoClients } from '../support/apply-desired-state.js';
import { CountingProxy } from '../support/counting-proxy.js';
import { fastlaneValue } from '../support/key-fixtures.js';
import { generateTestKey } from '../support/keys.js';
import { startMoto } from '../support/moto.js';
import { REPO } from '../support/project.js';
import { generateCustomers, generatedCustomer } from './generate-customers.js';
import { measure } from './measure.js';

/** check drift for 1,000 customers in moto: wall time, peak memory, AWS calls by operation. */
export async function driftBenchmark(count = 1000): Promise<string[]> {
  const moto = await startMoto({ accountId: '111122223333' });
  const proxy = new CountingProxy(moto.url);
  const proxyUrl = await proxy.start();
  try {
    const key = await generateTestKey();
    const project = generateCustomers(count, () => key.fingerprint);
    const loaded = loadProject({ customersDir: project.customers, configFile: project.config });
    const platform = loaded.platform!;
    const ctx = platformContext(platform);
    const clients = motoClients(moto);
    await applyPlatform(clients, platformDesiredState(platform));
    const limit = pLimit(8);
    const now = new Date();
    await Promise.all(
      loaded.records.map((r, i) =>
        limit(() =>
          applyCustomer(
            clients,
            customerDesiredState(r, ctx, now),
            fastlaneValue(key, {
              keyId: generatedCustomer(i).keyId,
              issuerId: generatedCustomer(i).issuerId,
            }),
          ),
        ),
      ),
    );

    const names = platformNames(platform);
    const env = { ...moto.env, AWS_ENDPOINT_URL: proxyUrl, AWS_EC2_METADATA_DISABLED: 'true' };
    proxy.reset();
    const floor = await measure(
      'node',
      [join(REPO, 'dist/test/bench/floor-drift.js'), names.secretNamePrefix, names.scheduleGroupName],
      { cwd: project.dir, env },
    );
    if (floor.status !== 0)
      throw new Error(`the floor script exited ${floor.status}: ${floor.stderr.slice(0, 500)}`);
    const floorCalls = proxy.total();

    proxy.reset();
    const m = await measure(
      'npx',
      ['--no', '--prefix', REPO, 'asc-keys', 'check', 'drift', '--format', 'json'],
      {
        cwd: project.dir,
        env,
      },
    );
    if (m.status !== 0)
      throw new Error(`check drift exited ${m.status}: ${m.stderr.slice(0, 500)} ${m.stdout.slice(0, 500)}`);
    const summary = JSON.parse(m.stdout).summary as { inSync: number };
    const secretCalls = proxy.count(
      'ListSecrets',
      'GetResourcePolicy',
      'BatchGetSecretValue',
      'GetSecretValue',
      'DescribeSecret',
    );
    const listing = proxy.count('ListSecrets', 'ListSchedules');
    return [
      `check drift, ${count} customers in moto (a whole process, npx start-up included)`,
      `  wall ${m.seconds.toFixed(2)} s   peak ${m.peakMb.toFixed(0)} MB   in sync ${summary.inSync}/${count}`,
      `  floor (a bare node script making only the unavoidable reads: list, values in batches, policies, schedules): ${floor.seconds.toFixed(2)} s, ${floorCalls} calls`,
      `  ratio to the floor: ${(m.seconds / floor.seconds).toFixed(2)}x time, ${(proxy.total() / floorCalls).toFixed(2)}x calls`,
      `  AWS calls: ${[...proxy.calls].map(([op, n]) => `${op} ${n}`).join(', ')}`,
      // A secret's policy and its replicas are one call each (ListSecrets tells neither); values come in batches.
      `  Secrets Manager calls per customer (policies and replicas included): ${(secretCalls / count).toFixed(3)}  (goal: at most 2.2)`,
      `  listing calls: ${listing} for ${count} customers, ${(listing / count).toFixed(3)} per customer  (goal: none per customer)`,
    ];
  } finally {
    await proxy.stop();
    await moto.stop();
  }
}
