import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { assertProject } from './project-guard.js';

/** The environment that points the real AWS SDK at moto. */
export interface MotoServer {
  readonly url: string;
  readonly env: NodeJS.ProcessEnv;
  /** Forgets every resource. */
  reset(): Promise<void>;
  /** From now on moto checks IAM permissions of every request (see its access control docs). */
  enforceIam(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The account the platform's example configuration (cdktf.json) names: the workers' servers act in it. */
export const MOTO_ACCOUNT = '111122223333';
/** The environment variable that holds the URLs of the workers' servers, space-separated, in worker order. */
export const WORKER_MOTO_URLS = 'ASC_KEYS_TEST_MOTO_URLS';

/**
 * The moto server of this test file: its worker's (test/support/moto-servers.ts), reset to an
 * empty account with IAM unchecked, when the run started them and the account fits; otherwise
 * one of its own (the benchmarks, or an account of its own). `stop()` leaves a worker's server
 * running for the worker's next file.
 */
export async function startMoto(options: { readonly accountId?: string } = {}): Promise<MotoServer> {
  assertProject('moto', ['aws', 'terraform', 'browser']);
  const url = process.env[WORKER_MOTO_URLS]?.split(' ')[Number(process.env.VITEST_POOL_ID) - 1];
  if (!url || (options.accountId ?? MOTO_ACCOUNT) !== MOTO_ACCOUNT) return startMotoServer(options);
  const server = motoAt(url, async () => {});
  await server.reset();
  return server;
}

/**
 * Starts `moto_server` on a free loopback port. Fails with a clear message when moto is not
 * installed: the AWS tests never skip silently.
 */
export async function startMotoServer(
  options: {
    readonly accountId?: string;
    /**
     * Outlives the process that starts it, until the process `owner` ends (checked every two
     * seconds) or `pid` is sent SIGTERM: the Terraform fixture's server, which later test files
     * reuse and the run's teardown stops. A run that is killed leaves no server behind.
     */
    readonly owner?: number;
  } = {},
): Promise<MotoServer & { readonly pid: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  let log = '';
  const args = ['-H', '127.0.0.1', '-p', String(port)];
  const owner = options.owner;
  if (owner !== undefined && spawnSync('sh', ['-c', 'command -v moto_server']).status !== 0)
    throw new Error('moto_server is not on PATH. The AWS tests need it: pip install "moto[server]"');
  // The watchdog: moto in the background of a shell that stops it with its owner, or on SIGTERM.
  const [file, argv] =
    owner === undefined
      ? ['moto_server', args]
      : [
          'sh',
          [
            '-c',
            `moto_server ${args.join(' ')} & m=$!; trap 'kill $m 2>/dev/null; exit 0' TERM; while kill -0 ${owner} 2>/dev/null && kill -0 $m 2>/dev/null; do sleep 2; done; kill $m 2>/dev/null`,
          ],
        ];
  const spawned = new Promise<void>((resolve, reject) => {
    child = spawn(file, argv, {
      stdio: ['ignore', owner === undefined ? 'pipe' : 'ignore', owner === undefined ? 'pipe' : 'ignore'],
      detached: owner !== undefined,
      // The account every request acts in (moto's own default otherwise): ARNs the stacks derive must match.
      ...(options.accountId && { env: { ...process.env, MOTO_ACCOUNT_ID: options.accountId } }),
    });
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'ENOENT'
            ? 'moto_server is not on PATH. The AWS tests need it: pip install "moto[server]"'
            : `moto_server did not start: ${err.message}`,
        ),
      ),
    );
    child.on('spawn', () => resolve());
    child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-2000)));
  });
  await spawned;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/moto-api/data.json`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child!.exitCode !== null || Date.now() > deadline)
      throw new Error(`moto_server did not come up on ${url}:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (owner !== undefined) child!.unref();
  const server = motoAt(url, async () => {
    child!.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  });
  return { ...server, pid: child!.pid! };
}

/** The server at `url`, started elsewhere; `stop` is what stopping it means to this caller. */
export function motoAt(url: string, stop: () => Promise<void>): MotoServer {
  const env = {
    AWS_ENDPOINT_URL: url,
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
  };
  return {
    url,
    env,
    reset: async () => {
      await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      // A reset forgets resources, not the setting enforceIam changed: no check again.
      await fetch(`${url}/moto-api/reset-auth`, { method: 'POST', body: 'inf' });
    },
    enforceIam: async () => {
      await fetch(`${url}/moto-api/reset-auth`, { method: 'POST', body: '0' });
    },
    stop,
  };
}
