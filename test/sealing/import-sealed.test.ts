import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PutResourcePolicyCommand } from '@aws-sdk/client-secrets-manager';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { loadProject } from '../../lib/records/load-project.js';
import { checkKeyFile, sealKey, type SealingPublicJwk } from '../../lib/sealing/browser-core.js';
import { generateSealingKey, sealingPublicJwk } from '../../lib/sealing/sealing-keyring.js';
import { applyPlatform, motoClients, type MotoClients } from '../support/apply-desired-state.js';
import { AscEmulator } from '../support/asc-emulator.js';
import { startChromium, type Browser } from '../support/chromium.js';
import { runCli, type CliResult } from '../support/cli.js';
import { exampleProject } from '../support/example-project.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import type { TempProject } from '../support/project.js';
import { dropFile, sealedBlockOf } from '../support/sealing-page-driver.js';
import { appleKey, strayFiles, versionsOf, type AppleKey } from '../import/import-harness.js';
import { keyNeedles, PlaintextWatch } from '../import/plaintext-watch.js';

let moto: MotoServer;
let clients: MotoClients;
const emulator = new AscEmulator();
let project: TempProject;
let cliTmp: string;
let inbox: string;
let recipient: SealingPublicJwk;
const keys: AppleKey[] = [];
const outputs: string[] = [];

const env = (): NodeJS.ProcessEnv => ({
  ...moto.env,
  AWS_EC2_METADATA_DISABLED: 'true',
  ASC_API_BASE_URL: emulator.url,
  TMPDIR: cliTmp,
});

async function cli(args: string[], input?: string): Promise<CliResult> {
  const r = await runCli(args, { cwd: project.dir, env: env(), ...(input !== undefined && { input }) });
  outputs.push(r.stdout, r.stderr);
  return r;
}

/** `import --sealed`, with the working directory and TMPDIR watched for key material. */
async function importSealed(args: string[], input?: string): Promise<CliResult> {
  const watch = new PlaintextWatch([project.dir, cliTmp], () => keys.flatMap(keyNeedles));
  watch.start();
  const r = await cli(['import', '--retry-budget', '2', '--format', 'json', ...args], input);
  expect(watch.stop()).toEqual([]);
  return r;
}

async function newKey(options: Parameters<typeof appleKey>[1] = {}): Promise<AppleKey> {
  const key = await appleKey(emulator, options);
  keys.push(key);
  return key;
}

/** Sealed with the page's own code (browser-core), as the page does it. */
async function sealedInNode(
  key: AppleKey,
  customer?: string,
  to: SealingPublicJwk = recipient,
): Promise<string> {
  const checked = await checkKeyFile(`AuthKey_${key.keyId}.p8`, new Uint8Array(Buffer.from(key.pem)));
  if (!checked.ok) throw new Error(checked.message);
  return sealKey(to, checked, {
    ...(key.issuerId && { issuerId: key.issuerId }),
    ...(customer && { customer }),
  });
}

function mail(block: string): string {
  const path = join(mkdtempSync(join(inbox, 'mail-')), 'reply.txt');
  writeFileSync(path, block);
  return path;
}

async function expectNothingStored(slug: string): Promise<void> {
  expect(await versionsOf(clients.secretsManager, `asc-keys/${slug}`)).toBeUndefined();
  expect(existsSync(join(project.customers, `${slug}.yaml`))).toBe(false);
  expect(strayFiles(project.customers)).toEqual([]);
}

