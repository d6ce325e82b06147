import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MAX_KEY_FILE_BYTES } from '../../lib/import/key-source.js';
import { readZipFile } from '../../lib/import/read-zip-file.js';
import { generateTestKey } from '../support/keys.js';
import { inbox, infoZip } from './import-harness.js';

/**
 * `--zip <file>`: what the customer sent is refused with the reason and who fixes it (exit 2
 * for the engineer's path, 1 for the customer's archive), and the archive is never changed.
 * The scenarios through the command (passwords, several keys, no key) are in
 * test/cli/import.test.ts.
 */
describe('readZipFile', () => {
  const NAME = 'AuthKey_2X9R4HXF34.p8';
  /** Fails the test if the password is asked for. */
  const noPassword = { password: () => Promise.reject(new Error('the password was asked for')) };

  test('a directory: KEY_FILE_UNREADABLE, exit 2, "give the path of the file itself"', async () => {
    const dir = join(inbox(), 'key.zip');
    mkdirSync(dir);
    await expect(readZipFile(dir, noPassword)).rejects.toMatchObject({
      code: 'KEY_FILE_UNREADABLE',
      exitCode: 2,
      message: `${dir} is not a file; give the path of the file itself`,
    });
  });

  test('a path that does not exist: the errno and "check the path"', async () => {
    const path = join(inbox(), 'key.zip');
    await expect(readZipFile(path, noPassword)).rejects.toMatchObject({
      code: 'KEY_FILE_UNREADABLE',
      exitCode: 2,
      message: `cannot read ${path} (ENOENT); check the path`,
      cause: { code: 'ENOENT' },
    });
  });

  test('an archive of many megabytes is refused by its size, not read into memory', async () => {
    const path = join(inbox(), 'key.zip');
    writeFileSync(path, '');
    truncateSync(path, 16 * 1024 * 1024 + 1);
    await expect(readZipFile(path, noPassword)).rejects.toMatchObject({
      code: 'ZIP_INVALID',
      exitCode: 1,
      message: `${path} is ${16 * 1024 * 1024 + 1} bytes; a zip with a .p8 key is a few kilobytes`,
    });
  });

  test('a key entry far larger than a key: ZIP_INVALID, refused before any password is asked', async () => {
    const path = await infoZip(inbox(), { [NAME]: 'A'.repeat(MAX_KEY_FILE_BYTES + 1) });
    await expect(readZipFile(path, noPassword)).rejects.toMatchObject({
      code: 'ZIP_INVALID',
      exitCode: 1,
      message: `${NAME} in ${path} is ${MAX_KEY_FILE_BYTES + 1} bytes; a .p8 key is a few hundred bytes`,
    });
  });

  test('a key entry damaged on the way (its CRC does not match): ZIP_INVALID, "ask the customer to send it again", the archive unchanged', async () => {
    const key = await generateTestKey();
    const path = await infoZip(inbox(), { [NAME]: key.pem }, undefined, true);
    const bytes = readFileSync(path);
    const at = bytes.indexOf(key.body.slice(0, 40));
    expect(at).toBeGreaterThan(0);
    bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
    writeFileSync(path, bytes);
    const err = (await readZipFile(path, noPassword).catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'ZIP_INVALID', exitCode: 1 });
    expect(err.message).toMatch(
      new RegExp(
        `^${NAME} in ${path.replace(/[.]/g, '\\.')} is damaged \\(.+\\); ask the customer to send it again$`,
      ),
    );
    expect(err.message).not.toContain(key.body.slice(0, 40));
    expect(readFileSync(path)).toEqual(bytes);
  });

  test('a key entry compressed with a method asc-keys cannot read: ZIP_INVALID, "ask for a zip with AES-256 or ZipCrypto"', async () => {
    const key = await generateTestKey();
    const path = await infoZip(inbox(), { [NAME]: key.pem });
    const bytes = readFileSync(path);
    // The compression method of the entry, in its local header and in the central directory: LZMA.
    const local = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt16LE(14, local + 8);
    bytes.writeUInt16LE(14, central + 10);
    writeFileSync(path, bytes);
    const err = (await readZipFile(path, noPassword).catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'ZIP_INVALID', exitCode: 1 });
    expect(err.message).toMatch(
      /^AuthKey_2X9R4HXF34\.p8 in .* uses an encryption or compression that asc-keys cannot read \(.+\); ask for a zip with AES-256 or ZipCrypto$/,
    );
  });
});
