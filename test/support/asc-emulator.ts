import { randomUUID, webcrypto, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, jwtVerify } from 'jose';

export type KeyState = 'active' | 'revoked' | 'role-limited' | 'agreement-missing';

export interface EmulatedKey {
  readonly keyId: string;
  /** Absent for an individual key. */
  readonly issuerId?: string;
  readonly publicKey: KeyObject;
  readonly state: KeyState;
  /** The app Apple IDs this key can see. */
  readonly apps: readonly string[];
}

export interface Faults {
  /** Added to every answer. */
  latencyMs?: number;
  /** Share of requests (0 to 1) answered with one of `statuses` instead. */
  failureRate?: number;
  /** @default [500, 503, 429] */
  statuses?: readonly number[];
  /** Share of requests whose connection is dropped without an answer. */
  dropRate?: number;
  /** Headers are sent, then the body comes this much later. */
  slowBodyMs?: number;
  /** Every request answered 503. */
  down?: boolean;
  /** Sent with 429 and 503 answers, in seconds. */
  retryAfterSeconds?: number;
  /** A fixed answer for one key, whatever it sends: status and Apple error code (or a raw body); `times` answers, then normal. */
  perKey?: ReadonlyMap<string, { status: number; code?: string; rawBody?: string; times?: number }>;
}

