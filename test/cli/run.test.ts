import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { AscEmulator } from '../support/asc-emulator.js';
import { secretsManagerClient } from '../support/aws-clients.js';
import { exampleProject } from '../support/example-project.js';
import { buildKeyFixture } from '../support/key-fixtures.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { runIn } from '../support/run-in-process.js';

/**
 * The top-level handler and the command wiring, in process: the end-to-end tests run the built
 * CLI in a child process; these assert the same contract (exit codes, one JSON document, messages
 * on stderr) from inside, so a wiring mistake fails here with a diff and a stack in the source.
 */
afterEach(() => vi.unstubAllEnvs());

describe('run(): the one top-level handler', () => {
  test('lint of the bundled examples: exit 0 and one JSON document', async () => {
    const { dir } = exampleProject();
    const r = await runIn(dir, ['lint', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary).toMatchObject({ errors: 0 });
  });

  test('a record with an error: exit 1, the finding with file:line:column', async () => {
    const { dir, customers } = exampleProject();
    writeFileSync(join(customers, 'globex.yaml'), 'customer: globex\n');
    const r = await runIn(dir, ['lint']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/customers\/globex\.yaml:1:1: error FIELD_REQUIRED/);
  });

  test('an unknown option is a usage error: exit 2, commander names it', async () => {
    const { dir } = exampleProject();
    const r = await runIn(dir, ['lint', '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--no-such-option'/);
  });

  test('help exits 0', async () => {
    const { dir } = exampleProject();
    expect((await runIn(dir, ['--help'])).code).toBe(0);
  });

  test('a configuration error: exit 2, a message without a stack, the stack only with --debug', async () => {
    const { dir, customers } = exampleProject();
    const missing = join(customers, 'nowhere');
    const plain = await runIn(dir, ['lint', '--customers', missing]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/^asc-keys: /);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    expect(plain.stderr).not.toMatch(/caused by/);
    const debug = await runIn(dir, ['lint', '--customers', missing, '--debug']);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/\n\s+at /);
    // The file system's own error, which the message sums up as an errno, follows whole.
    expect(debug.stderr).toMatch(/\ncaused by: Error: ENOENT: no such file or directory, scandir /);
  });

  test('synth writes every stack; status reports each key', async () => {
    const { dir } = exampleProject();
    const synth = await runIn(dir, ['synth', '--out', 'out', '--format', 'json']);
    expect(synth.code).toBe(0);
    expect(existsSync(join(dir, 'out/stacks/platform/cdk.tf.json'))).toBe(true);
    const status = await runIn(dir, ['status', '--format', 'json']);
    expect(status.code).toBe(0);
    expect(JSON.stringify(JSON.parse(status.stdout))).toContain('acme-corp');
  });
});

describe('run(): the checks, against moto and the emulator', () => {
  let moto: MotoServer;
  const emulator = new AscEmulator();
  beforeAll(async () => {
    moto = await startMoto();
    await emulator.start();
  });
  afterAll(async () => {
    await emulator.stop();
    await moto.stop();
  });

  test('check keys: a working key is OK and exit 0; JUnit is written', async () => {
    const fixture = await buildKeyFixture([{ slug: 'in-process' }], secretsManagerClient(moto), emulator);
    for (const [k, v] of Object.entries(moto.env)) vi.stubEnv(k, v ?? '');
    vi.stubEnv('ASC_API_BASE_URL', emulator.url);
    const junit = join(fixture.project.dir, 'keys.xml');
    const r = await runIn(fixture.project.dir, ['check', 'keys', '--format', 'json', '--junit', junit]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).results.map((x: { code: string }) => x.code)).toEqual(['OK']);
    expect(existsSync(junit)).toBe(true);
  });

  test('check drift: a secret in AWS but not as the stacks want it is a finding, exit 1', async () => {
    const fixture = await buildKeyFixture([{ slug: 'drifting' }], secretsManagerClient(moto), emulator);
    for (const [k, v] of Object.entries(moto.env)) vi.stubEnv(k, v ?? '');
    const r = await runIn(fixture.project.dir, [
      'check',
      'drift',
      '--customer',
      'drifting',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.length).toBeGreaterThan(0);
    expect(doc.findings.every((f: { customer: string }) => f.customer === 'drifting')).toBe(true);
  });
});
