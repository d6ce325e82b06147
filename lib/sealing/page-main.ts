import type { CheckedKey, KeyFileProblem, SealingPublicJwk } from './browser-core.js';

/** What the page is built with: the sealing public key and, for one customer's page, who. */
export interface PageConfig {
  readonly recipient: SealingPublicJwk;
  readonly customer?: string;
}

/**
 * The little of the DOM the page uses, declared here rather than through TypeScript's DOM
 * library, which would change global types (timers, fetch) for the whole Node program.
 */
interface PageFile {
  readonly name: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}
interface PageEvent {
  preventDefault(): void;
  readonly dataTransfer?: { readonly files: ArrayLike<PageFile> } | null;
}
interface PageElement {
  hidden: boolean;
  textContent: string | null;
  value: string;
  checked: boolean;
  disabled: boolean;
  readonly files?: ArrayLike<PageFile> | null;
  readonly classList: { add(name: string): void; remove(name: string): void };
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  addEventListener(type: string, listener: (event: PageEvent) => void): void;
  focus(): void;
  select(): void;
}
interface PageGlobals {
  readonly document: {
    getElementById(id: string): PageElement | null;
    execCommand(command: string): boolean;
  };
  readonly navigator: { readonly clipboard?: { writeText(text: string): Promise<void> } };
}

/** browser-core's functions, which the page declares before calling pageMain. */
declare function checkKeyFile(name: string, bytes: Uint8Array): Promise<CheckedKey | KeyFileProblem>;
declare function issuerIdProblem(text: string): string | undefined;
declare function sealKey(
  recipient: SealingPublicJwk,
  key: CheckedKey,
  ids: { issuerId?: string; customer?: string },
): Promise<string>;

/**
 * The page's behaviour: check the dropped key, check the Issuer ID, seal, show the block. It
 * runs in the customer's browser only (inlined by `Function#toString`, like browser-core), so
 * it may use nothing but browser-core's functions and the DOM. The checked key lives in one
 * local variable until it is sealed and is dropped right after; the file input is cleared.
 */
export function pageMain(config: PageConfig): void {
  const { document, navigator } = globalThis as unknown as PageGlobals;
  const byId = (id: string): PageElement => document.getElementById(id)!;
  const fileInput = byId('key-file');
  const dropZone = byId('drop-zone');
  const fileError = byId('key-file-error');
  const keyFacts = byId('key-facts');
  const keyIdOut = byId('key-id');
  const fingerprintOut = byId('fingerprint');
  const issuerInput = byId('issuer-id');
  const issuerError = byId('issuer-id-error');
  const individual = byId('individual');
  const form = byId('seal-form');
  const status = byId('status');
  const result = byId('result');
  const block = byId('sealed-block');
  const copyButton = byId('copy');
  const againButton = byId('start-over');

  let checked: CheckedKey | null = null;
  /** The key file was refused: its message stays next to the field until another file is taken. */
  let refused = false;

  const showError = (input: PageElement, out: PageElement, message: string | undefined): void => {
    out.textContent = message ?? '';
    out.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  const say = (message: string): void => {
    status.textContent = message;
  };

  /**
   * A block shown no longer matches a form that changed after sealing: it goes, so that nobody
   * copies a block with the old Issuer ID. The key was dropped when it was sealed: pick it again.
   */
  const formChanged = (): void => {
    if (result.hidden) return;
    result.hidden = true;
    block.value = '';
    keyFacts.hidden = true;
    say(
      'The form changed after sealing, so the block was removed. Choose the key file again and seal again.',
    );
  };

  async function takeFile(file: PageFile | undefined): Promise<void> {
    checked = null;
    refused = false;
    keyFacts.hidden = true;
    result.hidden = true;
    block.value = '';
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const outcome = await checkKeyFile(file.name, bytes);
    bytes.fill(0);
    if (!outcome.ok) {
      fileInput.value = '';
      refused = true;
      showError(fileInput, fileError, outcome.message);
      say('The key file was not accepted.');
      return;
    }
    showError(fileInput, fileError, undefined);
    checked = outcome;
    keyIdOut.textContent = outcome.keyId;
    fingerprintOut.textContent = outcome.fingerprint;
    keyFacts.hidden = false;
    say(`Key ${outcome.keyId} checked: an App Store Connect API key. Next, the Issuer ID.`);
  }

  fileInput.addEventListener('change', () => void takeFile(fileInput.files?.[0]));
  dropZone.addEventListener('dragover', (e) => {
    e.preventDefault();
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
  dropZone.addEventListener('drop', (e) => {
    e.preventDefault();
    dropZone.classList.remove('dragging');
    void takeFile(e.dataTransfer?.files[0]);
  });
  issuerInput.addEventListener('input', formChanged);
  individual.addEventListener('change', () => {
    formChanged();
    issuerInput.disabled = individual.checked;
    if (individual.checked) {
      issuerInput.value = '';
      showError(issuerInput, issuerError, undefined);
    }
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void seal();
  });

  async function seal(): Promise<void> {
    const issuerId = issuerInput.value.trim();
    const issuerProblem = individual.checked ? undefined : issuerIdProblem(issuerId);
    showError(issuerInput, issuerError, issuerProblem);
    if (!checked) {
      // A refused file keeps the reason it was refused; none chosen yet asks for one.
      if (!refused) showError(fileInput, fileError, 'Choose your AuthKey_<Key ID>.p8 file first.');
      fileInput.focus();
      say(
        refused
          ? 'Nothing sealed: the key file was not accepted. The message under the file field says why and which file to pick.'
          : 'Nothing sealed: choose the key file first.',
      );
      return;
    }
    if (issuerProblem) {
      issuerInput.focus();
      say('Nothing sealed: the Issuer ID is not valid.');
      return;
    }
    const key = checked;
    checked = null;
    try {
      block.value = await sealKey(config.recipient, key, {
        ...(individual.checked ? {} : { issuerId }),
        ...(config.customer ? { customer: config.customer } : {}),
      });
    } catch {
      say('Sealing failed in this browser. Please try a current version of Chrome, Edge, Firefox or Safari.');
      return;
    } finally {
      fileInput.value = '';
    }
    result.hidden = false;
    block.focus();
    block.select();
    say('Sealed. Copy the block and paste it into your reply.');
  }

  copyButton.addEventListener('click', () => {
    block.select();
    const done = (): void => say('Copied. Paste it into your reply, from the BEGIN line to the END line.');
    if (navigator.clipboard) {
      navigator.clipboard.writeText(block.value).then(done, () => {
        document.execCommand('copy');
        done();
      });
    } else {
      document.execCommand('copy');
      done();
    }
  });

  againButton.addEventListener('click', () => {
    checked = null;
    refused = false;
    fileInput.value = '';
    issuerInput.value = '';
    block.value = '';
    result.hidden = true;
    keyFacts.hidden = true;
    showError(fileInput, fileError, undefined);
    showError(issuerInput, issuerError, undefined);
    fileInput.focus();
    say('Cleared.');
  });
}
