import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withoutKeyMaterial } from '../lib/without-key-material.js';
import { runCli } from './support/cli.js';
import { generateTestKey, type TestKey } from './support/keys.js';
import { startMoto, type MotoServer } from './support/moto.js';
import { recordText, tempProject } from './support/project.js';

/** The lines of a PEM body, as someone would paste one of them. */
function bodyLines(key: TestKey): string[] {
  return key.pem.split('\n').filter((l) => l && !l.startsWith('-----'));
}

/** Every 20-character window of the key's body: no part of it may be shown. */
function windows(key: TestKey): string[] {
  return Array.from({ length: key.body.length - 19 }, (_, i) => key.body.slice(i, i + 20));
}

describe('withoutKeyMaterial', () => {
  let key: TestKey;
  beforeAll(async () => {
    key = await generateTestKey();
  });

  test('a PEM key, each line of its body alone, and base64 of the whole are described by their length', () => {
    const inputs = [
      `value: ${key.pem}`,
      ...bodyLines(key).map((l) => `apiKey.secret names "asc-keys/${l}"`),
      `"${Buffer.from(key.pem).toString('base64')}"`,
      key.pem.replaceAll('\n', '\\n'),
    ];
    for (const input of inputs) {
      const out = withoutKeyMaterial(input);
      for (const w of windows(key)) expect(out, input).not.toContain(w);
      expect(out).toMatch(
        /<(a PEM private key of \d+ characters|\d+ characters that look like key material), not shown>/,
      );
    }
    // The run swallows the slash before it (a base64 character), never the text around it.
    expect(withoutKeyMaterial(`names "asc-keys/${bodyLines(key)[0]}", but`)).toMatch(
      /^names "asc-<\d+ characters that look like key material, not shown>", but$/,
    );
  });

  test('what asc-keys prints by design is left alone: fingerprints, IDs, ARNs, names', () => {
    const plain = [
      `the key's fingerprint is ${key.fingerprint}, the record says DOx8dVGPO3YbdqXUWixkPuZ1Bp-Y0TA-DoIC347i6R4`,
      'arn:aws:secretsmanager:eu-central-1:111122223333:secret:asc-keys/acme-corp-AbC123',
      'Key ID 2X9R4HXF34, Issuer ID 57246542-96fe-1a63-e053-0824d011072a',
      'a slug of 63 characters: abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij123',
    ];
    for (const text of plain) expect(withoutKeyMaterial(text)).toBe(text);
  });
});

describe('a line of a private key pasted into any field of a record, through every command', () => {
  let moto: MotoServer;
  let key: TestKey;
  const outputs: [string, string][] = [];

  beforeAll(async () => {
    moto = await startMoto();
    key = await generateTestKey();
  });
  afterAll(() => moto.stop());

  test('is described, never quoted, in every finding of lint, synth, status, check keys and check drift', async () => {
    const [first, second, third] = bodyLines(key) as [string, string, string];
    const project = tempProject({
      // The secret reference of each scheme, and the fields whose findings quote their value.
      'in-name.yaml': recordText({
        customer: 'in-name',
        appleId: '1',
        keyId: 'AAAAAAAAA1',
        secret: `aws-sm:asc-keys/${first}`,
      }),
      'in-path.yaml': recordText({
        customer: 'in-path',
        appleId: '2',
        keyId: 'AAAAAAAAA2',
        secret: `file:/${second}`,
      }),
      'in-arn.yaml': recordText({
        customer: 'in-arn',
        appleId: '3',
        keyId: 'AAAAAAAAA3',
        secret: `aws-sm:arn:aws:secretsmanager:eu-central-1:111122223333:secret:${third}`,
      }),
      'in-scheme.yaml': recordText({
        customer: 'in-scheme',
        appleId: '4',
        keyId: 'AAAAAAAAA4',
        secret: first,
      }),
      'in-ids.yaml': recordText({ customer: 'in-ids', appleId: '5', keyId: second, issuerId: third }),
      'in-fields.yaml': recordText({
        customer: 'in-fields',
        appleId: '6',
        keyId: 'AAAAAAAAA6',
        extra: `${first}: x\ncontacts:\n  - name: ${second}\n    email: ${third}`,
      }).replace('displayName: ACME Corp', `displayName: ${first}`),
      // A file name made of key material (a slash cannot be in a name).
      [`${third.replace(/[+/]/g, 'x')}.yaml`]: recordText({
        customer: 'in-file-name',
        appleId: '7',
        keyId: 'AAAAAAAAA7',
      }),
      'dup-a.yaml': recordText({
        customer: 'dup-a',
        appleId: '8',
        keyId: 'AAAAAAAAA8',
        secret: `file:k/${first}`,
      }),
      'dup-b.yaml': recordText({
        customer: 'dup-b',
        appleId: '9',
        keyId: 'AAAAAAAAA9',
        secret: `file:k/${first}`,
      }),
    });
    mkdirSync(join(project.dir, 'k'));
    const run = async (label: string, args: string[]): Promise<void> => {
      for (const format of ['text', 'json']) {
        const junit = join(project.dir, 'out.xml');
        const summary = join(project.dir, 'summary.md');
        writeFileSync(junit, '');
        writeFileSync(summary, '');
        const r = await runCli([...args, '--format', format, '--junit', junit], {
          cwd: project.dir,
          env: {
            ...moto.env,
            GITHUB_ACTIONS: 'true',
            GITHUB_STEP_SUMMARY: summary,
            AWS_EC2_METADATA_DISABLED: 'true',
          },
        });
        outputs.push(
          [`${label} ${format} stdout`, r.stdout],
          [`${label} ${format} stderr`, r.stderr],
          [`${label} ${format} junit`, readFileSync(junit, 'utf8')],
          [`${label} ${format} summary`, readFileSync(summary, 'utf8')],
        );
      }
    };
    await run('lint', ['lint']);
    await run('synth', ['synth']);
    await run('status', ['status']);
    await run('check keys', ['check', 'keys']);
    await run('check drift', ['check', 'drift']);

    // The findings are there, and they describe what they found.
    const lint = outputs.find(([label]) => label === 'lint text stdout')![1];
    for (const code of [
      'SECRET_NAME_PREFIX',
      'SECRET_PATH',
      'FIELD_INVALID',
      'SECRET_SCHEME',
      'FIELD_UNKNOWN',
      'PRIVATE_KEY_IN_FILE',
    ])
      expect(lint).toContain(code);
    expect(lint).toContain('characters that look like key material, not shown');
    const leaks = outputs.flatMap(([label, text]) =>
      windows(key)
        .filter((w) => text.includes(w))
        .map((w) => `${label}: ${w}`),
    );
    expect(leaks).toEqual([]);
  });
});
