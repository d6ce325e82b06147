import { DEFAULT_RETRY } from '../../apple/retry-policy.js';
import { systemClock } from '../../apple/clock.js';
import { DEFAULT_ASC_BASE_URL } from '../../apple/probe-app.js';
import { UsageError } from '../../errors.js';
import { discardImport, discardReport } from '../../import/discard-import.js';
import { importKey } from '../../import/import-key.js';
import { importReport } from '../../import/import-report.js';
import type { ImportRequest, KeySourceSpec } from '../../import/import-request.js';
import { InterruptGuard } from '../../import/interrupt-guard.js';
import type { KeyInput } from '../../secrets/key-input.js';
import { readP8File } from '../../import/read-p8-file.js';
import { passwordSource } from '../../import/read-password.js';
import { readZipFile } from '../../import/read-zip-file.js';
import { SecretWriter } from '../../import/secret-writer.js';
import { APPLE_ID, EMAIL, ISSUER_ID, KEY_ID, SLUG } from '../../records/patterns.js';
import type { Contact } from '../../records/customer-record.js';
import { emitReport } from '../../reports/emit-report.js';
import { waitingLine } from '../../reports/progress.js';
import { describeAppleRetry } from '../../apple/check-with-apple.js';
import { printable } from '../../printable.js';
import { KMSClient } from '@aws-sdk/client-kms';
import { AWS_CLIENT_CONFIG, secretsManagerClient } from '../../aws/clients.js';
import { awsRegion } from '../../aws/environment.js';
import type { CommonOptions } from '../common-options.js';
import type { ImportResult } from '../../import/import-result.js';
import { openSealedSource, SealedSourceRefusal, type OpenedSealedKey } from '../../sealing/sealed-source.js';
import { SealingKeySecret } from '../../sealing/sealing-key-secret.js';
import { loadPlatform } from '../../records/load-platform.js';
import { requirePlatform } from '../../records/require-platform.js';

