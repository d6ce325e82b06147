import { DEFAULT_RETRY } from '../../apple/retry-policy.js';
import { systemClock } from '../../apple/clock.js';
import { DEFAULT_ASC_BASE_URL } from '../../apple/probe-app.js';
import { UsageError } from '../../errors.js';
import { importKey } from '../../import/import-key.js';
import { importReport } from '../../import/import-report.js';
import type { ImportRequest, KeySourceSpec } from '../../import/import-request.js';
import { InterruptGuard } from '../../import/interrupt-guard.js';
import type { KeyInput } from '../../import/key-input.js';
import { readP8File } from '../../import/read-p8-file.js';
import { passwordSource } from '../../import/read-password.js';
import { readZipFile } from '../../import/read-zip-file.js';
import { SecretWriter } from '../../import/secret-writer.js';
import { APPLE_ID, EMAIL, ISSUER_ID, KEY_ID, SLUG } from '../../records/patterns.js';
import type { Contact } from '../../records/customer-record.js';
import { emitReport } from '../../reports/emit-report.js';
import { defaultClient } from '../../secrets/aws-secrets-manager-store.js';
import type { CommonOptions } from '../common-options.js';

export interface ImportCliOptions extends CommonOptions {
  readonly customer: string;
  readonly appId: string;
  readonly keyId: string;
  readonly issuerId?: string;
  readonly individual?: boolean;
  readonly p8?: string;
  readonly zip?: string;
  readonly passwordStdin?: boolean;
  readonly verify: boolean;
  readonly displayName?: string;
  readonly bundleId?: string;
  readonly contact?: string[];
  readonly ascBaseUrl?: string;
  readonly retryBudget: number;
}

export async function importCommand(
  options: ImportCliOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const request = importRequest(options);
  const password = passwordSource(options.passwordStdin === true);
  const readKey = (source: KeySourceSpec): Promise<KeyInput> =>
    source.kind === 'p8' ? readP8File(source.path) : readZipFile(source.path, { password });
  const guard = new InterruptGuard();
  try {
    const result = await importKey(request, {
      customersDir: options.customers,
      readKey,
      secrets: new SecretWriter(defaultClient()),
      ascBaseUrl: options.ascBaseUrl ?? (env.ASC_API_BASE_URL || DEFAULT_ASC_BASE_URL),
      clock: systemClock,
      retry: { ...DEFAULT_RETRY, budgetMs: options.retryBudget * 1000 },
      guard,
    });
    const report = importReport(result);
    await emitReport(report, options);
    return report.importExitCode;
  } finally {
    guard.dispose();
  }
}

/** Options well formed (CONTRACT 3.3), before any file is read: a bad one is exit 2. */
export function importRequest(o: ImportCliOptions): ImportRequest {
  const usage = (message: string): never => {
    throw new UsageError('USAGE', message);
  };
  if (!SLUG.test(o.customer))
    usage(
      '--customer must be a slug: 1 to 63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit',
    );
  if (!APPLE_ID.test(o.appId))
    usage("--app-id must be the app's Apple ID, digits only (App Information in App Store Connect)");
  if (!KEY_ID.test(o.keyId))
    usage('--key-id must be exactly 10 characters A-Z and 0-9, as App Store Connect shows it');
  if ((o.issuerId === undefined) === (o.individual !== true))
    usage('give exactly one of --issuer-id <uuid> (a team key) and --individual (an individual key)');
  if (o.issuerId !== undefined && !ISSUER_ID.test(o.issuerId))
    usage(
      '--issuer-id must be the Issuer ID from Users and Access > Integrations: hex digits in 8-4-4-4-12 groups',
    );
  if ((o.p8 === undefined) === (o.zip === undefined))
    usage('give exactly one of --p8 <file> and --zip <file>');
  if (o.passwordStdin && o.zip === undefined) usage('--password-stdin is for --zip');
  if (o.displayName !== undefined && o.displayName.trim() === '') usage('--display-name must not be empty');
  if (o.bundleId !== undefined && !/^[A-Za-z0-9.-]+$/.test(o.bundleId))
    usage('--bundle-id must be a bundle ID such as com.acme.employees');
  const contacts = (o.contact ?? []).map(parseContact);
  return {
    customer: o.customer,
    appleId: o.appId,
    keyId: o.keyId,
    ...(o.issuerId !== undefined && { issuerId: o.issuerId }),
    source: o.p8 !== undefined ? { kind: 'p8', path: o.p8 } : { kind: 'zip', path: o.zip! },
    verify: o.verify,
    ...(o.displayName !== undefined && { displayName: o.displayName }),
    ...(o.bundleId !== undefined && { bundleId: o.bundleId }),
    contacts,
  };
}

/** "Jane Doe <jane@acme.example>", or a bare address. */
function parseContact(text: string): Contact {
  const m = /^\s*(?:(.*?)\s*<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(text);
  const email = m?.[2] ?? m?.[3];
  if (!m || !email || !EMAIL.test(email))
    throw new UsageError('USAGE', '--contact must be "Name <email>" or an email address');
  const name = m[1]?.trim();
  return { ...(name && { name }), email };
}
