import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Fault {
  /** The Secrets Manager operation, as in X-Amz-Target (CreateSecret, PutSecretValue, …). */
  readonly operation: string;
  /** Which call of that operation fails, 1-based; later calls pass. @default every call */
  readonly call?: number;
  /**
   * `unavailable`: a 500 before the request reaches moto (AWS did nothing). `refused`: a 400
   * AccessDeniedException, likewise. `hold`: the request reaches moto, and `onHold` runs first.
   * `lost`: the request reaches moto, and its answer is replaced by a 500 (AWS did it, the
   * caller does not know).
   */
  readonly kind: 'unavailable' | 'refused' | 'hold' | 'lost';
  readonly onHold?: () => Promise<void> | void;
}

/**
 * A loopback proxy in front of moto that makes one Secrets Manager operation fail, for the CLI
 * running in its own process: moto cannot make its own calls fail on demand.
 */
export class FaultProxy {
  fault?: Fault;
  readonly calls: string[] = [];
  private server?: Server;

  constructor(private readonly target: string) {}

  async start(): Promise<string> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const header = req.headers['x-amz-target'];
      const op = typeof header === 'string' ? header.split('.').pop()! : `${req.method} ${req.url}`;
      this.calls.push(op);
      const nth = this.calls.filter((c) => c === op).length;
      const f = this.fault;
      const hit = f !== undefined && f.operation === op && (f.call === undefined || f.call === nth);
      const fail = (refused: boolean): void => {
        res.writeHead(refused ? 400 : 500, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': refused ? 'AccessDeniedException' : 'InternalServiceError',
        });
        res.end(
          JSON.stringify({
            __type: refused ? 'AccessDeniedException' : 'InternalServiceError',
            message: 'injected by the test',
          }),
        );
      };
      const forward = (lose = false): void => {
        const upstream = request(
          {
            host: target.hostname,
            port: target.port,
            path: req.url,
            method: req.method,
            headers: req.headers,
          },
          (up) => {
            if (lose) {
              up.resume();
              up.on('end', () => fail(false));
              return;
            }
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
      };
      if (!hit) return forward();
      if (f.kind === 'hold') {
        void Promise.resolve(f.onHold?.()).then(() => forward());
        return;
      }
      if (f.kind === 'lost') return forward(true);
      req.resume();
      fail(f.kind === 'refused');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  reset(fault?: Fault): void {
    this.calls.length = 0;
    this.fault = fault;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