export interface ImportCliOptions extends CommonOptions {
  readonly customer: string;
  /** Required but with --discard. */
  readonly appId?: string;
  /** Remove the pending version instead of importing: docs/rotation.md. */
  readonly discard?: boolean;
  /** Required but with --sealed, whose block names the key. */
  readonly keyId?: string;
  readonly issuerId?: string;
  readonly individual?: boolean;
  readonly p8?: string;
  readonly zip?: string;
  /** A sealed block (a file, or "-" for stdin): docs/sealed-hand-over.md. */
  readonly sealed?: string;
  readonly passwordStdin?: boolean;
  /** Refused: a password on the command line lands in shell history and in ps. */
  readonly password?: string | boolean;
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
  if (options.discard) return discardCommand(options);
  let request = importRequest(options);
  // A broken cdktf.json is reported by importKey with the other checks; the region is only a default.
  const region = awsRegion(loadPlatform().platform?.region ?? '', env) || undefined;
  const password = passwordSource(options.passwordStdin === true);
  let readKey = (source: KeySourceSpec): Promise<KeyInput> =>
    source.kind === 'p8' ? readP8File(source.path) : readZipFile(source.path, { password });
  if (options.sealed !== undefined) {
    // The block names key and issuer, so it is opened before the request is complete.
    const opened = await openSealed(options, options.sealed, region);
    if ('refused' in opened) {
      const report = importReport(opened.refused);
      await emitReport(report, options);
      return report.importExitCode;
    }
    request = importRequest(options, opened);
    readKey = () => Promise.resolve(opened.input);
  }
  const guard = new InterruptGuard();
  const waiting = waitingLine();
  try {
    const result = await importKey(request, {
      ...(waiting && { onAppleRetry: (r) => waiting(`asc-keys: ${printable(describeAppleRetry(r))}`) }),
      customersDir: options.customers,
      readKey,
      secrets: new SecretWriter(
        secretsManagerClient(region),
        new KMSClient({ ...AWS_CLIENT_CONFIG, ...(region && { region }) }),
      ),
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

/** `import --discard --customer <slug>`: takes no key, no Apple ID, nothing that names a key. */
async function discardCommand(o: ImportCliOptions): Promise<number> {
  if (!SLUG.test(o.customer))
    throw new UsageError('USAGE', '--customer must be a slug: 1 to 63 characters of a-z, 0-9 and "-"', {
      next: "give the name of the customer's record file in customers/, without .yaml",
    });
  const extra = (
    [
      ['--app-id', o.appId],
      ['--key-id', o.keyId],
      ['--issuer-id', o.issuerId],
      ['--individual', o.individual],
      ['--p8', o.p8],
      ['--zip', o.zip],
      ['--sealed', o.sealed],
      ['--password-stdin', o.passwordStdin],
      ['--display-name', o.displayName],
      ['--bundle-id', o.bundleId],
      ['--contact', o.contact],
    ] as const
  ).filter(([, v]) => v !== undefined && v !== false);
  if (extra.length)
    throw new UsageError('USAGE', '--discard takes only --customer (and --customers, --format, --junit)', {
      next: `drop ${extra.map(([f]) => f).join(', ')}`,
    });
  const result = await discardImport(o.customer, {
    customersDir: o.customers,
    secrets: new SecretWriter(secretsManagerClient()),
    now: new Date(systemClock.now()),
  });
  const report = discardReport(result);
  await emitReport(report, o);
  return report.discardExitCode;
}

/** Options well formed (docs/contract.md: import), before any file is read: a bad one is exit 2. */
export function importRequest(o: ImportCliOptions, fromBlock?: OpenedSealedKey): ImportRequest {
  const usage = (message: string): never => {
    throw new UsageError('USAGE', message, { next: 'see "asc-keys import --help"' });
  };
  if (o.password !== undefined)
    usage(
      '--password is not an option: a password on the command line stays in the shell history and shows in ps. Pipe it in with --password-stdin (printf \'%s\' "$ZIP_PASSWORD" | asc-keys import … --password-stdin), or leave both out to be asked for it on the terminal, without echo',
    );
  if (!SLUG.test(o.customer))
    usage(
      '--customer must be a slug: 1 to 63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit',
    );
  if (o.appId === undefined)
    usage("give --app-id <appleId>, the app's Apple ID (App Information in App Store Connect)");
  if (!APPLE_ID.test(o.appId!))
    usage("--app-id must be the app's Apple ID, digits only (App Information in App Store Connect)");
  if (o.keyId === undefined && o.sealed === undefined)
    usage('give --key-id <keyId>, the Key ID the customer sent');
  if (o.keyId !== undefined && !KEY_ID.test(o.keyId))
    usage('--key-id must be exactly 10 characters A-Z and 0-9, as App Store Connect shows it');
  // A sealed block names the issuer; the flags, when given, must agree with it.
  if (o.sealed === undefined && (o.issuerId === undefined) === (o.individual !== true))
    usage('give exactly one of --issuer-id <uuid> (a team key) and --individual (an individual key)');
  if (o.sealed !== undefined && o.issuerId !== undefined && o.individual === true)
    usage('give at most one of --issuer-id <uuid> and --individual');
  if (o.issuerId !== undefined && !ISSUER_ID.test(o.issuerId))
    usage(
      '--issuer-id must be the Issuer ID from Users and Access > Integrations: hex digits in 8-4-4-4-12 groups',
    );
  if ([o.p8, o.zip, o.sealed].filter((v) => v !== undefined).length !== 1)
    usage('give exactly one of --p8 <file>, --zip <file> and --sealed <file|->');
  if (o.passwordStdin && o.zip === undefined) usage('--password-stdin is for --zip');
  if (o.displayName !== undefined && o.displayName.trim() === '') usage('--display-name must not be empty');
  if (o.bundleId !== undefined && !/^[A-Za-z0-9.-]+$/.test(o.bundleId))
    usage('--bundle-id must be a bundle ID such as com.acme.employees');
  const contacts = (o.contact ?? []).map(parseContact);
  return {
    customer: o.customer,
    appleId: o.appId!,
    keyId: fromBlock?.keyId ?? o.keyId!,
    ...(fromBlock
      ? fromBlock.issuerId !== undefined && { issuerId: fromBlock.issuerId }
      : o.issuerId !== undefined && { issuerId: o.issuerId }),
    source:
      o.p8 !== undefined
        ? { kind: 'p8', path: o.p8 }
        : o.zip !== undefined
          ? { kind: 'zip', path: o.zip }
          : { kind: 'sealed', path: o.sealed! },
    verify: o.verify,
    ...(o.displayName !== undefined && { displayName: o.displayName }),
    ...(o.bundleId !== undefined && { bundleId: o.bundleId }),
    contacts,
  };
}

/**
 * Opens `--sealed` with the sealing key, read with the caller's (the importer's) credentials
 * and held in memory only. A refused block is an import refused with its code: nothing stored.
 */
async function openSealed(
  o: ImportCliOptions,
  path: string,
  region: string | undefined,
): Promise<OpenedSealedKey | { refused: ImportResult }> {
  const platform = requirePlatform(loadPlatform());
  try {
    return await openSealedSource(
      path,
      {
        customer: o.customer,
        ...(o.keyId !== undefined && { keyId: o.keyId }),
        ...(o.issuerId !== undefined && { issuerId: o.issuerId }),
        ...(o.individual === true && { individual: true }),
      },
      new SealingKeySecret(secretsManagerClient(region), platform.namePrefix),
    );
  } catch (err) {
    if (!(err instanceof SealedSourceRefusal)) throw err;
    return {
      refused: {
        customer: o.customer,
        keyId: o.keyId ?? '',
        fingerprint: null,
        secret: null,
        action: 'refused',
        record: null,
        code: err.code,
        message: `${err.message}; nothing was stored and no record was written`,
        verified: false,
        warnings: [],
      },
    };
  }
}

/** "Jane Doe <jane@acme.example>", or a bare address. */
export function parseContact(text: string): Contact {
  const m = /^\s*(?:(.*?)\s*<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(text);
  const email = m?.[2] ?? m?.[3];
  if (!m || !email || !EMAIL.test(email))
    throw new UsageError('USAGE', '--contact must be "Name <email>" or an email address', {
      next: 'for example --contact "Jane Doe <jane@example.com>"',
    });
  const name = m[1]?.trim();
  return { ...(name && { name }), email };
}
