import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { KeySourceError, keyIdOfFileName, MAX_KEY_FILE_BYTES } from './key-source.js';
import { printable } from '../printable.js';
import type { KeyInput } from '../secrets/key-input.js';

/**
 * `--p8 <file>`: the key as App Store Connect downloaded it. Opened read-only; never moved,
 * changed or deleted (Apple lets the customer download it once).
 */
export async function readP8File(path: string): Promise<KeyInput> {
  const shown = printable(path, { max: 120 });
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw new KeySourceError('KEY_FILE_UNREADABLE', `${shown} is not a file`, {
        next: 'give the path of the file itself',
      });
    if (info.size > MAX_KEY_FILE_BYTES)
      throw new KeySourceError('KEY_FILE_UNREADABLE', `${shown} is ${info.size} bytes`, {
        next: 'a .p8 key is a few hundred bytes: is this the file App Store Connect downloaded?',
      });
    bytes = await readFile(path, { flag: 'r' });
  } catch (err) {
    if (err instanceof KeySourceError) throw err;
    throw new KeySourceError(
      'KEY_FILE_UNREADABLE',
      `cannot read ${shown} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { next: 'check the path', cause: err },
    );
  }
  const keyIdFromName = keyIdOfFileName(basename(path));
  return {
    pem: bytes.toString('utf8'),
    ...(keyIdFromName && { keyIdFromName }),
    origin: shown,
  };
}
