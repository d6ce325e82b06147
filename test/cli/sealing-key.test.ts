import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { checkKeyFile, sealKey } from '../../lib/sealing/browser-core.js';
import { openSealedBlock } from '../../lib/sealing/open-sealed.js';
import { parseSealingKeyRing, type SealingKeyRing } from '../../lib/sealing/sealing-keyring.js';
import { secretsManagerClient } from '../support/aws-clients.js';
import { runCli, type CliResult } from '../support/cli.js';
import { runCliIn } from '../support/run-in-process.js';
import { generateTestKey } from '../support/keys.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { tempProject, type TempProject } from '../support/project.js';

const SECRET = 'asc-keys/_sealing-key';
let moto: MotoServer;
let aws: SecretsManagerClient;
let project: TempProject;
const outputs: string[] = [];

/**
 * `asc-keys sealing-key create` in process (runCliIn); the first run goes through the built CLI
 * (`run` = runCli), for how the process ends: its exit code and stdout apart from stderr.
 */
async function create(
  env: NodeJS.ProcessEnv = {},
  args: string[] = ['--format', 'json'],
  run = runCliIn,
): Promise<CliResult> {
  const r = await run(['sealing-key', 'create', ...args], {
    cwd: project.dir,
    env: { ...moto.env, AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });
  outputs.push(r.stdout, r.stderr);
  return r;
}

async function ring(): Promise<SealingKeyRing> {
  const value = (await aws.send(new GetSecretValueCommand({ SecretId: SECRET }))).SecretString!;
  const parsed = parseSealingKeyRing(value);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
}

/** The secret as the platform stack creates it: no value. */
const createSecretAsTerraformDoes = (): Promise<unknown> =>
  aws.send(new CreateSecretCommand({ Name: SECRET, Tags: [{ Key: 'purpose', Value: 'sealing-key' }] }));

describe('asc-keys sealing-key create, against moto', () => {
  beforeAll(async () => {
    moto = await startMoto();
    aws = secretsManagerClient(moto);
  });
  beforeEach(async () => {
    await moto.reset();
    project = tempProject({});
  });
  afterAll(async () => {
    await moto.stop();
    // The private halves never reach any output.
    for (const r of [...new Set(outputs)]) expect(r).not.toMatch(/"d"\s*:/);
  });

  test('before the platform stack is applied: exit 2, saying to apply it first', async () => {
    const r = await create();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /sealing secret asc-keys\/_sealing-key does not exist; apply the platform stack first/,
    );
    expect(r.stdout).toBe('');
  });

  test('first run: one key in the secret, its public half printed and written for the page', async () => {
    await createSecretAsTerraformDoes();
    const r = await create({}, ['--format', 'json'], runCli);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      action: string;
      kid: string;
      publicJwk: Record<string, string>;
      keptKids: string[];
    };
    expect(out).toMatchObject({
      action: 'created',
      secret: SECRET,
      publicKeyFile: 'sealing-public-key.json',
      keptKids: [],
    });
    expect(out.publicJwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: out.kid,
      alg: 'ECDH-ES',
      use: 'enc',
    });
    const stored = await ring();
    expect(stored.keys.map((k) => k.kid)).toEqual([out.kid]);
    expect(JSON.parse(readFileSync(join(project.dir, 'sealing-public-key.json'), 'utf8'))).toEqual(
      out.publicJwk,
    );
  });

  /** The sealing secret as Terraform makes it, a first sealing key, and a block sealed to that key. */
  async function blockSealedToAFirstKey(): Promise<{
    first: { kid: string };
    oldBlock: string;
    pem: string;
  }> {
    await createSecretAsTerraformDoes();
    const first = JSON.parse((await create()).stdout) as { kid: string; publicJwk: never };
    const key = await generateTestKey();
    const checked = await checkKeyFile('AuthKey_2X9R4HXF34.p8', new Uint8Array(Buffer.from(key.pem)));
    if (!checked.ok) throw new Error(checked.message);
    return { first, oldBlock: await sealKey(first.publicJwk, checked, {}), pem: key.pem };
  }

  test('--grace-days 0 retires the older key at once: its private half is gone, a block sealed to it asks for a new one', async () => {
    const { first, oldBlock } = await blockSealedToAFirstKey();
    const r = await create({}, ['--grace-days', '0']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Retired (private half deleted;`);
    expect(r.stdout).toContain(first.kid);
    const stored = await ring();
    expect(stored.keys.map((k) => k.kid)).not.toContain(first.kid);
    await expect(openSealedBlock(oldBlock, stored)).rejects.toMatchObject({ code: 'SEALED_RETIRED_KEY' });
    const bad = await create({}, ['--grace-days', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--grace-days soon is not a whole number of days from 0 to 3650; give one/);
  });

  test('rotation: the new key is current, the older one stays, and a block sealed to it still opens', async () => {
    const { first, oldBlock, pem } = await blockSealedToAFirstKey();
    const r = await create({}, []);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Rotated the sealing key /);
    expect(r.stdout).toContain(
      `Older sealing keys kept for their grace period, so blocks sealed to them still open: ${first.kid}`,
    );
    const stored = await ring();
    expect(stored.keys).toHaveLength(2);
    expect(stored.keys[1]!.kid).toBe(first.kid);
    expect(JSON.parse(readFileSync(join(project.dir, 'sealing-public-key.json'), 'utf8')).kid).toBe(
      stored.keys[0]!.kid,
    );
    expect((await openSealedBlock(oldBlock, stored)).pem).toBe(pem);
  });

  test('a secret holding something else is refused without quoting it, and left as it was', async () => {
    await createSecretAsTerraformDoes();
    await aws.send(
      new PutSecretValueCommand({ SecretId: SECRET, SecretString: '{"format":"other","hunter2":1}' }),
    );
    const r = await create();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds something else than sealing keys/);
    expect(r.stderr).not.toContain('hunter2');
    expect((await aws.send(new GetSecretValueCommand({ SecretId: SECRET }))).SecretString).toContain(
      'hunter2',
    );
  });

  test('a broken platform configuration: exit 2, naming the setting, before AWS is asked', async () => {
    const config = JSON.parse(readFileSync(project.config, 'utf8')) as {
      context: { platform: Record<string, unknown> };
    };
    config.context.platform.namePrefix = 'Not A Prefix';
    writeFileSync(project.config, JSON.stringify(config));
    const r = await create();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /the platform configuration has errors, first cdktf.json:\d+:\d+ .*run "asc-keys lint"/,
    );
  });

  test('a caller AWS refuses: exit 2, naming who may', async () => {
    await createSecretAsTerraformDoes();
    const iam = new IAMClient({
      endpoint: moto.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await iam.send(new CreateUserCommand({ UserName: 'nobody' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'nobody' }));
    await moto.enforceIam();
    const r = await create({
      AWS_ACCESS_KEY_ID: AccessKey!.AccessKeyId!,
      AWS_SECRET_ACCESS_KEY: AccessKey!.SecretAccessKey!,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /AWS refused to read the sealing secret .*only the importer role and the administrators/,
    );
  });
});