const TITLES: Record<string, [string, string]> = {
  NOT_AUTHORIZED: [
    'Authentication credentials are missing or invalid.',
    'Provide a properly configured and signed bearer token, and make sure that it has not expired.',
  ],
  FORBIDDEN_ERROR: ['The given operation is not allowed.', 'The API key in use does not allow this request.'],
  'FORBIDDEN.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED': [
    'A required agreement is missing or has expired.',
    'This request requires an in-effect agreement that has not been signed or has expired.',
  ],
  NOT_FOUND: ['The specified resource does not exist', "There is no resource of type 'apps' with this id."],
  RATE_LIMIT_EXCEEDED: [
    'The request rate limit has been reached.',
    "We've received too many requests for this API. Please wait and try again or slow down your request rate.",
  ],
  UNEXPECTED_ERROR: ['An unexpected error occurred.', 'An unexpected error occurred on the server side.'],
  SERVICE_UNAVAILABLE: [
    'The service is unavailable.',
    'The service is temporarily unavailable. Try again later.',
  ],
  PARAMETER_ERROR: ['A parameter has an invalid value', 'The request has an invalid parameter.'],
};
const CODE_OF_STATUS: Record<number, string> = {
  400: 'PARAMETER_ERROR',
  401: 'NOT_AUTHORIZED',
  404: 'NOT_FOUND',
  429: 'RATE_LIMIT_EXCEEDED',
  500: 'UNEXPECTED_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};
const HOURLY_LIMIT = 3500;

/**
 * App Store Connect as Apple documents it, on a loopback port: it verifies ES256 tokens
 * against registered public keys (kid, iss or sub, aud, exp, the 20-minute lifetime, iat not
 * ahead of its clock), answers with Apple's error bodies and X-Rate-Limit headers, keeps a
 * per-key hourly limit, and has switches for latency and faults. Randomness is seeded.
 */
export class AscEmulator {
  readonly keys = new Map<string, EmulatedKey>();
  faults: Faults = {};
  requests = 0;
  readonly requestsByKey = new Map<string, number>();
  private server?: Server;
  private seed: number;
  private readonly verifiers = new Map<string, Promise<webcrypto.CryptoKey>>();

  constructor(
    private readonly now: () => number = Date.now,
    seed = 42,
  ) {
    this.seed = seed;
  }

  register(key: EmulatedKey): void {
    this.keys.set(key.keyId, key);
    this.verifiers.delete(key.keyId);
  }

  /** Imported once per key, as a server would: verifying then costs the signature check alone. */
  private verifier(key: EmulatedKey): Promise<webcrypto.CryptoKey> {
    let v = this.verifiers.get(key.keyId);
    if (!v) {
      v = webcrypto.subtle.importKey(
        'spki',
        key.publicKey.export({ format: 'der', type: 'spki' }),
        { name: 'ECDSA', namedCurve: 'P-256' },
        false,
        ['verify'],
      );
      this.verifiers.set(key.keyId, v);
    }
    return v;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private random(): number {
    // mulberry32: seeded, so a fault pattern repeats from run to run.
    let t = (this.seed += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    const f = this.faults;
    if (f.latencyMs) await sleep(f.latencyMs);
    if (f.dropRate && this.random() < f.dropRate) {
      req.socket.destroy();
      return;
    }
    if (f.down) return this.error(res, 503, undefined);
    if (f.failureRate && this.random() < f.failureRate) {
      const statuses = f.statuses ?? [500, 503, 429];
      return this.error(res, statuses[Math.floor(this.random() * statuses.length)]!, undefined);
    }
    const match = /^\/v1\/apps\/([^/?]+)$/.exec(req.url?.split('?')[0] ?? '');
    if (req.method !== 'GET' || !match) return this.error(res, 404, undefined);

    const key = await this.authenticate(req.headers.authorization);
    if (!key) return this.error(res, 401, undefined);
    const used = (this.requestsByKey.get(key.keyId) ?? 0) + 1;
    this.requestsByKey.set(key.keyId, used);
    if (used > HOURLY_LIMIT) return this.error(res, 429, key.keyId);
    const fixed = f.perKey?.get(key.keyId);
    if (fixed && fixed.times !== undefined) {
      if (fixed.times <= 0) return this.answer(res, key, match[1]!);
      fixed.times--;
    }
    if (fixed)
      return fixed.rawBody !== undefined
        ? this.send(res, fixed.status, fixed.rawBody, key.keyId)
        : this.error(res, fixed.status, key.keyId, fixed.code);
    this.answer(res, key, match[1]!);
  }

  private answer(res: ServerResponse, key: EmulatedKey, rawAppleId: string): void {
    if (key.state === 'revoked') return this.error(res, 401, key.keyId);
    if (key.state === 'role-limited') return this.error(res, 403, key.keyId, 'FORBIDDEN_ERROR');
    if (key.state === 'agreement-missing')
      return this.error(res, 403, key.keyId, 'FORBIDDEN.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED');
    const appleId = decodeURIComponent(rawAppleId);
    if (!key.apps.includes(appleId)) return this.error(res, 404, key.keyId);
    this.send(
      res,
      200,
      JSON.stringify({
        data: {
          type: 'apps',
          id: appleId,
          attributes: {
            name: `App ${appleId}`,
            bundleId: `com.example.app${appleId}`,
            sku: appleId,
            primaryLocale: 'en-US',
          },
        },
        links: { self: `${this.url}/v1/apps/${appleId}` },
      }),
      key.keyId,
    );
  }

  /** The key whose token this is, or undefined when Apple would answer 401. */
  private async authenticate(authorization: string | undefined): Promise<EmulatedKey | undefined> {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== 'ES256' || header.typ !== 'JWT' || typeof header.kid !== 'string') return undefined;
      const key = this.keys.get(header.kid);
      if (!key) return undefined;
      const nowSeconds = Math.floor(this.now() / 1000);
      const { payload } = await jwtVerify(token, await this.verifier(key), {
        algorithms: ['ES256'],
        audience: 'appstoreconnect-v1',
        currentDate: new Date(this.now()),
        requiredClaims: ['exp', 'iat'],
      });
      if (payload.exp! - payload.iat! > 20 * 60) return undefined;
      if (payload.iat! > nowSeconds) return undefined;
      if (
        key.issuerId !== undefined
          ? payload.iss !== key.issuerId
          : payload.sub !== 'user' || payload.iss !== undefined
      )
        return undefined;
      return key;
    } catch {
      return undefined;
    }
  }

  private error(
    res: ServerResponse,
    status: number,
    keyId: string | undefined,
    code = CODE_OF_STATUS[status] ?? 'UNEXPECTED_ERROR',
  ): void {
    const [title, detail] = TITLES[code] ?? ['An error occurred.', 'An error occurred.'];
    if ((status === 429 || status === 503) && this.faults.retryAfterSeconds !== undefined)
      res.setHeader('Retry-After', String(this.faults.retryAfterSeconds));
    this.send(
      res,
      status,
      JSON.stringify({ errors: [{ id: randomUUID(), status: String(status), code, title, detail }] }),
      keyId,
    );
  }

  private send(res: ServerResponse, status: number, body: string, keyId: string | undefined): void {
    const used = keyId ? (this.requestsByKey.get(keyId) ?? 0) : 0;
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'X-Rate-Limit': `user-hour-lim:${HOURLY_LIMIT};user-hour-rem:${Math.max(0, HOURLY_LIMIT - used)};`,
    });
    if (this.faults.slowBodyMs) {
      res.flushHeaders();
      setTimeout(() => res.end(body), this.faults.slowBodyMs);
    } else res.end(body);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
