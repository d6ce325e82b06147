import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { assertProject } from './project-guard.js';

/** Debian's chromium package; .ci/run installs it when it is missing. */
export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium with a fresh profile. Fails with a clear message when Debian's
 * chromium is missing: the browser tests never skip silently.
 */
export async function startChromium(): Promise<Browser> {
  // The terraform project's scenario from due to done seals a key on the page too.
  assertProject('Chromium', ['browser', 'terraform']);
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing. The browser tests need Debian's chromium: apt-get install -y chromium`,
    );
  const profile = mkdtempSync(join(tmpdir(), 'asc-keys-chromium-'));
  // Playwright refuses --user-data-dir among args; a persistent context is how it takes one.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1024, height: 900 },
    // The page's copy button; file:// pages may use the clipboard only when granted.
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
