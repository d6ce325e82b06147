import type { Page } from 'playwright-core';

/**
 * Drops a file on the sealing page's drop zone, as a person dragging it from the Finder does.
 * In-page code is a string: the tests are type-checked without the DOM library.
 */
export async function dropFile(page: Page, name: string, text: string): Promise<void> {
  await page.evaluate(
    `(([n, t]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([t], n));
      const init = { dataTransfer: transfer, bubbles: true, cancelable: true };
      const zone = document.getElementById('drop-zone');
      zone.dispatchEvent(new DragEvent('dragover', init));
      zone.dispatchEvent(new DragEvent('drop', init));
    })(${JSON.stringify([name, text])})`,
  );
}

/** The block the page shows, or "" when it shows none. */
export const sealedBlockOf = (page: Page): Promise<string> => page.locator('#sealed-block').inputValue();
