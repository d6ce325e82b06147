import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EXAMPLE_CONFIG, REPO, tempProject } from '../support/project.js';
import { runIn } from '../support/run-in-process.js';

/** `asc-keys scp`, in process: the policy an organization administrator attaches to the account. */
describe('asc-keys scp', () => {
  const platform = EXAMPLE_CONFIG.context.platform;
  const committed = readFileSync(join(REPO, 'policies/custody-scp.json'), 'utf8');

  test('prints the policy on stdout, compact JSON on one line, as the repository keeps it; exit 0', async () => {
    const { dir } = tempProject({});
    const r = await runIn(dir, ['scp']);
    expect(r).toEqual({ code: 0, stdout: committed, stderr: '' });
    expect(r.stdout.trimEnd()).not.toContain('\n');
    expect(JSON.parse(r.stdout)).toMatchObject({ Version: '2012-10-17' });
  });

  test('--out writes the file and says where to attach it, on stderr; stdout stays empty', async () => {
    const { dir } = tempProject({});
    const r = await runIn(dir, ['scp', '--out', 'scp.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(join(dir, 'scp.json'), 'utf8')).toBe(committed);
    expect(r.stderr).toBe(
      'Wrote the service control policy to scp.json; attach it to the account 111122223333 (docs/security.md)\n',
    );
  });

  test("a policy over AWS Organizations' limit: exit 2, the size and what to change, nothing written", async () => {
    const administrators = Array.from(
      { length: 80 },
      (_, i) => `arn:aws:iam::111122223333:role/administrator-with-a-long-name-${i}`,
    );
    const { dir } = tempProject({}, { ...platform, administrators });
    const r = await runIn(dir, ['scp', '--out', 'scp.json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^asc-keys: the service control policy would be \d+ characters, over AWS Organizations' 5120; name fewer administrators in cdktf\.json \(one role that they assume\), then run asc-keys scp again\n$/,
    );
    expect(existsSync(join(dir, 'scp.json'))).toBe(false);
  });

  test('a platform configuration with errors: exit 2, the first error and "asc-keys lint", nothing printed', async () => {
    const { dir } = tempProject({}, { ...platform, accountId: 'not-an-account' });
    const r = await runIn(dir, ['scp']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^asc-keys: the platform configuration has errors, first cdktf\.json:\d+:\d+ .*accountId.*; run "asc-keys lint"\n$/,
    );
  });
});
