import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FileStore } from '../../lib/secrets/file-store.js';
import type { SecretReference } from '../../lib/secrets/reference.js';
import type { SecretRead } from '../../lib/secrets/secret-store.js';

/** A repository root with a key file in keys/; `file:` paths are relative to it. */
function repository(): string {
  const root = mkdtempSync(join(tmpdir(), 'asc-keys-file-store-'));
  mkdirSync(join(root, 'keys'));
  writeFileSync(join(root, 'keys', 'acme.json'), '{"key_id": "2X9R4HXF34"}');
  return root;
}

const file = (path: string): SecretReference => ({ scheme: 'file', raw: `file:${path}`, path });

async function read(root: string, path: string): Promise<SecretRead> {
  return (await new FileStore(root).readMany([file(path)])).get(`file:${path}`)!;
}

describe('FileStore: file: references', () => {
  test('reads a regular file inside the root; aws-sm: references are not its to answer', async () => {
    const root = repository();
    const sm: SecretReference = { scheme: 'aws-sm', raw: 'aws-sm:asc-keys/acme', secretId: 'x', name: 'x' };
    const results = await new FileStore(root).readMany([file('keys/acme.json'), sm]);
    expect([...results.keys()]).toEqual(['file:keys/acme.json']);
    expect(results.get('file:keys/acme.json')).toEqual({ ok: true, value: '{"key_id": "2X9R4HXF34"}' });
  });

  test('a file that does not exist, or a path through a file: SECRET_NOT_FOUND, with where to store it', async () => {
    const root = repository();
    const message = (path: string): string =>
      `the file ${path} does not exist; store the key there or fix apiKey.secret`;
    expect(await read(root, 'keys/globex.json')).toEqual({
      ok: false,
      code: 'SECRET_NOT_FOUND',
      message: message('keys/globex.json'),
    });
    // ENOTDIR: a path that treats a file as a directory.
    expect(await read(root, 'keys/acme.json/key.p8')).toEqual({
      ok: false,
      code: 'SECRET_NOT_FOUND',
      message: message('keys/acme.json/key.p8'),
    });
  });

  test('a loop of symbolic links: SECRET_ACCESS_DENIED, naming the error', async () => {
    const root = repository();
    symlinkSync('b.p8', join(root, 'keys', 'a.p8'));
    symlinkSync('a.p8', join(root, 'keys', 'b.p8'));
    expect(await read(root, 'keys/a.p8')).toEqual({
      ok: false,
      code: 'SECRET_ACCESS_DENIED',
      message: 'the file keys/a.p8 cannot be read (ELOOP); check its permissions',
    });
  });

  test("a socket, a FIFO or a directory is that customer's SECRET_NOT_FOUND, naming what it is; the other files are still read", async () => {
    const root = repository();
    const socket = createServer();
    await new Promise<void>((done) => socket.listen(join(root, 'keys', 'socket.p8'), done));
    try {
      execFileSync('mkfifo', [join(root, 'keys', 'fifo.p8')]);
      mkdirSync(join(root, 'keys', 'dir.p8'));
      const paths = ['keys/socket.p8', 'keys/fifo.p8', 'keys/dir.p8', 'keys/acme.json'];
      const results = await new FileStore(root).readMany(paths.map(file));
      expect(paths.map((p) => results.get(`file:${p}`))).toEqual([
        {
          ok: false,
          code: 'SECRET_NOT_FOUND',
          message: 'keys/socket.p8 is a socket, not a key file; fix apiKey.secret',
        },
        {
          ok: false,
          code: 'SECRET_NOT_FOUND',
          message: 'keys/fifo.p8 is a FIFO (named pipe), not a key file; fix apiKey.secret',
        },
        {
          ok: false,
          code: 'SECRET_NOT_FOUND',
          message: 'keys/dir.p8 is a directory, not a key file; fix apiKey.secret',
        },
        { ok: true, value: '{"key_id": "2X9R4HXF34"}' },
      ]);
    } finally {
      socket.close();
    }
  });

  test('a NUL in the path is refused before the file system is asked', async () => {
    const root = repository();
    expect(await read(root, 'keys/acme.json\0.p8')).toEqual({
      ok: false,
      code: 'SECRET_NOT_FOUND',
      message: 'the path keys/acme.json\\u0000.p8 holds a NUL character; fix apiKey.secret',
    });
  });

  test('any other failure is no answer about the key: it throws, with the cause', async () => {
    const root = repository();
    const name = `${'k'.repeat(300)}.p8`;
    await expect(read(root, `keys/${name}`)).rejects.toMatchObject({
      message: `reading the key file keys/${name} failed`,
      cause: { code: 'ENAMETOOLONG' },
    });
  });
});
