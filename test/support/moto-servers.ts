import { startMotoServer, MOTO_ACCOUNT, WORKER_MOTO_URLS, type MotoServer } from './moto.js';

/**
 * One moto server per test worker, started once for the run: starting moto costs seconds,
 * and most AWS test files would otherwise start their own. Their URLs reach the workers
 * through the environment (workers start after global setup); startMoto() in a test file takes
 * its worker's server (VITEST_POOL_ID) and resets it, so every file starts from an empty account.
 * Several projects list this setup; the first one that runs starts the servers.
 */
export default async function setup(project: {
  readonly config: { readonly maxWorkers?: number | string };
}): Promise<(() => Promise<void>) | undefined> {
  if (process.env[WORKER_MOTO_URLS]) return undefined;
  const workers = Math.max(1, Number(project.config.maxWorkers) || 2);
  const servers: MotoServer[] = await Promise.all(
    Array.from({ length: workers }, () => startMotoServer({ accountId: MOTO_ACCOUNT })),
  );
  process.env[WORKER_MOTO_URLS] = servers.map((s) => s.url).join(' ');
  return async () => {
    delete process.env[WORKER_MOTO_URLS];
    await Promise.all(servers.map((s) => s.stop()));
  };
}
