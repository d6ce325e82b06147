import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { openSealedBlock } from '../../lib/sealing/open-sealed.js';
import {
  generateSealingKey,
  sealingPublicJwk,
  type SealingKeyRing,
} from '../../lib/sealing/sealing-keyring.js';
import { startChromium, type Browser } from '../support/chromium.js';
import { runCli } from '../support/cli.js';
import { dropFile, sealedBlockOf } from '../support/sealing-page-driver.js';
import { generateTestKey, type TestKey } from '../support/keys.js';
import { REPO } from '../support/project.js';

const ARTIFACTS = join(REPO, 'test-artifacts', 'sealing-page');
const ISSUER = '57246542-96fe-1a63-e053-0824d011072a';
const KEY_ID = '2X9R4HXF34';

let browser: Browser;
let dir: string;
let ring: SealingKeyRing;
/** Every request any page made, in every test. */
const requests: string[] = [];
const pageUrl = (name: string): string => pathToFileURL(join(dir, name)).href;

async function buildPage(name: string, extra: string[] = []): Promise<void> {
  const r = await runCli(
    ['sealing-page', '--out', name, '--public-key', 'sealing-public-key.json', ...extra],
    { cwd: dir },
  );
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

async function open(name = 'page.html'): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('request', (r) => {
    if (r.url() !== pageUrl(name)) requests.push(r.url());
  });
  // Attempts the Content Security Policy stopped never become requests; count them too.
  await page.addInitScript({
    content:
      "window.violations = []; document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));",
  });
  await page.goto(pageUrl(name));
  return page;
}

