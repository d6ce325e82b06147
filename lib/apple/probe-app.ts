import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { classifyResponse, type ProbeAnswer } from './classify-response.js';

export const DEFAULT_ASC_BASE_URL = 'https://api.appstoreconnect.apple.com';

/** An app's JSON is a few kilobytes; a bigger answer is not read (and is APPLE_UNEXPECTED). */
export const MAX_ANSWER_BYTES = 1024 * 1024;

// node:http with keep-alive costs a third of fetch per request, and the probe is the hot path.
// Idle sockets are unref'd by the agent, so they never hold the process open.
const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

/** One GET {base}/v1/apps/{appleId}; a timeout or a dropped connection is retryable. */
export function probeApp(
  baseUrl: string,
  appleId: string,
  token: string,
  timeoutMs: number,
): Promise<ProbeAnswer> {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/v1/apps/${encodeURIComponent(appleId)}`);
  const https = url.protocol === 'https:';
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: ProbeAnswer): void => {
      if (!settled) resolve(answer);
      settled = true;
    };
    const failed = (err: NodeJS.ErrnoException): void =>
      settle({
        kind: 'retryable',
        summary:
          err.name === 'AbortError'
            ? `no answer within ${timeoutMs} ms`
            : `connection failed (${err.code ?? err.name})`,
      });
    const req = (https ? httpsRequest : httpRequest)(
      url,
      {
        agent: https ? agents['https:'] : agents['http:'],
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            settle({
              kind: 'unexpected',
              summary: `HTTP ${res.statusCode ?? 0} with an answer of more than ${MAX_ANSWER_BYTES} bytes, not read`,
            });
            res.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          settle(
            classifyResponse(
              res.statusCode ?? 0,
              Buffer.concat(chunks).toString('utf8'),
              headerValue(res.headers['retry-after']),
              appleId,
            ),
          ),
        );
        res.on('error', failed);
        res.on('close', () => {
          if (!res.complete)
            failed(Object.assign(new Error('the answer was cut short'), { code: 'ECONNRESET' }));
        });
      },
    );
    req.on('error', failed);
    req.end();
  });
}

function headerValue(v: string | string[] | undefined): string | null {
  return v === undefined ? null : Array.isArray(v) ? (v[0] ?? null) : v;
}
