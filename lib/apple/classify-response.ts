/**
 * What one answer of App Store Connect means. Apple's error body is
 * {"errors":[{"status","code","title","detail"}]}.
 */
export type ProbeAnswer =
  | { readonly kind: 'ok' }
  | { readonly kind: 'unauthorized'; readonly summary: string }
  | { readonly kind: 'role'; readonly summary: string }
  | { readonly kind: 'agreement'; readonly summary: string }
  | { readonly kind: 'not-found'; readonly summary: string }
  | { readonly kind: 'retryable'; readonly summary: string; readonly retryAfterMs?: number }
  | { readonly kind: 'unexpected'; readonly summary: string };

interface AppleError {
  readonly status?: string;
  readonly code?: string;
  readonly title?: string;
  readonly detail?: string;
}

export function classifyResponse(status: number, body: string, retryAfter: string | null): ProbeAnswer {
  if (status >= 200 && status < 300) return { kind: 'ok' };
  const error = firstError(body);
  const summary = `HTTP ${status}${error?.code ? ` ${error.code}` : ''}${error?.detail ? `: ${error.detail.slice(0, 200)}` : error?.title ? `: ${error.title.slice(0, 200)}` : ''}`;
  if (status === 429 || status >= 500) {
    const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
    return { kind: 'retryable', summary, ...(seconds !== undefined && { retryAfterMs: seconds * 1000 }) };
  }
  if (!error)
    return { kind: 'unexpected', summary: `HTTP ${status} with a body that is not Apple's error format` };
  if (status === 401) return { kind: 'unauthorized', summary };
  if (status === 403 && error.code === 'FORBIDDEN_ERROR') return { kind: 'role', summary };
  if (status === 403 && error.code?.startsWith('FORBIDDEN.REQUIRED_AGREEMENTS'))
    return { kind: 'agreement', summary };
  if (status === 404) return { kind: 'not-found', summary };
  return { kind: 'unexpected', summary };
}

function firstError(body: string): AppleError | undefined {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    const first = Array.isArray(parsed.errors) ? (parsed.errors[0] as unknown) : undefined;
    return first && typeof first === 'object' ? (first as AppleError) : undefined;
  } catch {
    return undefined;
  }
}
