import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { classifyResponse, shorten } from '../../lib/apple/classify-response.js';

const body = (status: number, code: string): string =>
  JSON.stringify({ errors: [{ status: String(status), code, title: 't', detail: 'the detail' }] });

describe('classifyResponse', () => {
  const cases: [number, string, string][] = [
    [200, JSON.stringify({ data: { type: 'apps', id: '111', attributes: {} } }), 'ok'],
    // OK needs proof: the app asked about, nothing else.
    [200, '{}', 'unexpected'],
    [200, '', 'unexpected'],
    [200, '<html><form>Sign in to the Wi-Fi</form></html>', 'unexpected'],
    [200, 'garbage\u0000', 'unexpected'],
    [200, JSON.stringify({ data: { type: 'apps', id: '222' } }), 'unexpected'],
    [200, JSON.stringify({ data: { type: 'users', id: '111' } }), 'unexpected'],
    [200, JSON.stringify({ data: { type: 'apps', id: 111 } }), 'unexpected'],
    [200, JSON.stringify({ data: [{ type: 'apps', id: '111' }] }), 'unexpected'],
    [200, 'null', 'unexpected'],
    [201, JSON.stringify({ data: { type: 'apps', id: '111' } }), 'unexpected'],
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
      assert.equal(classifyResponse(status, text, null, '111').kind, kind));
  }

  test("the summary names the status, Apple's code and detail", () => {
    assert.deepEqual(classifyResponse(403, body(403, 'FORBIDDEN_ERROR'), null, '111'), {
      kind: 'role',
      summary: 'HTTP 403 FORBIDDEN_ERROR: the detail',
    });
  });

  test("another app's answer names what was wrong; Apple's text is escaped", () => {
    assert.deepEqual(
      classifyResponse(200, JSON.stringify({ data: { type: 'apps', id: '222' } }), null, '111'),
      {
        kind: 'unexpected',
        summary: 'HTTP 200 for another app than 111 (222)',
      },
    );
    const hostile = JSON.stringify({
      errors: [{ code: 'X\n::error::code', detail: 'line\n::add-mask::secret' }],
    });
    assert.deepEqual(classifyResponse(400, hostile, null, '111'), {
      kind: 'unexpected',
      summary: 'HTTP 400 X\\n::error::code: line\\n::add-mask::secret',
    });
  });

  test('Retry-After in seconds is read; an HTTP date is left to the backoff', () => {
    assert.deepEqual(classifyResponse(429, body(429, 'RATE_LIMIT_EXCEEDED'), '12', '111'), {
      kind: 'retryable',
      summary: 'HTTP 429 RATE_LIMIT_EXCEEDED: the detail',
      retryAfterMs: 12_000,
    });
    assert.equal(
      (classifyResponse(503, '', 'Fri, 27 Nov 2026 12:00:00 GMT', '111') as { retryAfterMs?: number })
        .retryAfterMs,
      undefined,
    );
  });

  test("Apple's long text is cut between words, never inside the URL it names", () => {
    const url =
      'https://developer.apple.com/documentation/appstoreconnectapi/generating-tokens-for-api-requests';
    for (const lead of [120, 150, 170, 190, 199])
      for (const detail of [
        `${'x '.repeat(lead / 2)}see ${url} for details`,
        `${'word '.repeat(lead / 5)}${url}`,
      ]) {
        const { summary } = classifyResponse(401, body401(detail), null, '111') as { summary: string };
        const said = summary.replace(/^HTTP 401 NOT_AUTHORIZED: /, '');
        assert.ok(said.length <= 202, `${said.length}`);
        // The URL is whole, or not there at all.
        assert.ok(said.includes(url) || !said.includes('https:'), said);
        if (detail.length > 200) assert.match(said, / …$/);
      }
    assert.equal(shorten('short enough', 200), 'short enough');
    assert.equal(shorten('x'.repeat(300), 200), `${'x'.repeat(200)} …`);
  });
});

function body401(detail: string): string {
  return JSON.stringify({ errors: [{ status: '401', code: 'NOT_AUTHORIZED', title: 'x', detail }] });
}