describe('import --sealed, through the real CLI with moto, the emulator and Chromium', () => {
  beforeAll(async () => {
    // The platform's account, so that the ARNs of the model are moto's.
    moto = await startMoto({ accountId: '111122223333' });
    clients = motoClients(moto);
    await emulator.start();
    project = exampleProject();
    cliTmp = mkdtempSync(join(tmpdir(), 'asc-keys-cli-tmp-'));
    inbox = mkdtempSync(join(tmpdir(), 'asc-keys-inbox-'));
    const platform = loadProject({ customersDir: project.customers, configFile: project.config }).platform!;
    const desired = platformDesiredState(platform);
    await applyPlatform(clients, desired);
    // applyPlatform creates the sealing secret and its policy, as the stack does, without a value.
    const created = await cli(['sealing-key', 'create']);
    expect(created.code, created.stderr).toBe(0);
    recipient = JSON.parse(
      readFileSync(join(project.dir, 'sealing-public-key.json'), 'utf8'),
    ) as SealingPublicJwk;
  });
  afterAll(async () => {
    await emulator.stop();
    await moto.stop();
    const needles = keys.flatMap(keyNeedles);
    for (const out of outputs) expect(needles.filter((n) => out.includes(n))).toEqual([]);
  });

  test('the customer seals in Chromium, the engineer imports the block from their mail, check keys says OK', async () => {
    const key = await newKey();
    const page = await cli([
      'sealing-page',
      '--out',
      'page.html',
      '--customer',
      'sealed-co',
      '--display-name',
      'Sealed Co',
    ]);
    expect(page.code, page.stderr).toBe(0);
    const browser: Browser = await startChromium();
    const requests: string[] = [];
    let block: string;
    try {
      const tab = await browser.context.newPage();
      const url = pathToFileURL(join(project.dir, 'page.html')).href;
      tab.on('request', (r) => void (r.url() !== url && requests.push(r.url())));
      await tab.goto(url);
      await dropFile(tab, `AuthKey_${key.keyId}.p8`, key.pem);
      await expect.poll(() => tab.locator('#key-id').textContent()).toBe(key.keyId);
      expect(await tab.locator('#fingerprint').textContent()).toBe(key.fingerprint);
      await tab.fill('#issuer-id', key.issuerId!);
      await tab.click('#seal');
      await expect.poll(() => sealedBlockOf(tab)).toMatch(/END ASC-KEYS SEALED KEY/);
      block = await sealedBlockOf(tab);
    } finally {
      await browser.close();
    }
    expect(requests).toEqual([]);
    // The reply, quoted and rewrapped by a mail client.
    const quoted = [
      'Hi, here it is.',
      '',
      ...block
        .trimEnd()
        .split('\n')
        .map((l) => `> ${l}`),
      '',
      'Jane',
    ].join('\r\n');
    const r = await importSealed([
      '--sealed',
      mail(quoted),
      '--customer',
      'sealed-co',
      '--app-id',
      key.appleId,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      customer: 'sealed-co',
      keyId: key.keyId,
      fingerprint: key.fingerprint,
      secret: 'aws-sm:asc-keys/sealed-co',
      action: 'created',
      code: 'OK',
    });
    const record = readFileSync(join(project.customers, 'sealed-co.yaml'), 'utf8');
    expect(record).toContain(`keyId: ${key.keyId}`);
    expect(record).toContain(`issuerId: ${key.issuerId}`);

    // The customer stack applied as Terraform would (its policy), then check keys.
    const p = loadProject({ customersDir: project.customers, configFile: project.config });
    const desired = customerDesiredState(
      p.records.find((x) => x.customer === 'sealed-co')!,
      p.platform!,
      new Date(),
    );
    await clients.secretsManager.send(
      new PutResourcePolicyCommand({
        SecretId: desired.secret!.name,
        ResourcePolicy: JSON.stringify(desired.secret!.policy),
        BlockPublicPolicy: true,
      }),
    );
    const keysRun = await cli(['check', 'keys', '--customer', 'sealed-co', '--format', 'json']);
    expect(keysRun.code, keysRun.stdout + keysRun.stderr).toBe(0);
    expect(JSON.parse(keysRun.stdout).results[0].code).toBe('OK');
  });

  test('from stdin, an individual key, with flags that agree with the block', async () => {
    const key = await newKey({ individual: true });
    const block = await sealedInNode(key);
    const r = await importSealed(
      [
        '--sealed',
        '-',
        '--customer',
        'sealed-individual',
        '--app-id',
        key.appleId,
        '--key-id',
        key.keyId,
        '--individual',
      ],
      block,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ keyId: key.keyId, action: 'created', code: 'OK' });
    expect(readFileSync(join(project.customers, 'sealed-individual.yaml'), 'utf8')).toContain(
      'type: individual',
    );
  });

  const refusals: [string, string, number, (key: AppleKey) => Promise<{ block: string; args?: string[] }>][] =
    [
      ['tampered', 'SEALED_TAMPERED', 1, async (k) => ({ block: tamper(await sealedInNode(k)) })],
      [
        'truncated by a mail client',
        'SEALED_TRUNCATED',
        1,
        async (k) => ({ block: (await sealedInNode(k)).split('\n').slice(0, 5).join('\n') }),
      ],
      [
        'sealed to another key',
        'SEALED_OTHER_KEY',
        1,
        async (k) => ({
          block: await sealedInNode(k, undefined, sealingPublicJwk(await generateSealingKey(new Date()))),
        }),
      ],
      [
        'made for another customer',
        'SEALED_OTHER_CUSTOMER',
        2,
        async (k) => ({ block: await sealedInNode(k, 'globex') }),
      ],
      [
        'with a --key-id that disagrees',
        'SEALED_FLAG_MISMATCH',
        2,
        async (k) => ({ block: await sealedInNode(k), args: ['--key-id', 'ZZZZZZZZZZ'] }),
      ],
      [
        'with --individual for a team key',
        'SEALED_FLAG_MISMATCH',
        2,
        async (k) => ({ block: await sealedInNode(k), args: ['--individual'] }),
      ],
      [
        'not a block at all',
        'SEALED_NOT_FOUND',
        1,
        () => Promise.resolve({ block: 'Please find the key attached.' }),
      ],
    ];
  test.each(refusals)(
    'a block %s: refused with %s (exit %i), nothing stored, no record',
    async (_what, code, exit, make) => {
      const key = await newKey();
      const slug = `refused-${code.toLowerCase().replace(/_/g, '-')}-${keys.length}`;
      const { block, args = [] } = await make(key);
      const r = await importSealed([
        '--sealed',
        mail(block),
        '--customer',
        slug,
        '--app-id',
        key.appleId,
        ...args,
      ]);
      expect(r.code, r.stdout + r.stderr).toBe(exit);
      const out = JSON.parse(r.stdout) as { code: string; action: string; message: string };
      expect(out).toMatchObject({ code, action: 'refused' });
      expect(out.message).toMatch(/nothing was stored and no record was written$/);
      await expectNothingStored(slug);
    },
  );

  test('--sealed together with --p8: exit 2 before anything is read', async () => {
    const r = await cli(['import', '--sealed', '-', '--p8', 'x.p8', '--customer', 'x', '--app-id', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exactly one of --p8 <file>, --zip <file> and --sealed <file\|->/);
  });
});

/** One character of the ciphertext changed, as a careless edit or a broken relay would. */
function tamper(block: string): string {
  const lines = block.split('\n');
  const i = 3;
  lines[i] = lines[i]!.slice(0, 20) + (lines[i]![20] === 'A' ? 'B' : 'A') + lines[i]!.slice(21);
  return lines.join('\n');
}
