import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { printable } from '../printable.js';
import type { SecretReference } from './reference.js';
import type { SecretRead, SecretStore } from './secret-store.js';

/** A .p8 is about 250 bytes and fastlane's JSON of it about 400: anything larger is no key. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

/**
 * `file:` references (docs/contract.md: the records and secret references): paths relative to the repository root, for
 * local development and tests. Only a regular file of at most 64 KiB whose real path (links
 * resolved) is inside the root is read: a link to ~/.ssh, a FIFO, /dev/zero or a 200 MB file
 * is refused without reading it (and a FIFO without waiting for a writer).
 */
export class FileStore implements SecretStore {
  readonly scheme = 'file' as const;

  constructor(private readonly root: string = process.cwd()) {}

  async readMany(references: readonly SecretReference[]): Promise<Map<string, SecretRead>> {
    const results = new Map<string, SecretRead>();
    for (const ref of references) {
      if (ref.scheme !== 'file') continue;
      results.set(ref.raw, await this.read(ref.path));
    }
    return results;
  }

  private async read(path: string): Promise<SecretRead> {
    const shown = printable(path);
    if (path.includes('\0'))
      return {
        ok: false,
        code: 'SECRET_NOT_FOUND',
        message: `the path ${shown} holds a NUL character; fix apiKey.secret`,
      };
    let real: string;
    try {
      real = await realpath(resolve(this.root, path));
    } catch (err) {
      return failure(err, shown);
    }
    const root = await realpath(this.root);
    const rel = relative(root, real);
    if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`))
      return {
        ok: false,
        code: 'SECRET_ACCESS_DENIED',
        message: `the file ${shown} resolves (through a symbolic link) to a place outside the repository, which asc-keys does not read; store the key inside the repository or in Secrets Manager`,
      };
    let handle;
    try {
      // O_NONBLOCK: opening a FIFO must not wait for a writer; its type is refused below.
      handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch (err) {
      return failure(err, shown);
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile())
        return {
          ok: false,
          code: 'SECRET_NOT_FOUND',
          message: `${shown} is ${stat.isDirectory() ? 'a directory' : 'not a regular file (a device, FIFO or socket)'}, not a key file; fix apiKey.secret`,
        };
      if (stat.size > MAX_KEY_FILE_BYTES)
        return {
          ok: false,
          code: 'P8_INVALID',
          message: `the file ${shown} is ${stat.size} bytes; a key file is under 1 KiB (at most ${MAX_KEY_FILE_BYTES} bytes are read), so it holds no key: fix apiKey.secret`,
        };
      const buffer = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > MAX_KEY_FILE_BYTES)
        return {
          ok: false,
          code: 'P8_INVALID',
          message: `the file ${shown} is larger than ${MAX_KEY_FILE_BYTES} bytes, so it holds no key; fix apiKey.secret`,
        };
      return { ok: true, value: buffer.subarray(0, bytesRead).toString('utf8') };
    } finally {
      await handle.close();
    }
  }
}

function failure(err: unknown, shown: string): SecretRead {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return {
      ok: false,
      code: 'SECRET_NOT_FOUND',
      message: `the file ${shown} does not exist; store the key there or fix apiKey.secret`,
    };
  if (code === 'EACCES' || code === 'EPERM' || code === 'ELOOP')
    return {
      ok: false,
      code: 'SECRET_ACCESS_DENIED',
      message: `the file ${shown} cannot be read (${code}); check its permissions`,
    };
  // Anything else is not a secret-store outage: it is a bug or the machine, and crashes.
  throw new Error(`reading the key file ${shown} failed`, { cause: err });
}
