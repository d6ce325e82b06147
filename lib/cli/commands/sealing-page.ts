import { existsSync, writeFileSync } from 'node:fs';
import { loadPlatform } from '../../records/load-platform.js';
import { UsageError } from '../../errors.js';
import { SLUG } from '../../records/patterns.js';
import { readPublicKeyFile } from '../../sealing/public-key-file.js';
import { sealingPageHtml } from '../../sealing/sealing-page.js';

export interface SealingPageCliOptions {
  readonly out: string;
  readonly customer?: string;
  readonly displayName?: string;
  /** @default sealing-public-key.json */
  readonly publicKey: string;
}

/** `asc-keys sealing-page --out <file>`: the page, built from the committed public key (no AWS). */
export async function sealingPageCommand(options: SealingPageCliOptions): Promise<number> {
  if (options.customer !== undefined && !SLUG.test(options.customer))
    throw new UsageError(
      'USAGE',
      '--customer must be a customer slug: 1 to 63 characters of a-z, 0-9 and "-"',
      { next: 'give the slug of the customer record (its file name without .yaml)' },
    );
  if (options.displayName !== undefined && options.customer === undefined)
    throw new UsageError('USAGE', '--display-name names the customer of a --customer page', {
      next: 'give --customer too',
    });
  const recipient = await readPublicKeyFile(options.publicKey);
  // The page names the receiving company as the configuration does; it needs no configuration.
  const companyName = existsSync('cdktf.json') ? loadPlatform().platform?.requests?.companyName : undefined;
  const html = sealingPageHtml({
    recipient,
    ...(options.customer && { customer: options.customer }),
    ...(options.displayName && { customerName: options.displayName }),
    ...(companyName && { companyName }),
  });
  try {
    writeFileSync(options.out, html);
  } catch (err) {
    throw new UsageError(
      'OUTPUT_UNWRITABLE',
      `cannot write the page to ${options.out} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: err },
    );
  }
  process.stdout.write(
    `Wrote ${options.out}${options.customer ? ` for ${options.customer}` : ''}: sealing key ${recipient.kid}. Publish it next to the onboarding article, or send it to the customer; it works offline too.\n`,
  );
  return 0;
}