function keyFile(name: string, text: string): string {
  const path = join(dir, 'files', name);
  mkdirSync(join(dir, 'files'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const drop = dropFile;
const sealedBlock = sealedBlockOf;

describe('the sealing page in Chromium', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'asc-keys-page-'));
    const current = await generateSealingKey(new Date());
    ring = { keys: [current] };
    writeFileSync(join(dir, 'sealing-public-key.json'), JSON.stringify(sealingPublicJwk(current)));
    await buildPage('page.html', ['--customer', 'acme-corp', '--display-name', 'ACME Corp']);
    await buildPage('general.html');
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await startChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('a dropped key is checked, shown by Key ID and fingerprint, sealed, and the block opens with the sealing key', async () => {
    const key = await generateTestKey();
    const page = await open();
    await expect.poll(() => page.locator('h1').textContent()).toContain('ACME Corp');
    await drop(page, `AuthKey_${KEY_ID}.p8`, key.pem);
    await expect.poll(() => page.locator('#key-id').textContent()).toBe(KEY_ID);
    expect(await page.locator('#fingerprint').textContent()).toBe(key.fingerprint);
    await page.fill('#issuer-id', ISSUER);
    await page.click('#seal');
    await expect.poll(() => sealedBlock(page)).toMatch(/END ASC-KEYS SEALED KEY/);
    expect(await page.locator('#result').isVisible()).toBe(true);
    const block = await sealedBlock(page);
    expect(await openSealedBlock(block, ring)).toEqual({
      customer: 'acme-corp',
      keyId: KEY_ID,
      issuerId: ISSUER,
      keyType: 'team',
      fingerprint: key.fingerprint,
      pem: key.pem,
    });
    await page.screenshot({ path: join(ARTIFACTS, 'sealed.png'), fullPage: true });
    await page.click('#copy');
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/^Copied/);
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(block);
    await expectNoKeyMaterialLeft(page, key);
    expect(await page.evaluate('window.violations')).toEqual([]);
    await page.close();
  });

  test('picked with the file chooser, an individual key, on the page for any customer', async () => {
    const key = await generateTestKey();
    const page = await open('general.html');
    await page.setInputFiles('#key-file', keyFile(`AuthKey_${KEY_ID} (1).p8`, key.pem));
    await expect.poll(() => page.locator('#key-id').textContent()).toBe(KEY_ID);
    await page.check('#individual');
    expect(await page.locator('#issuer-id').isDisabled()).toBe(true);
    await page.click('#seal');
    await expect.poll(() => sealedBlock(page)).toMatch(/END ASC-KEYS SEALED KEY/);
    const payload = await openSealedBlock(await sealedBlock(page), ring);
    expect(payload).toMatchObject({ keyId: KEY_ID, keyType: 'individual', pem: key.pem });
    expect(payload.customer).toBeUndefined();
    await page.close();
  });

  const refused: [string, string, () => string, RegExp][] = [
    ['a P-384 key', `AuthKey_${KEY_ID}.p8`, () => pem('ec', { namedCurve: 'P-384' }), /EC key on P-384/],
    ['an RSA key', `AuthKey_${KEY_ID}.p8`, () => pem('rsa', { modulusLength: 2048 }), /RSA key/],
    ['a public key', `AuthKey_${KEY_ID}.p8`, () => publicPem(), /public key, not the private key/],
    [
      'a file named differently',
      'my-key.p8',
      () => pem('ec', { namedCurve: 'P-256' }),
      /file name must be AuthKey_<Key ID>\.p8/,
    ],
  ];
  test.each(refused)(
    '%s is refused next to the file field, and no block is made',
    async (_what, name, make, message) => {
      const page = await open();
      await page.setInputFiles('#key-file', keyFile(name, make()));
      await expect.poll(() => page.locator('#key-file-error').textContent()).toMatch(message);
      expect(await page.locator('#key-file-error').isVisible()).toBe(true);
      expect(await page.getAttribute('#key-file', 'aria-invalid')).toBe('true');
      expect(await page.getAttribute('#key-file', 'aria-describedby')).toContain('key-file-error');
      await page.fill('#issuer-id', ISSUER);
      await page.click('#seal');
      // The status says the file was refused, and the reason stays under the field.
      await expect
        .poll(() => page.locator('#status').textContent())
        .toMatch(/^Nothing sealed: the key file was not accepted/);
      expect(await page.locator('#key-file-error').textContent()).toMatch(message);
      expect(await page.locator('#status').textContent()).not.toMatch(/missing/);
      expect(await sealedBlock(page)).toBe('');
      expect(await page.locator('#result').isVisible()).toBe(false);
      await page.close();
    },
  );

  test('no file chosen: Seal asks for the key file first', async () => {
    const page = await open();
    await page.fill('#issuer-id', ISSUER);
    await page.click('#seal');
    await expect
      .poll(() => page.locator('#status').textContent())
      .toBe('Nothing sealed: choose the key file first.');
    expect(await page.locator('#key-file-error').textContent()).toMatch(
      /Choose your AuthKey_<Key ID>\.p8 file first/,
    );
    expect(await page.evaluate('document.activeElement.id')).toBe('key-file');
    await page.close();
  });

  test('a form that changes after sealing loses its block: a new Issuer ID, or the individual box', async () => {
    const key = await generateTestKey();
    const page = await open();
    for (const change of [
      () => page.fill('#issuer-id', ISSUER.toUpperCase()),
      () => page.keyboard.type('0'),
      () => page.check('#individual'),
    ]) {
      await page.uncheck('#individual');
      await drop(page, `AuthKey_${KEY_ID}.p8`, key.pem);
      await expect.poll(() => page.locator('#key-id').textContent()).toBe(KEY_ID);
      await page.fill('#issuer-id', ISSUER);
      await page.click('#seal');
      await expect.poll(() => sealedBlock(page)).toMatch(/END ASC-KEYS SEALED KEY/);
      expect(await page.locator('#copy').isVisible()).toBe(true);
      await page.focus('#issuer-id');
      await change();
      await expect.poll(() => page.locator('#result').isVisible()).toBe(false);
      expect(await sealedBlock(page)).toBe('');
      expect(await page.locator('#copy').isVisible()).toBe(false);
      expect(await page.locator('#status').textContent()).toMatch(
        /form changed after sealing.*Choose the key file again/,
      );
    }
    await page.close();
  });

  test('a malformed Issuer ID is refused next to its field, focus goes there, and no block is made (keyboard only)', async () => {
    const key = await generateTestKey();
    const page = await open();
    await drop(page, `AuthKey_${KEY_ID}.p8`, key.pem);
    await expect.poll(() => page.locator('#key-id').textContent()).toBe(KEY_ID);
    await page.focus('#issuer-id');
    await page.keyboard.type('57246542-96fe-1a63-e053-0824d011072');
    await page.keyboard.press('Tab'); // to the checkbox
    await page.keyboard.press('Tab'); // to the button
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#issuer-id-error').textContent())
      .toMatch(/^This is not an Issuer ID\. An Issuer ID is 32 hexadecimal digits/);
    expect(await page.evaluate('document.activeElement.id')).toBe('issuer-id');
    expect(await page.getAttribute('#issuer-id', 'aria-invalid')).toBe('true');
    expect(await sealedBlock(page)).toBe('');
    // Fixed by keyboard, sealed by keyboard.
    await page.fill('#issuer-id', ISSUER);
    await page.keyboard.press('Enter');
    await expect.poll(() => sealedBlock(page)).toMatch(/END ASC-KEYS SEALED KEY/);
    expect(await page.getAttribute('#issuer-id', 'aria-invalid')).toBeNull();
    await page.close();
  });

  test('every control has a label, and live regions announce errors and progress', async () => {
    const page = await open();
    const unlabelled = await page.evaluate(
      "[...document.querySelectorAll('input, textarea')].filter((el) => !el.labels.length).map((el) => el.id)",
    );
    expect(unlabelled).toEqual([]);
    expect(await page.getAttribute('#status', 'aria-live')).toBe('polite');
    expect(await page.getAttribute('#key-file-error', 'aria-live')).toBe('assertive');
    expect(await page.getAttribute('#issuer-id-error', 'aria-live')).toBe('assertive');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.close();
  });

  test('readable on a phone: no sideways scrolling at 360 pixels, after sealing too', async () => {
    const key = await generateTestKey();
    const page = await open();
    await page.setViewportSize({ width: 360, height: 740 });
    await drop(page, `AuthKey_${KEY_ID}.p8`, key.pem);
    await page.fill('#issuer-id', ISSUER);
    await page.click('#seal');
    await expect.poll(() => sealedBlock(page)).toMatch(/END/);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.screenshot({ path: join(ARTIFACTS, 'phone.png'), fullPage: true });
    await page.close();
  });

  test('the page is one file that makes no request at all', () => {
    const html = readFileSync(join(dir, 'page.html'), 'utf8');
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b|\bsrc=|@import|url\(/i);
    expect(html).toMatch(/default-src 'none'/);
    // Runs last in this file: every page above was recorded.
    expect(requests).toEqual([]);
  });
});

/** After sealing: no key in the DOM, the file input empty, and none of it in the page's heap. */
async function expectNoKeyMaterialLeft(page: Page, key: TestKey): Promise<void> {
  expect(await page.evaluate("document.getElementById('key-file').files.length")).toBe(0);
  const html = await page.content();
  const d = key.privateKey.export({ format: 'jwk' }).d!;
  const needles = [...windows(key.body), ...windows(d)];
  expect(needles.filter((n) => html.includes(n))).toEqual([]);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  let snapshot = '';
  cdp.on('HeapProfiler.addHeapSnapshotChunk', (e: { chunk: string }) => (snapshot += e.chunk));
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  expect(snapshot.length).toBeGreaterThan(10_000);
  expect(needles.filter((n) => snapshot.includes(n))).toEqual([]);
  await cdp.detach();
}

function windows(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 24 <= text.length; i += 12) out.push(text.slice(i, i + 24));
  return out;
}

function pem(type: 'ec' | 'rsa', options: { namedCurve?: string; modulusLength?: number }): string {
  const { privateKey } = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}
function publicPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ format: 'pem', type: 'spki' })
    .toString();
}
