import { mkdirSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { KeySourceError, MAX_KEY_FILE_BYTES } from '../../lib/import/key-source.js';
import { readP8File } from '../../lib/import/read-p8-file.js';
import { generateTestKey } from '../support/keys.js';
import { inbox, writeP8 } from './import-harness.js';

/** `--p8 <file>`: a path that is not a key file is refused with what to check, before anything is read. */
describe('readP8File', () => {
  test('a .p8 as App Store Connect downloads it: the key, the Key ID its name carries, where it came from', async () => {
    const key = await generateTestKey();
    const path = writeP8(inbox(), 'AuthKey_2X9R4HXF34.p8', key.pem);
    expect(await readP8File(path)).toEqual({ pem: key.pem, keyIdFromName: '2X9R4HXF34', origin: path });
    // Read only: the customer can download it once.
    expect(readFileSync(path, 'utf8')).toBe(key.pem);
  });

  test('a directory: KEY_FILE_UNREADABLE, exit 2, "give the path of the file itself"', async () => {
    const dir = join(inbox(), 'AuthKey_2X9R4HXF34.p8');
    mkdirSync(dir);
    await expect(readP8File(dir)).rejects.toMatchObject({
      code: 'KEY_FILE_UNREADABLE',
      exitCode: 2,
      message: `${dir} is not a file; give the path of the file itself`,
    });
  });

  test('a file far larger than a key is refused by its size and not read', async () => {
    const path = writeP8(inbox(), 'AuthKey_2X9R4HXF34.p8', '');
    // Sparse: the size is all that is asked.
    truncateSync(path, MAX_KEY_FILE_BYTES + 1);
    await expect(readP8File(path)).rejects.toMatchObject({
      code: 'KEY_FILE_UNREADABLE',
      message: `${path} is ${MAX_KEY_FILE_BYTES + 1} bytes; a .p8 key is a few hundred bytes: is this the file App Store Connect downloaded?`,
    });
  });

  test('a path that does not exist: the errno and "check the path", the file system error kept as the cause', async () => {
    const path = join(inbox(), 'AuthKey_2X9R4HXF34.p8');
    const err = await readP8File(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeySourceError);
    expect(err).toMatchObject({
      code: 'KEY_FILE_UNREADABLE',
      exitCode: 2,
      message: `cannot read ${path} (ENOENT); check the path`,
      cause: { code: 'ENOENT' },
    });
  });

  test('a path with control characters is shown escaped, never raw', async () => {
    const path = join(inbox(), 'AuthKey\u001b[31m.p8');
    const err = (await readP8File(path).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^cannot read .*AuthKey.*\.p8 \(ENOENT\); check the path$/);
    expect(err.message).not.toContain('\u001b');
  });
});
