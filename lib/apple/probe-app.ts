import { classifyResponse, type ProbeAnswer } from './classify-response.js';

export const DEFAULT_ASC_BASE_URL = 'https://api.appstoreconnect.apple.com';

/** One GET {base}/v1/apps/{appleId}; a timeout or a dropped connection is retryable. */
export async function probeApp(baseUrl: string, appleId: string, token: string, timeoutMs: number): Promise<ProbeAnswer> {
  const url = `${baseUrl.replace(/\/+$/, '')}/v1/apps/${encodeURIComponent(appleId)}`;
  try {
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return classifyResponse(response.status, body, response.headers.get('retry-after'));
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `connection failed (${e.cause?.code ?? e.name ?? 'error'})`;
    return { kind: 'retryable', summary: reason };
  }
}
