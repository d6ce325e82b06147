import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { loadProject } from '../../lib/records/load-project.js';
import { synthesize } from '../../lib/stacks/synthesize.js';
import { motoClients } from '../support/apply-desired-state.js';
import { generateTestKey } from '../support/keys.js';
import { startMoto } from '../support/moto.js';
import { REPO } from '../support/project.js';
import { initAndApply, plan, prepareTerraform } from '../support/terraform.js';
import { generateCustomers, storeGeneratedKeys } from './generate-customers.js';
import { measure } from './measure.js';

/**
 * `terraform plan` over customer stacks, for comparison with check drift. Terraform
 * applies the stacks to moto (not measured), then each stack is planned (measured one at a
 * time, as wall seconds), and check drift compares the same customers in one process.
 */
export async function planBenchmark(count = 4): Promise<string[]> {
  const moto = await startMoto({ accountId: '111122223333' });
  try {
    const key = await generateTestKey();
    const project = generateCustomers(count, () => key.fingerprint);
    const loaded = loadProject({ customersDir: project.customers, configFile: project.config });
    const work = mkdtempSync(join(tmpdir(), 'asc-keys-plan-bench-'));
    const tf = await prepareTerraform(work, moto.url);
    const outdir = join(work, 'cdktf.out');
    const now = new Date();
    const stacks = synthesize({ records: loaded.records, platform: loaded.platform!, outdir, now });
    const dir = (s: string): string => join(outdir, 'stacks', s);
    await initAndApply(tf, dir('custody'), 'custody');
    await initAndApply(tf, dir('platform'), 'platform');
    // Onboarding stores each key (as asc-keys import does) before its stack adopts the secret.
    await storeGeneratedKeys(motoClients(moto), loaded, key, now);
    const limit = pLimit(2);
    const customers = stacks.filter((s) => s !== 'platform' && s !== 'custody');
    await Promise.all(customers.map((s) => limit(() => initAndApply(tf, dir(s), s))));

    const seconds: number[] = [];
    for (const s of customers) {
      const started = process.hrtime.bigint();
      const r = await plan(tf, dir(s));
      seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
      if (r.code !== 0) throw new Error(`terraform plan of ${s} exited ${r.code}`);
    }
    const drift = await measure(
      'npx',
      ['--no', '--prefix', REPO, 'asc-keys', 'check', 'drift', '--format', 'json'],
      { cwd: project.dir, env: { ...moto.env, AWS_EC2_METADATA_DISABLED: 'true' } },
    );
    if (drift.status !== 0)
      throw new Error(`check drift exited ${drift.status}: ${drift.stdout.slice(0, 500)}`);
    const perStack = seconds.reduce((a, b) => a + b, 0) / seconds.length;
    return [
      `terraform plan vs check drift, the same ${count} customer stacks in moto`,
      `  terraform plan -detailed-exitcode, one stack at a time: ${seconds.map((x) => x.toFixed(1)).join(', ')} s; mean ${perStack.toFixed(1)} s a stack`,
      `  check drift over the same ${count} customers (and the platform), one process through npx: ${drift.seconds.toFixed(2)} s`,
      `  1,000 customer stacks by terraform plan, 2 at a time (this machine's cores): about ${((perStack * 1000) / 2 / 60).toFixed(0)} min`,
    ];
  } finally {
    await moto.stop();
  }
}
