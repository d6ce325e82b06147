import { createHash } from 'node:crypto';
import { SEALED_CORE_FUNCTIONS, type SealingPublicJwk } from './browser-core.js';
import { pageMain, type PageConfig } from './page-main.js';

export interface SealingPageOptions {
  readonly recipient: SealingPublicJwk;
  /** A page for one customer: it names them, and the block carries the slug. */
  readonly customer?: string;
  /** How the page names that customer. @default the slug */
  readonly customerName?: string;
  /** Who receives the block (the configuration's requests.companyName). @default "us" */
  readonly companyName?: string;
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1b1f; --bg: #fff; --muted: #555a64; --line: #c4c7cf; --accent: #0b57d0; --error: #b3261e; --ok: #146c2e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e6ea; --bg: #121316; --muted: #b0b3ba; --line: #4a4d55; --accent: #a8c7fa; --error: #f2b8b5; --ok: #8fd9a0; } }
* { box-sizing: border-box; }
body { margin: 0; overflow-wrap: break-word; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 42rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 .5rem; }
h2 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
p, li { max-width: 40rem; }
.muted { color: var(--muted); }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
.drop { border: 2px dashed var(--line); border-radius: .5rem; padding: 1rem; }
.drop.dragging { border-color: var(--accent); }
input[type=text] { width: 100%; font: inherit; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: .6rem; border: 1px solid var(--line); border-radius: .375rem; background: var(--bg); color: var(--fg); }
input[type=file] { font: inherit; max-width: 100%; }
input[aria-invalid=true] { border-color: var(--error); }
.check { display: flex; gap: .5rem; align-items: center; font-weight: 400; }
.check input { width: 1.25rem; height: 1.25rem; }
.error { color: var(--error); font-weight: 600; margin: .25rem 0 0; }
button { font: inherit; font-weight: 600; padding: .65rem 1.1rem; border-radius: .375rem; border: 1px solid var(--accent); background: var(--accent); color: var(--bg); cursor: pointer; margin: 1rem .5rem 0 0; min-height: 2.75rem; }
button.secondary { background: transparent; color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .75rem 0 0; }
dt { font-weight: 600; }
dd { margin: 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
textarea { width: 100%; min-height: 22rem; font: .85rem/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: .6rem; border: 1px solid var(--line); border-radius: .375rem; background: var(--bg); color: var(--fg); }
.status { min-height: 1.5rem; color: var(--ok); font-weight: 600; }
[hidden] { display: none !important; }
`;

/**
 * The sealing page: one self-contained HTML file. Everything is inline, and its Content
 * Security Policy allows exactly that inline script and style and nothing else: no request can
 * leave the page, whether it is opened from file:// or from a help center.
 */
export function sealingPageHtml(options: SealingPageOptions): string {
  const config: PageConfig = {
    recipient: {
      kty: options.recipient.kty,
      crv: options.recipient.crv,
      x: options.recipient.x,
      y: options.recipient.y,
      kid: options.recipient.kid,
    },
    ...(options.customer && { customer: options.customer }),
  };
  const script = [
    '"use strict";',
    ...SEALED_CORE_FUNCTIONS.map(String),
    pageMain.toString(),
    // JSON inside a script: "<" escaped so no value can close the element.
    `pageMain(${JSON.stringify(config).replace(/</g, '\\u003c')});`,
  ].join('\n');
  const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  const csp = `default-src 'none'; script-src ${hash(script)}; style-src ${hash(STYLE)}; img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'`;
  const who = options.customer ? escapeHtml(options.customerName ?? options.customer) : undefined;
  const company = options.companyName ? escapeHtml(options.companyName) : undefined;
  const ours = company ? `${company}'s` : 'our';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Seal your App Store Connect API key${who ? ` (${who})` : ''}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Seal your App Store Connect API key${who ? ` for ${who}` : ''}</h1>
<p>This page turns your API key into a sealed block of text that only ${ours} publishing system can open. Send ${company ?? 'us'} the block instead of the key file: nobody who sees your email, including ${company ?? 'us'}, can read the key from it.</p>
<p class="muted">Everything happens in this browser. The page sends nothing anywhere; you can even open it offline.</p>
<form id="seal-form" novalidate>
<h2>1. Your key file</h2>
<div id="drop-zone" class="drop">
<label for="key-file">The AuthKey_&lt;Key ID&gt;.p8 file you downloaded from App Store Connect</label>
<p id="key-file-hint" class="muted">Choose the file, or drop it here. The Key ID is read from its name.</p>
<input type="file" id="key-file" accept=".p8" aria-describedby="key-file-hint key-file-error">
<p id="key-file-error" class="error" aria-live="assertive" hidden></p>
</div>
<dl id="key-facts" hidden>
<dt>Key ID</dt><dd id="key-id"></dd>
<dt>Fingerprint</dt><dd id="fingerprint"></dd>
</dl>
<h2>2. Your Issuer ID</h2>
<label for="issuer-id">Issuer ID</label>
<p id="issuer-id-hint" class="muted">Apple shows your team's Issuer ID in App Store Connect, under Users and Access, Integrations, above the list of keys. Copy it from there.</p>
<input type="text" id="issuer-id" name="issuer-id" autocomplete="off" autocapitalize="off" spellcheck="false" inputmode="text" placeholder="xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" aria-describedby="issuer-id-hint issuer-id-error">
<p id="issuer-id-error" class="error" aria-live="assertive" hidden></p>
<label class="check" for="individual"><input type="checkbox" id="individual"> This is an individual key (it has no Issuer ID)</label>
<button type="submit" id="seal">Seal the key</button>
</form>
<p id="status" class="status" role="status" aria-live="polite"></p>
<section id="result" hidden aria-labelledby="result-title">
<h2 id="result-title">3. Send ${company ?? 'us'} this block</h2>
<label for="sealed-block">Your sealed key</label>
<textarea id="sealed-block" readonly aria-describedby="result-hint"></textarea>
<p id="result-hint">Copy the whole block, from the BEGIN line to the END line, and paste it into your reply to your onboarding engineer. It is safe to send by email: only ${ours} import tool can open it, and it holds your key, Key ID and Issuer ID, so there is nothing else to send. Keep the .p8 file in a safe place or delete it.</p>
<button type="button" id="copy">Copy the block</button>
<button type="button" id="start-over" class="secondary">Start over</button>
</section>
<p class="muted">Sealing key ${escapeHtml(config.recipient.kid)}</p>
</main>
<script>${script}</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
