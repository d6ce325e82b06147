import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import type { KeyCheckResult } from '../../lib/checks/check-keys.js';
import { printAnnotations } from '../../lib/reports/github.js';
import { junitXml } from '../../lib/reports/junit.js';
import { keysReport } from '../../lib/reports/keys-report.js';

const result = (over: Partial<KeyCheckResult> & Pick<KeyCheckResult, 'customer'>): KeyCheckResult => ({
  file: `customers/${over.customer}.yaml`,
  keyId: '2X9R4HXF34',
  status: 'valid',
  code: 'OK',
  message: 'App Store Connect accepted the key',
  rotationDue: '2027-05-01',
  rotationOverdue: false,
  ageDays: 300,
  position: { line: 4, column: 3 },
  ...over,
});

/** What printAnnotations writes: the workflow commands the runner reads from the log. */
function annotations(report: ReturnType<typeof keysReport>): string[] {
  const stream = new PassThrough();
  let written = '';
  stream.on('data', (d: Buffer) => (written += d.toString()));
  printAnnotations(report.annotations, stream);
  return written.split('\n').filter(Boolean);
}

/** The next step every overdue warning carries. */
const HOW = (customer: string): string =>
  `; rotate it: ask the customer for a new App Manager key and run "asc-keys import --customer ${customer} …" with it (docs/operations.md, Rotating a key)`;

describe('keysReport: an overdue rotation is a warning in every output, and no exit code', () => {
  const overdue = result({ customer: 'acme-corp', rotationDue: '2026-11-01', rotationOverdue: true });
  const current = result({ customer: 'globex', keyId: 'B8VN3C6Z1Q' });

  test('valid keys, one overdue: exit 0, and the warning in text, JSON, Markdown, JUnit and annotations', () => {
    const report = keysReport([overdue, current]);
    expect(report.exitCode).toBe(0);

    expect(report.text).toContain('2026-11-01 (overdue)');
    expect(report.text).toContain(
      `warning: acme-corp: the key 2X9R4HXF34 was due for rotation on 2026-11-01${HOW('acme-corp')}`,
    );
    expect(report.text).not.toContain('warning: globex');

    expect(report.json).toMatchObject({
      results: [
        { customer: 'acme-corp', rotationDue: '2026-11-01', rotationOverdue: true },
        { customer: 'globex', rotationDue: '2027-05-01', rotationOverdue: false },
      ],
    });
    expect(report.markdown).toContain('| acme-corp | 2X9R4HXF34 | valid | OK | 2026-11-01 (overdue) |');

    // A passed case: no <failure> or <error>, the warning in its output.
    const xml = junitXml(report);
    expect(xml).not.toMatch(/<failure|<error/);
    expect(xml).toContain(
      '<system-out><![CDATA[OK: App Store Connect accepted the key (warning: rotation overdue since 2026-11-01)]]></system-out>',
    );

    expect(annotations(report)).toEqual([
      `::warning title=asc-keys ROTATION_OVERDUE,file=customers/acme-corp.yaml,line=4,col=3::the key 2X9R4HXF34 of acme-corp was due for rotation on 2026-11-01${HOW('acme-corp')}`,
    ]);
  });

  test('an invalid key that is also overdue: exit 1 from the key, an error and a warning', () => {
    const revoked = result({
      customer: 'initech',
      status: 'invalid',
      code: 'KEY_REJECTED',
      message: 'Apple rejected the key (HTTP 401 twice); ask the customer for a new key',
      rotationDue: '2026-10-01',
      rotationOverdue: true,
    });
    const report = keysReport([revoked, current]);
    expect(report.exitCode).toBe(1);
    expect(junitXml(report)).toContain(
      '<failure message="KEY_REJECTED: Apple rejected the key (HTTP 401 twice); ask the customer for a new key (warning: rotation overdue since 2026-10-01)" type="KEY_REJECTED"/>',
    );
    expect(annotations(report)).toEqual([
      '::error title=asc-keys KEY_REJECTED,file=customers/initech.yaml,line=4,col=3::initech: Apple rejected the key (HTTP 401 twice); ask the customer for a new key',
      `::warning title=asc-keys ROTATION_OVERDUE,file=customers/initech.yaml,line=4,col=3::the key 2X9R4HXF34 of initech was due for rotation on 2026-10-01${HOW('initech')}`,
    ]);
  });
});

describe('keysReport: key requests', () => {
  test("each result carries the key's age, its due day, the open request and the previous key's revocation", () => {
    const acme = result({ customer: 'acme-corp', ageDays: 340, rotationDue: '2027-05-01' });
    const globex = result({ customer: 'globex', ageDays: 12 });
    const requests = new Map([
      [
        'acme-corp',
        {
          request: { issue: 41, openedOn: '2027-04-01', sentTo: ['jane@acme.example'] },
          previousKeyRevoked: true,
        },
      ],
    ]);
    const json = keysReport([acme, globex], [], 7, requests).json as { results: Record<string, unknown>[] };
    expect(
      json.results.map((r) => [r.customer, r.ageDays, r.dueOn, r.request, r.previousKeyRevoked]),
    ).toEqual([
      [
        'acme-corp',
        340,
        '2027-05-01',
        { issue: 41, openedOn: '2027-04-01', sentTo: ['jane@acme.example'] },
        true,
      ],
      // Nothing known (GitHub not asked): null, as the contract says.
      ['globex', 12, '2027-05-01', null, null],
    ]);
  });
});
