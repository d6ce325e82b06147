import { spawn } from 'node:child_process';
import fs, { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, type PathLike } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import type { AscEmulator, KeyState } from '../support/asc-emulator.js';
import type { ImportCliOptions } from '../../lib/cli/commands/import.js';
import { CLI_BIN, cliEnv, type CliResult } from '../support/cli.js';
import { generateTestKey, type TestKey } from '../support/keys.js';

/** A generated key with the IDs App Store Connect would give it. */
export interface AppleKey extends TestKey {
  readonly keyId: string;
  readonly issuerId?: string;
  readonly appleId: string;
}

let counter = 0;

/** A new key, its IDs and its app, registered with the emulator in the state asked for. */
export async function appleKey(
  emulator: AscEmulator,
  options: { individual?: boolean; state?: KeyState | 'unregistered'; noApps?: boolean } = {},
): Promise<AppleKey> {
  const n = ++counter;
  const key = await generateTestKey();
  const keyId = `IMP${String(n).padStart(4, '0')}${process.pid.toString(36).toUpperCase().slice(-3).padStart(3, 'X')}`;
  const issuerId = options.individual
    ? undefined
    : `${String(n).padStart(8, '0')}-aaaa-4bbb-8ccc-${'d'.repeat(12)}`;
  const appleId = String(3_000_000_000 + n);
  if (options.state !== 'unregistered')
    emulator.register({
      keyId,
      ...(issuerId && { issuerId }),
      publicKey: key.publicKey,
      state: options.state ?? 'active',
      apps: options.noApps ? [] : [appleId],
    });
  return { ...key, keyId, ...(issuerId && { issuerId }), appleId };
}

/** The import options for a key; `slug` is the customer. */
export function idArgs(slug: string, key: AppleKey): string[] {
  return [
    '--customer',
    slug,
    '--app-id',
    key.appleId,
    '--key-id',
    key.keyId,
    ...(key.issuerId ? ['--issuer-id', key.issuerId] : ['--individual']),
  ];
}

/** The same, as the options the import command receives (lib/cli/commands/import.ts). */
export function idOptions(
  slug: string,
  key: AppleKey,
): Pick<ImportCliOptions, 'customer' | 'appId' | 'keyId' | 'issuerId' | 'individual'> {
  return {
    customer: slug,
    appId: key.appleId,
    keyId: key.keyId,
    ...(key.issuerId ? { issuerId: key.issuerId } : { individual: true }),
  };
}

/** A directory for the files the customer sent: outside the watched directories. */
export const inbox = (): string => mkdtempSync(join(tmpdir(), 'asc-keys-inbox-'));

export function writeP8(dir: string, name: string, content: string): string {
  const sub = mkdtempSync(join(dir, 'p8-'));
  const path = join(sub, name);
  writeFileSync(path, content);
  return path;
}

/** An AES-256 zip as 7-Zip and WinZip write it, made with zip.js (the reader's library, but another writer). */
export async function aesZip(
  dir: string,
  entries: Record<string, string>,
  password: string,
  encryptionStrength: 1 | 2 | 3 = 3,
): Promise<string> {
  const writer = new ZipWriter(new Uint8ArrayWriter(), { password, encryptionStrength, zipCrypto: false });
  for (const [name, content] of Object.entries(entries))
    await writer.add(name, new Uint8ArrayReader(new TextEncoder().encode(content)));
  const path = join(mkdtempSync(join(dir, 'zip-')), 'key.zip');
  writeFileSync(path, await writer.close());
  return path;
}

/** A ZipCrypto zip made by Info-ZIP (`zip -P`, as `zip -e` on macOS), entries at their paths. */
export async function infoZip(
  dir: string,
  entries: Record<string, string>,
  password?: string,
  /** Stored, not deflated: then only the CRC shows that a wrong password decrypted garbage. */
  store = false,
): Promise<string> {
  const root = mkdtempSync(join(dir, 'src-'));
  for (const [name, content] of Object.entries(entries)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  const path = join(mkdtempSync(join(dir, 'zip-')), 'key.zip');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'zip',
      [
        '-q',
        '-r',
        ...(store ? ['-0'] : []),
        ...(password ? ['-P', password] : []),
        path,
        ...Object.keys(entries),
      ],
      {
        cwd: root,
      },
    );
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`zip exited ${code}`))));
  });
  return path;
}

