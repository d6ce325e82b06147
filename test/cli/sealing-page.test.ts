import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ecThumbprint } from '../../lib/sealing/browser-core.js';
import {
  generateSealingKey,
  sealingPublicJwk,
  type SealingPrivateKey,
} from '../../lib/sealing/sealing-keyring.js';
import { runCli, type CliResult } from '../support/cli.js';
import { runCliIn } from '../support/run-in-process.js';
import { EXAMPLE_CONFIG } from '../support/project.js';

let dir: string;
let key: SealingPrivateKey;
const page = (args: string[]): Promise<CliResult> => runCliIn(['sealing-page', ...args], { cwd: dir });

describe('asc-keys sealing-page', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'asc-keys-page-cli-'));
    key = await generateSealingKey(new Date());
    writeFileSync(join(dir, 'sealing-public-key.json'), JSON.stringify(sealingPublicJwk(key)));
  });

  test('writes one HTML file with the public key inside, from the committed public key, without AWS', async () => {
    const r = await page(['--out', 'page.html']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`sealing key ${key.kid}`);
    const html = readFileSync(join(dir, 'page.html'), 'utf8');
    expect(html).toContain(key.privateJwk.x);
    expect(html).not.toContain(key.privateJwk.d);
  });

  test('the page names the receiving company as cdktf.json does (requests.companyName), and "us" without it', async () => {
    const plain = readFileSync(join(dir, 'page.html'), 'utf8');
    expect(plain).toContain('<h2 id="result-title">3. Send us this block</h2>');
    const project = mkdtempSync(join(tmpdir(), 'asc-keys-page-company-'));
    writeFileSync(join(project, 'sealing-public-key.json'), JSON.stringify(sealingPublicJwk(key)));
    const requests = {
      companyName: 'Initech & Co',
      sealingPageUrl: 'https://keys.example.com/{customer}.html',
    };
    writeFileSync(
      join(project, 'cdktf.json'),
      JSON.stringify({
        ...EXAMPLE_CONFIG,
        context: { platform: { ...EXAMPLE_CONFIG.context.platform, requests } },
      }),
    );
    const r = await runCli(['sealing-page', '--out', 'page.html'], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(project, 'page.html'), 'utf8');
    expect(html).toContain('<h2 id="result-title">3. Send Initech &#38; Co this block</h2>');
    expect(html).toContain("only Initech &#38; Co's publishing system can open");
    expect(html).toContain("only Initech &#38; Co's import tool can open it");
    expect(html).not.toMatch(/Send us|only our/);
  });

  test('a customer page names them, escaped', async () => {
    const r = await page([
      '--out',
      'acme.html',
      '--customer',
      'acme-corp',
      '--display-name',
      'ACME <script>x</script>',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(dir, 'acme.html'), 'utf8');
    expect(html).toContain('for ACME &#60;script&#62;x&#60;/script&#62;</h1>');
    expect(html).toContain('"customer":"acme-corp"');
  });

  test.each([
    [
      'no public key yet',
      ['--public-key', 'missing.json'],
      /no sealing public key at missing.json; an administrator creates it/,
    ],
    ['a bad slug', ['--customer', 'ACME'], /--customer must be a customer slug/],
    ['--display-name alone', ['--display-name', 'ACME'], /give --customer too/],
    ['an unwritable output', ['--out', join('no', 'such', 'dir.html')], /cannot write the page/],
  ])('%s: exit 2 with the next step', async (_what, args, message) => {
    const r = await page(['--out', 'x.html', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('a private key where the public key belongs is refused without being echoed', async () => {
    writeFileSync(join(dir, 'private.json'), JSON.stringify(key.privateJwk));
    const r = await page(['--out', 'x.html', '--public-key', 'private.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /holds a private key; rotate the sealing key \("asc-keys sealing-key create"\), then delete/,
    );
    expect(r.stdout + r.stderr).not.toContain(key.privateJwk.d);
  });

  test('a point that is not on the curve is refused, though its kid is its thumbprint', async () => {
    const x = 'A'.repeat(43);
    const y = 'B'.repeat(43);
    const kid = await ecThumbprint({ crv: 'P-256', x, y });
    writeFileSync(join(dir, 'off-curve.json'), JSON.stringify({ kty: 'EC', crv: 'P-256', x, y, kid }));
    const r = await page(['--out', 'x.html', '--public-key', 'off-curve.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a valid P-256 public key/);
  });

  test('a public key whose kid is not its thumbprint is refused', async () => {
    writeFileSync(
      join(dir, 'wrong-kid.json'),
      JSON.stringify({ ...sealingPublicJwk(key), kid: 'A'.repeat(43) }),
    );
    const r = await page(['--out', 'x.html', '--public-key', 'wrong-kid.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a sealing public key/);
  });
});
