import { printable } from '../printable.js';

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

/**
 * `OK` needs proof (docs/contract.md: check keys): a 200 whose JSON `data` is the app asked about. A login
 * page of a captive portal, an empty body or another app's JSON is APPLE_UNEXPECTED.
 */
export function classifyResponse(
  status: number,
  body: string,
  retryAfter: string | null,
  appleId: string,
): ProbeAnswer {
  if (status === 200) return provesApp(body, appleId);
  const error = firstError(body);
  const said = error?.detail ?? error?.title;
  const summary = `HTTP ${status}${typeof error?.code === 'string' ? ` ${printable(error.code.slice(0, 80))}` : ''}${typeof said === 'string' ? `: ${printable(shorten(said, 200))}` : ''}`;
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

function provesApp(body: string, appleId: string): ProbeAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {
      kind: 'unexpected',
      summary: `HTTP 200 with ${body.trim() === '' ? 'an empty body' : `a body that is not JSON (${body.length} characters)`}, not the app: is the App Store Connect base URL right, or is a proxy answering?`,
    };
  }
  const data = (parsed as { data?: unknown } | null)?.data as { type?: unknown; id?: unknown } | undefined;
  if (!data || typeof data !== 'object')
    return { kind: 'unexpected', summary: 'HTTP 200 with JSON that has no "data": not the app' };
  if (data.type !== 'apps')
    return { kind: 'unexpected', summary: 'HTTP 200 with JSON whose data is not of type "apps"' };
  if (data.id !== appleId)
    return {
      kind: 'unexpected',
      summary: `HTTP 200 for another app than ${appleId}${typeof data.id === 'string' && /^[0-9]{1,20}$/.test(data.id) ? ` (${data.id})` : ''}`,
    };
  return { kind: 'ok' };
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

/**
 * Apple's words, at most about `max` characters: cut between words, never inside one, so that a
 * URL it names is either whole or left out.
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max + 1).search(/\s\S*$/);
  return `${cut > 0 ? text.slice(0, cut).trimEnd() : text.slice(0, max)} …`;
}
