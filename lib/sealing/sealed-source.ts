import { readFile, stat } from 'node:fs/promises';
import { AscKeysError, UsageError, type AscKeysErrorOptions, type ErrorCatalogue } from '../errors.js';
import { printable } from '../printable.js';
import type { KeyInput } from '../secrets/key-input.js';
import { isKeyProblem, parseKeyValue } from '../secrets/parse-key-value.js';
import { publicKeyThumbprint } from '../secrets/thumbprint.js';
import { checkSealedExpectations, openSealedBlock, type SealedExpectations } from './open-sealed.js';
import { extractCompactJwe } from './sealed-block.js';
import { SEALING_ERRORS, SealingError } from './sealing-error.js';
import type { SealingKeySecret } from './sealing-key-secret.js';
import type { SealingKeyRing } from './sealing-keyring.js';

/** A sealed block is a few kilobytes; an email with it in is rarely more than this. */
const MAX_SEALED_INPUT_BYTES = 256 * 1024;

/** Why `import --sealed` stops before the import pipeline starts; never carries key material. */
export const SEALED_SOURCE_ERRORS = {
  ...SEALING_ERRORS,
  SEALING_KEY_UNAVAILABLE: { exitCode: 2, nextStep: 'run import --sealed with the importer role' },
  KEY_FILE_UNREADABLE: { exitCode: 2, nextStep: 'check the path' },
  AWS_UNAVAILABLE: { exitCode: 3, nextStep: 'run the same command again later' },
} as const satisfies ErrorCatalogue<string>;

export type SealedSourceCode = keyof typeof SEALED_SOURCE_ERRORS;

export class SealedSourceRefusal extends AscKeysError<SealedSourceCode> {
  constructor(code: SealedSourceCode, what: string, options?: AscKeysErrorOptions) {
    super(SEALED_SOURCE_ERRORS, code, what, options);
    this.name = 'SealedSourceRefusal';
  }
}

/** What a sealed block gives the import: the IDs for the request, the key for the pipeline. */
export interface OpenedSealedKey {
  /** The customer whose own page sealed it; absent from the general page. */
  readonly customer?: string;
  readonly keyId: string;
  /** Absent for an individual key. */
  readonly issuerId?: string;
  /** The public key's thumbprint, checked against the key inside. */
  readonly fingerprint: string;
  readonly input: KeyInput;
}

/**
 * `import --sealed <file|->`: reads the block (a whole email is fine), checks its shape before
 * asking AWS for anything, opens it with the sealing key read in memory, and checks it against
 * the engineer's flags and the fingerprint the customer saw.
 */
export async function openSealedSource(
  path: string,
  flags: SealedExpectations,
  secret: SealingKeySecret,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<OpenedSealedKey> {
  const text = path === '-' ? await readAll(stdin) : await readSealedFile(path);
  try {
    extractCompactJwe(text);
    let ring;
    try {
      ring = await secret.read();
    } catch (err) {
      if (err instanceof UsageError && err.code === 'AWS_UNAVAILABLE')
        throw new SealedSourceRefusal('AWS_UNAVAILABLE', err.what, { next: err.nextStep, cause: err });
      if (err instanceof UsageError && err.code === 'SEALING_KEY_UNAVAILABLE')
        throw new SealedSourceRefusal('SEALING_KEY_UNAVAILABLE', err.what, {
          next: err.nextStep,
          cause: err,
        });
      throw err;
    }
    if (!ring)
      throw new SealedSourceRefusal(
        'SEALING_KEY_UNAVAILABLE',
        `the sealing secret ${secret.name} holds no sealing key yet`,
        {
          next: 'an administrator runs "asc-keys sealing-key create" (docs/operations.md, "Sealed hand-over")',
        },
      );
    return await openSealedWithRing(text, ring, flags);
  } catch (err) {
    if (err instanceof SealingError)
      throw new SealedSourceRefusal(err.code, err.what, { next: err.nextStep, cause: err });
    throw err;
  }
}

/**
 * Opens one sealed block with a ring already read, and checks it against what the caller
 * expects (the customer, and any flags) and against the fingerprint the customer saw. Throws
 * a SealingError with a stable code; the key stays in memory.
 */
export async function openSealedWithRing(
  text: string,
  ring: SealingKeyRing,
  flags: SealedExpectations,
): Promise<OpenedSealedKey> {
  const payload = await openSealedBlock(text, ring);
  checkSealedExpectations(payload, flags);
  const key = await parseKeyValue(payload.pem);
  // The page seals only P-256 keys: another kind inside means the block was not made by it.
  if (isKeyProblem(key))
    throw new SealingError(
      'SEALED_PAYLOAD_INVALID',
      `the sealed block opened, but the key inside is no App Store Connect key: it ${key.message.replace(/^the stored value /, '')}`,
      {
        next: 'the sealing page never seals such a key, so ask the customer to seal their .p8 again on the page',
      },
    );
  if ((await publicKeyThumbprint(key.publicJwk)) !== payload.fingerprint)
    throw new SealingError(
      'SEALED_PAYLOAD_INVALID',
      'the sealed block opened, but the key inside does not match the fingerprint the page showed the customer',
      {
        next: 'ask the customer to seal the key again on the page, and to compare the fingerprint it shows',
      },
    );
  return {
    ...(payload.customer !== undefined && { customer: payload.customer }),
    keyId: payload.keyId,
    ...(payload.issuerId !== undefined && { issuerId: payload.issuerId }),
    fingerprint: payload.fingerprint,
    input: {
      pem: payload.pem,
      keyIdFromName: payload.keyId,
      ...(payload.issuerId !== undefined && { issuerId: payload.issuerId }),
      origin: 'the sealed block',
    },
  };
}

async function readSealedFile(path: string): Promise<string> {
  const shown = printable(path, { max: 120 });
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw new SealedSourceRefusal('KEY_FILE_UNREADABLE', `${shown} is not a file`, {
        next: 'give the file that holds the sealed block, or - for stdin',
      });
    if (info.size > MAX_SEALED_INPUT_BYTES)
      throw new SealedSourceRefusal('KEY_FILE_UNREADABLE', `${shown} is ${info.size} bytes`, {
        next: 'a sealed block is a few kilobytes',
      });
    return await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof SealedSourceRefusal) throw err;
    throw new SealedSourceRefusal(
      'KEY_FILE_UNREADABLE',
      `cannot read ${shown} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { next: 'check the path', cause: err },
    );
  }
}

async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const b = Buffer.from(chunk as Buffer);
    size += b.length;
    if (size > MAX_SEALED_INPUT_BYTES)
      throw new SealedSourceRefusal('KEY_FILE_UNREADABLE', 'stdin holds more than 256 KiB', {
        next: 'a sealed block is a few kilobytes',
      });
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
