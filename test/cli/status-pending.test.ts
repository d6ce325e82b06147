import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { status } from '../../lib/cli/commands/status.js';
import { keyVersionId } from '../../lib/model/key-version.js';
import { runCli, type CliResult } from '../support/cli.js';
import { fastlaneValue } from '../support/key-fixtures.js';
import { generateTestKey, type TestKey } from '../support/keys.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { recordText, tempProject, type TempProject } from '../support/project.js';
import { keyNeedles } from '../import/plaintext-watch.js';

/**
 * `status --aws` lists the imports awaiting merge, as check keys and check drift do: here an
 * onboarding whose pull request is open (initech has a staged key and no record) beside a
 * merged customer. Without --aws status is offline and `pending` is null (unknown).
 */
let moto: MotoServer;
let project: TempProject;
let staged: TestKey;
const outputs: string[] = [];
const TODAY = new Date().toISOString().slice(0, 10);
const KEY_ID = 'INITECH001';

beforeAll(async () => {
  moto = await startMoto();
  project = tempProject({ 'acme-corp.yaml': recordText({ createdOn: TODAY }) });
  staged = await generateTestKey();
  const client = new SecretsManagerClient({
    endpoint: moto.url,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await client.send(
    new CreateSecretCommand({
      Name: 'asc-keys/initech',
      Tags: [
        { Key: 'managed-by', Value: 'asc-keys' },
        { Key: 'customer', Value: 'initech' },
      ],
    }),
  );
  await client.send(
    new PutSecretValueCommand({
      SecretId: 'asc-keys/initech',
      SecretString: fastlaneValue(staged, {
        keyId: KEY_ID,
        issuerId: '57246542-96fe-1a63-e053-0824d011072a',
      }),
      ClientRequestToken: keyVersionId('asc-keys/initech', KEY_ID, staged.fingerprint),
      VersionStages: ['AWSPENDING'],
    }),
  );
});
afterAll(async () => moto?.stop());

async function cli(args: string[]): Promise<CliResult> {
  const r = await runCli(args, { cwd: project.dir, env: moto.env });
  outputs.push(r.stdout, r.stderr);
  return r;
}

describe('status --aws', () => {
  test('lists the staged key no record names (customer, Key ID, fingerprint, import day); exit 0', async () => {
    const json = await cli(['status', '--aws', '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.pending).toEqual([
      {
        customer: 'initech',
        keyId: KEY_ID,
        fingerprint: staged.fingerprint,
        importedOn: TODAY,
        overdue: false,
      },
    ]);
    // The rest of the document is status's as ever.
    expect(doc.summary).toEqual({ customers: 1, overdue: 0, errors: 0 });
    expect(doc.customers).toMatchObject([{ customer: 'acme-corp', keyId: '2X9R4HXF34', request: null }]);

    const text = await cli(['status', '--aws']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      `Imports awaiting merge (1; import, then merge, then deploy):\n  initech: awaiting merge: key ${KEY_ID} (fingerprint ${staged.fingerprint}), imported on ${TODAY}, staged in asc-keys/initech (import, then merge, then deploy)\n`,
    );
  });

  test('without --aws status is offline: pending is null, and no AWS is asked', async () => {
    const r = await runCli(['status', '--format', 'json'], {
      cwd: project.dir,
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).pending).toBeNull();
    expect(r.stdout).not.toContain('awaiting merge');
  });

  test('past the grace period the line says to merge the pull request or discard the import', async () => {
    let stdout = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    const before = process.cwd();
    for (const [k, v] of Object.entries(moto.env)) vi.stubEnv(k, v ?? '');
    process.chdir(project.dir);
    try {
      const code = await status(
        { customers: 'customers', format: 'text', aws: true },
        new Date(Date.now() + 8 * 86_400_000),
      );
      expect(code).toBe(0);
    } finally {
      process.chdir(before);
      out.mockRestore();
      vi.unstubAllEnvs();
    }
    outputs.push(stdout);
    expect(stdout).toMatch(
      /^ {2}initech: an import was never merged \(key INITECH001 .*, more than 7 days ago\): merge its pull request, or discard it with "asc-keys import --discard --customer initech"$/m,
    );
  });

  test('no key material in any output', () => {
    const needles = keyNeedles(staged);
    for (const o of outputs) for (const n of needles) expect(o.includes(n)).toBe(false);
  });
});
