import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of moto that counts AWS calls by operation (the X-Amz-Target
 * header of JSON protocols), so that benchmarks can count the calls of a whole CLI process.
 */
export class CountingProxy {
  readonly calls = new Map<string, number>();
  private server?: Server;

  constructor(private readonly target: string) {}

  async start(): Promise<string> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const op = operation(req.headers['x-amz-target'], req.method ?? 'GET', req.url ?? '/');
      this.calls.set(op, (this.calls.get(op) ?? 0) + 1);
      const upstream = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Calls of the named operations. */
  count(...operations: string[]): number {
    return operations.reduce((n, op) => n + (this.calls.get(op) ?? 0), 0);
  }

  /** Every call counted since the last reset. */
  total(): number {
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }

  reset(): void {
    this.calls.clear();
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** JSON protocols name the operation in X-Amz-Target; REST ones (Scheduler) by method and path. */
function operation(target: string | string[] | undefined, method: string, url: string): string {
  if (typeof target === 'string') return target.split('.').pop()!;
  const path = url.split('?')[0]!.split('/').filter(Boolean);
  if (path[0] === 'schedules')
    return method === 'GET' ? (path.length > 1 ? 'GetSchedule' : 'ListSchedules') : `${method} /schedules`;
  return `${method} /${path[0] ?? ''}`;
}