export interface Version {
  readonly id: string;
  readonly stages: readonly string[];
}

/** Every version of a secret, deprecated ones included; undefined when there is no secret. */
export async function versionsOf(client: SecretsManagerClient, name: string): Promise<Version[] | undefined> {
  try {
    // moto answers ListSecretVersionIds for an unknown secret with an HTML page; ask DescribeSecret first.
    await client.send(new DescribeSecretCommand({ SecretId: name }));
    const r = await client.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    return (r.Versions ?? [])
      .map((v) => ({ id: v.VersionId!, stages: [...(v.VersionStages ?? [])].sort() }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

/** The labelled versions only: what a reader of the secret can reach. */
export const labelled = (versions: readonly Version[] | undefined): Version[] | undefined =>
  versions?.filter((v) => v.stages.length > 0);

export async function valueOf(
  client: SecretsManagerClient,
  name: string,
  stage = 'AWSCURRENT',
): Promise<{ key_id: string; issuer_id: string | null; key: string; in_house: boolean }> {
  const r = await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: stage }));
  return JSON.parse(r.SecretString!);
}

/** Files in customers/ other than records: a temporary record left behind would show here. */
export const strayFiles = (customers: string): string[] =>
  readdirSync(customers).filter((f) => !f.endsWith('.yaml') && f !== 'README.md');

/**
 * Runs `body` with renameSync failing (EIO) for every destination that ends in `target`: the
 * only way to make a rename fail as root. Node's own exports are patched, so the code under test
 * sees it through its `import { renameSync } from 'node:fs'`; restored afterwards.
 */
export async function withRenameFailing<T>(target: string, body: () => Promise<T>): Promise<T> {
  const rename = fs.renameSync;
  fs.renameSync = function (from: PathLike, to: PathLike): void {
    if (String(to).endsWith(target))
      throw Object.assign(new Error('EIO: injected rename failure'), { code: 'EIO' });
    rename(from, to);
  };
  syncBuiltinESMExports();
  try {
    return await body();
  } finally {
    fs.renameSync = rename;
    syncBuiltinESMExports();
  }
}

/** A stdin that is no terminal, holding `input` (nothing when undefined), as a pipe would. */
export function pipedStdin(input?: string): NodeJS.ReadStream {
  return Object.assign(Readable.from(input === undefined ? [] : [Buffer.from(input)]), {
    isTTY: false,
  }) as unknown as NodeJS.ReadStream;
}

/**
 * The built CLI in its own process group, so that the test can press Ctrl-C as a terminal does:
 * SIGINT to every process of the group.
 */
export function runCliInGroup(
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): { result: Promise<CliResult>; interrupt: () => void } {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end('');
  return {
    result: new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 + 2 : -1), stdout, stderr }));
    }),
    interrupt: () => process.kill(-child.pid!, 'SIGINT'),
  };
}

export const read = (path: string): string => readFileSync(path, 'utf8');

/**
 * The built CLI on a pseudo-terminal (Python's pty module), typing `password` when the
 * prompt appears: what a person at a terminal sees, echo included, comes back as `output`.
 */
export function runCliOnTerminal(
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; password: string },
): Promise<{ code: number; output: string }> {
  const script = [
    'import os, pty, select, sys',
    'password = os.environ.pop("ASC_KEYS_TEST_TYPED").encode()',
    'pid, fd = pty.fork()',
    'if pid == 0:',
    '    os.execvp(sys.argv[1], sys.argv[1:])',
    'out, typed = b"", False',
    'while True:',
    '    ready, _, _ = select.select([fd], [], [], 120)',
    '    if not ready: break',
    '    try: data = os.read(fd, 4096)',
    '    except OSError: break',
    '    if not data: break',
    '    out += data',
    '    if not typed and b"(not shown): " in out:',
    '        os.write(fd, password + b"\\r")',
    '        typed = True',
    '_, status = os.waitpid(pid, 0)',
    'sys.stdout.buffer.write(out)',
    'sys.exit(os.waitstatus_to_exitcode(status))',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', script, process.execPath, CLI_BIN, ...args], {
      cwd: options.cwd,
      env: {
        ...cliEnv(options.env),
        ASC_KEYS_TEST_TYPED: options.password,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
