import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { AwsReadError } from '../lib/aws/read.js';
import {
  AscKeysError,
  UNAVAILABLE_ERRORS,
  UnavailableError,
  UsageError,
  USAGE_ERRORS,
  type ErrorCatalogue,
} from '../lib/errors.js';
import { KEY_NOT_READY_ERRORS, KeyNotReadyError } from '../lib/ci/promote-pending.js';
import { FOREIGN_SECRET_ERRORS, ForeignSecretError } from '../lib/import/foreign-secret.js';
import { exitCodeOf, type ImportCode } from '../lib/import/import-result.js';
import { INTERRUPT_ERRORS, Interrupted } from '../lib/import/interrupt-guard.js';
import { KEY_SOURCE_ERRORS, KeySourceError } from '../lib/import/key-source.js';
import { SEALED_SOURCE_ERRORS, SealedSourceRefusal } from '../lib/sealing/sealed-source.js';
import { SEALING_ERRORS, SealingError } from '../lib/sealing/sealing-error.js';

const REPO = join(import.meta.dirname, '..');

/** Every catalogue, with a way to make its error for a code. */
const CATALOGUES: [string, ErrorCatalogue<string>, (code: string) => AscKeysError][] = [
  ['UsageError', USAGE_ERRORS, (c) => new UsageError(c as keyof typeof USAGE_ERRORS, 'something failed')],
  [
    'UnavailableError',
    UNAVAILABLE_ERRORS,
    (c) => new UnavailableError(c as keyof typeof UNAVAILABLE_ERRORS, 'GitHub could not be asked'),
  ],
  // Its one code's next step depends on the failure (an outage, a refusal): each has one.
  [
    'AwsReadError',
    {
      AWS_UNAVAILABLE: {
        exitCode: 2,
        nextStep: 'run it with the validator role, which may read everything drift compares',
      },
    },
    () =>
      new AwsReadError('ListSecrets', { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }),
  ],
  ['KeySourceError', KEY_SOURCE_ERRORS, (c) => new KeySourceError(c as keyof typeof KEY_SOURCE_ERRORS, 'x')],
  ['SealingError', SEALING_ERRORS, (c) => new SealingError(c as keyof typeof SEALING_ERRORS, 'x')],
  [
    'SealedSourceRefusal',
    SEALED_SOURCE_ERRORS,
    (c) => new SealedSourceRefusal(c as keyof typeof SEALED_SOURCE_ERRORS, 'x'),
  ],
  ['Interrupted', INTERRUPT_ERRORS, () => new Interrupted()],
  [
    'KeyNotReadyError',
    KEY_NOT_READY_ERRORS,
    (c) => new KeyNotReadyError(c as keyof typeof KEY_NOT_READY_ERRORS, 'x'),
  ],
  ['ForeignSecretError', FOREIGN_SECRET_ERRORS, () => new ForeignSecretError('asc-keys/acme', ['x'])],
];

describe('the one error base', () => {
  test('every code of every error class has a next step and an exit code, and its errors carry both', () => {
    const missing: string[] = [];
    for (const [name, catalogue, make] of CATALOGUES)
      for (const [code, info] of Object.entries(catalogue)) {
        if (!/\w{3}/.test(info.nextStep) || ![1, 2, 3, 130].includes(info.exitCode))
          missing.push(`${name} ${code}`);
        const err = make(code);
        expect(err).toBeInstanceOf(AscKeysError);
        expect(err.name).toBe(name);
        expect(err).toMatchObject({ code, exitCode: info.exitCode, nextStep: info.nextStep });
        expect(err.message).toBe(`${err.what}; ${info.nextStep}`);
      }
    expect(missing).toEqual([]);
  });

  test("a thrower's own next step and cause are kept as fields", () => {
    const cause = new Error('ENOENT');
    const err = new UsageError('OUTPUT_UNWRITABLE', 'cannot write x', {
      next: 'create its directory',
      cause,
    });
    expect(err).toMatchObject({ what: 'cannot write x', nextStep: 'create its directory', cause });
    expect(err.message).toBe('cannot write x; create its directory');
    expect('cause' in new UsageError('USAGE', 'x')).toBe(false);
  });

  test("import's exit codes are the catalogues' for the codes it shares with them", () => {
    for (const catalogue of [
      KEY_SOURCE_ERRORS,
      SEALED_SOURCE_ERRORS,
      INTERRUPT_ERRORS,
      FOREIGN_SECRET_ERRORS,
    ])
      for (const [code, info] of Object.entries(catalogue))
        expect([code, exitCodeOf(code as ImportCode)]).toEqual([code, info.exitCode]);
  });

  test('no class in lib/ extends Error but the base, and every class under the base is proved above', () => {
    const bases = new Map<string, string>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) walk(path);
        else if (path.endsWith('.ts'))
          for (const [, name, base] of readFileSync(path, 'utf8').matchAll(
            /class (\w+)(?:<[^>]*>)? extends (\w+)/g,
          ))
            bases.set(name!, base!);
      }
    };
    walk(join(REPO, 'lib'));
    expect(bases.get('AscKeysError')).toBe('Error');
    expect(
      [...bases].filter(
        ([name, base]) => /^(Error|TypeError|RangeError)$/.test(base) && name !== 'AscKeysError',
      ),
    ).toEqual([]);
    const underBase = (name: string): boolean => {
      const base = bases.get(name);
      return base === 'AscKeysError' || (base !== undefined && underBase(base));
    };
    // A new error class must join CATALOGUES, so that its codes are proved here too.
    expect([...bases.keys()].filter(underBase).sort()).toEqual(CATALOGUES.map(([name]) => name).sort());
  });
});
