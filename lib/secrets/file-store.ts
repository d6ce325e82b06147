import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SecretReference } from './reference.js';
import type { SecretRead, SecretStore } from './secret-store.js';

/** `file:` references: paths relative to the repository root, for local development and tests. */
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
    try {
      return { ok: true, value: await readFile(resolve(this.root, path), 'utf8') };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR')
        return {
          ok: false,
          code: 'SECRET_NOT_FOUND',
          message: `the file ${path} does not exist; store the key there or fix apiKey.secret`,
        };
      if (code === 'EACCES' || code === 'EPERM')
        return {
          ok: false,
          code: 'SECRET_ACCESS_DENIED',
          message: `the file ${path} cannot be read (${code}); check its permissions`,
        };
      return {
        ok: false,
        code: 'AWS_UNAVAILABLE',
        message: `the file ${path} could not be read (${code ?? 'error'})`,
      };
    }
  }
}
