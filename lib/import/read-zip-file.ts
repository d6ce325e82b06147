import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  configure,
  ERR_UNSUPPORTED_COMPRESSION,
  ERR_UNSUPPORTED_ENCRYPTION,
  Uint8ArrayReader,
  Uint8ArrayWriter,
  ZipReader,
  type Entry,
  type FileEntry,
} from '@zip.js/zip.js';
import { KeySourceError, keyIdOfFileName, MAX_KEY_FILE_BYTES } from './key-source.js';
import { printable } from '../printable.js';
import type { KeyInput } from '../secrets/key-input.js';

// No web workers (a CLI decrypts one small entry) and nothing left running when it is done.
configure({ useWebWorkers: false });

/** A customer's zip holds a .p8 and perhaps a note; anything this large is something else. */
const MAX_ZIP_BYTES = 16 * 1024 * 1024;
/** How many of the archive's names an error lists. */
const LISTED = 10;

export interface ZipReadOptions {
  /** Asked only when the key's entry is encrypted, and at most once. */
  readonly password: () => Promise<string>;
}

/**
 * `--zip <file>`: exactly one AuthKey_<KEYID>.p8 at any depth, decrypted in memory (AES as 7-Zip
 * and WinZip write it, ZipCrypto as `zip -e` does). What archivers add (__MACOSX/, AppleDouble
 * ._ files, .DS_Store) is ignored. The archive is opened read-only and never changed.
 */
export async function readZipFile(path: string, options: ZipReadOptions): Promise<KeyInput> {
  const shown = printable(path, { max: 120 });
  const bytes = await readArchive(path, shown);
  const reader = new ZipReader(new Uint8ArrayReader(bytes));
  try {
    let entries: Entry[];
    try {
      entries = await reader.getEntries();
    } catch (err) {
      throw new KeySourceError('ZIP_INVALID', `${shown} is not a readable zip archive (${describe(err)})`, {
        next: 'ask the customer to send it again',
        cause: err,
      });
    }
    const files = entries.filter((e): e is FileEntry => !e.directory && !isArchiverDebris(e.filename));
    const keys = files.filter((e) => keyIdOfFileName(basename(e.filename)) !== undefined);
    const holds = `it holds ${
      files.length
        ? files
            .map((e) => printable(e.filename, { max: 80 }))
            .slice(0, LISTED)
            .join(', ') + (files.length > LISTED ? `, and ${files.length - LISTED} more` : '')
        : 'no files'
    }`;
    if (keys.length === 0)
      throw new KeySourceError('ZIP_NO_KEY', `${shown} holds no AuthKey_<KEYID>.p8 (${holds})`, {
        next: 'ask the customer for the .p8 exactly as App Store Connect downloaded it',
      });
    const keyIds = new Set(keys.map((e) => keyIdOfFileName(basename(e.filename))));
    if (keyIds.size > 1)
      throw new KeySourceError(
        'ZIP_MULTIPLE_KEYS',
        `${shown} holds keys of ${keyIds.size} Key IDs (${[...keyIds].join(', ')})`,
        { next: 'ask the customer which one is for this app, and for a zip with that one only' },
      );

    let password: string | undefined;
    const contents: Uint8Array[] = [];
    for (const entry of keys) {
      if (entry.uncompressedSize > MAX_KEY_FILE_BYTES)
        throw new KeySourceError(
          'ZIP_INVALID',
          `${printable(entry.filename, { max: 120 })} in ${shown} is ${entry.uncompressedSize} bytes`,
          { next: 'a .p8 key is a few hundred bytes' },
        );
      if (entry.encrypted && password === undefined) password = await options.password();
      contents.push(await decrypt(entry, password, shown));
    }
    const [first, ...others] = contents;
    if (others.some((c) => Buffer.compare(c, first!) !== 0))
      throw new KeySourceError(
        'ZIP_MULTIPLE_KEYS',
        `${shown} holds ${keys.length} different files for the same Key ID (${keys.map((e) => printable(e.filename, { max: 80 })).join(', ')})`,
        { next: 'ask the customer which one App Store Connect downloaded' },
      );
    const text = Buffer.from(first!).toString('utf8');
    for (const c of contents) c.fill(0);
    const name = basename(keys[0]!.filename);
    return {
      pem: text,
      keyIdFromName: keyIdOfFileName(name)!,
      origin: `${printable(keys[0]!.filename, { max: 120 })} in ${shown}`,
    };
  } finally {
    await reader.close();
  }
}

async function readArchive(path: string, shown: string): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw new KeySourceError('KEY_FILE_UNREADABLE', `${shown} is not a file`, {
        next: 'give the path of the file itself',
      });
    if (info.size > MAX_ZIP_BYTES)
      throw new KeySourceError('ZIP_INVALID', `${shown} is ${info.size} bytes`, {
        next: 'a zip with a .p8 key is a few kilobytes',
      });
    return new Uint8Array(await readFile(path, { flag: 'r' }));
  } catch (err) {
    if (err instanceof KeySourceError) throw err;
    throw new KeySourceError(
      'KEY_FILE_UNREADABLE',
      `cannot read ${shown} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { next: 'check the path', cause: err },
    );
  }
}

/**
 * An encrypted entry that does not decrypt means a wrong password, whatever zip.js says:
 * ZipCrypto checks one byte of the password, so about one wrong password in 256 gets past that
 * check and fails later, in inflate or in the CRC.
 */
async function decrypt(entry: FileEntry, password: string | undefined, shown: string): Promise<Uint8Array> {
  try {
    return await entry.getData(new Uint8ArrayWriter(), {
      ...(password !== undefined && { password }),
      checkCrc32: true,
      checkAuthenticationCode: true,
    });
  } catch (err) {
    const message = (err as Error).message;
    if (message === ERR_UNSUPPORTED_ENCRYPTION || message === ERR_UNSUPPORTED_COMPRESSION)
      throw new KeySourceError(
        'ZIP_INVALID',
        `${printable(entry.filename, { max: 120 })} in ${shown} uses an encryption or compression that asc-keys cannot read (${message})`,
        { next: 'ask for a zip with AES-256 or ZipCrypto', cause: err },
      );
    if (entry.encrypted)
      throw new KeySourceError(
        'ZIP_PASSWORD_WRONG',
        `the password does not decrypt ${printable(entry.filename, { max: 120 })} in ${shown}`,
        { next: 'check it with the customer (the archive is unchanged)', cause: err },
      );
    throw new KeySourceError(
      'ZIP_INVALID',
      `${printable(entry.filename, { max: 120 })} in ${shown} is damaged (${describe(err)})`,
      { next: 'ask the customer to send it again', cause: err },
    );
  }
}

/** What archivers add beside the files: macOS resource forks and Finder metadata. */
function isArchiverDebris(name: string): boolean {
  const parts = name.split('/');
  const base = parts[parts.length - 1] ?? '';
  return parts.includes('__MACOSX') || base.startsWith('._') || base === '.DS_Store';
}

function describe(err: unknown): string {
  return printable((err as Error)?.message ?? String(err), { max: 100 });
}
