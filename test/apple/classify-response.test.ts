import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { classifyResponse } from '../../lib/apple/classify-response.js';

const body = (status: number, code: string): string =>
  JSON.stringify({ errors: [{ status: String(status), code, title: 't', detail: 'the detail' }] });

describe('classifyResponse', () => {
  const cases: [number, string, string][] = [
    [200, '{}', 'ok'],
    [401, body(401, 'NOT_AUTHORIZED'), 'unauthorized'],
    [403, body(403, 'FORBIDDEN_ERROR'), 'role'],
    [403, body(403, 'FORBIDDEN.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED'), 'agreement'],
    [403, body(403, 'FORBIDDEN.REQUIRED_AGREEMENTS_SOMETHING_NEW'), 'agreement'],
    [403, body(403, 'FORBIDDEN.OTHER'), 'unexpected'],
    [404, body(404, 'NOT_FOUND'), 'not-found'],
    [429, body(429, 'RATE_LIMIT_EXCEEDED'), 'retryable'],
    [500, body(500, 'UNEXPECTED_ERROR'), 'retryable'],
    [503, '<html>busy</html>', 'retryable'],
    [400, body(400, 'PARAMETER_ERROR'), 'unexpected'],
    [401, 'not json', 'unexpected'],
    [403, '{"errors": []}', 'unexpected'],
  ];
  for (const [status, text, kind] of cases) {
    test(`${status} ${text.slice(0, 60)} is ${kind}`, () =>
      assert.equal(classifyResponse(status, text, null).kind, kind));
  }

  test("the summary names the status, Apple's code and detail", () => {
    assert.deepEqual(classifyResponse(403, body(403, 'FORBIDDEN_ERROR'), null), {
      kind: 'role',
      summary: 'HTTP 403 FORBIDDEN_ERROR: the detail',
    });
  });

  test('Retry-After in seconds is read; an HTTP date is left to the backoff', () => {
    assert.deepEqual(classifyResponse(429, body(429, 'RATE_LIMIT_EXCEEDED'), '12'), {
      kind: 'retryable',
      summary: 'HTTP 429 RATE_LIMIT_EXCEEDED: the detail',
      retryAfterMs: 12_000,
    });
    assert.equal(
      (classifyResponse(503, '', 'Fri, 27 Nov 2026 12:00:00 GMT') as { retryAfterMs?: number }).retryAfterMs,
      undefined,
    );
  });
});
