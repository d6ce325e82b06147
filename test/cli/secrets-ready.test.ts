import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { keyVersionId } from '../../lib/model/key-version.js';
import { runCli } from '../support/cli.js';
import { runCliIn } from '../support/run-in-process.js';
import { exampleProject } from '../support/example-project.js';
import { startMoto, type MotoServer } from '../support/moto.js';

/**
 * `synth --aws` and `affected --aws`: a customer stack whose secret `import` never created, or
 * that is in its recovery window, is caught before Terraform plans it (the stack's data source
 * would fail with "couldn't find resource"), naming the customer and the import command. The
 * example project: acme-corp's key is imported, globex's never was, jdoe-studio's secret is
 * scheduled for deletion. Without --aws both commands stay offline.
 */
let moto: MotoServer;
let dir: string;
const secrets = (): SecretsManagerClient =>
  new SecretsManagerClient({
    endpoint: moto.url,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
const git = (...args: string[]): string =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
    cwd: dir,
    encoding: 'utf8',
  });

async function stage(slug: string, keyId: string, fingerprint: string): Promise<void> {
  const name = `asc-keys/${slug}`;
  await secrets().send(new CreateSecretCommand({ Name: name }));
  await secrets().send(
    new PutSecretValueCommand({
      SecretId: name,
      SecretString: 'stored by import',
      ClientRequestToken: keyVersionId(name, keyId, fingerprint),
      VersionStages: ['AWSPENDING'],
    }),
  );
}

beforeAll(async () => {
  moto = await startMoto();
  dir = exampleProject().dir;
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'base');
  await stage('acme-corp', '2X9R4HXF34', 'DOx8dVGPO3YbdqXUWixkPuZ1Bp-Y0TA-DoIC347i6R4');
  await stage('jdoe-studio', '7QK2M9PLX3', 'DlDTMiXOK6BsOnoqv2oN07dl9LjDpuCH0Lo8ZLtnuZA');
  await secrets().send(
    new DeleteSecretCommand({ SecretId: 'asc-keys/jdoe-studio', RecoveryWindowInDays: 7 }),
  );
});
afterAll(async () => moto?.stop());

const UNTIL = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
const GLOBEX =
  'customers/globex.yaml:10:11: error SECRET_MISSING the secret asc-keys/globex of globex does not exist, so the stack customer-globex has no secret to adopt and Terraform would fail with "couldn\'t find resource"; run "asc-keys import --customer globex --app-id 3456789012 --key-id B8VN3C6Z1Q --issuer-id 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0 --p8 AuthKey_B8VN3C6Z1Q.p8" with the key that customers/globex.yaml names, then merge and deploy (import, then merge, then deploy)';

describe('synth --aws', () => {
  test('names each customer whose stack cannot be applied, with the import (or the restore) to run, and writes nothing', async () => {
    const r = await runCli(['synth', '--aws'], { cwd: dir, env: moto.env });
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContain(GLOBEX);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^customers/jdoe-studio\\.yaml:\\d+:\\d+: error SECRET_DELETED the secret asc-keys/jdoe-studio of jdoe-studio is scheduled for deletion, .*restore-secret --secret-id asc-keys/jdoe-studio" by ${UNTIL}, when its recovery window ends, then deploy again; once that day has passed it is gone for good: run "asc-keys import --customer jdoe-studio --app-id 2345678901 --key-id 7QK2M9PLX3 --individual --p8 AuthKey_7QK2M9PLX3\\.p8"`,
        ),
      ),
    );
    expect(r.stdout).not.toMatch(/acme-corp/);
    expect(r.stdout).toMatch(
      /^Nothing was synthesized: 2 customer stacks cannot be applied until their keys are imported \(or the secret restored\)$/m,
    );
    expect(existsSync(join(dir, 'cdktf.out', 'stacks'))).toBe(false);

    // One stack alone: only its record is asked about.
    const acme = await runCliIn(['synth', '--aws', '--stack', 'customer-acme-corp', '--format', 'json'], {
      cwd: dir,
      env: moto.env,
    });
    expect(acme.code, acme.stdout + acme.stderr).toBe(0);
    expect(JSON.parse(acme.stdout).stacks.map((s: { name: string }) => s.name)).toEqual([
      'customer-acme-corp',
    ]);
  });

  test('without --aws synth stays offline: lint, then synthesize, with no AWS at all', async () => {
    const r = await runCliIn(['synth', '--stack', 'customer-globex'], {
      cwd: dir,
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'cdktf.out', 'stacks', 'customer-globex', 'cdk.tf.json'))).toBe(true);
  });

  test('AWS that cannot be asked is a configuration error (exit 2) that names the setting', async () => {
    const r = await runCliIn(['synth', '--aws', '--stack', 'customer-globex'], {
      cwd: dir,
      env: { ...moto.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing answers at AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:9/);
  });
});

describe('affected --aws', () => {
  test('the changed records whose stack cannot be applied: on stderr and in JSON, exit 1; stdout stays the list', async () => {
    git('checkout', '-q', '-b', 'change');
    for (const slug of ['acme-corp', 'globex'])
      writeFileSync(
        join(dir, 'customers', `${slug}.yaml`),
        readFileSync(join(dir, 'customers', `${slug}.yaml`), 'utf8').replace(
          /^displayName: .*$/m,
          'displayName: X',
        ),
      );
    const offline = await runCliIn(['affected', '--base', 'main'], { cwd: dir });
    expect(offline).toMatchObject({ code: 0, stdout: 'customer-acme-corp\ncustomer-globex\n', stderr: '' });

    const text = await runCliIn(['affected', '--base', 'main', '--aws'], { cwd: dir, env: moto.env });
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('customer-acme-corp\ncustomer-globex\n');
    expect(text.stderr).toBe(`asc-keys: ${GLOBEX}\n`);

    const json = await runCliIn(['affected', '--base', 'main', '--aws', '--format', 'json'], {
      cwd: dir,
      env: moto.env,
    });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      stacks: ['customer-acme-corp', 'customer-globex'],
      findings: [
        {
          file: 'customers/globex.yaml',
          line: 10,
          column: 11,
          severity: 'error',
          code: 'SECRET_MISSING',
          message: expect.stringContaining('asc-keys import --customer globex'),
        },
      ],
    });
  });
});
