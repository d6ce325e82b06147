import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CreateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AscEmulator, KeyState } from './asc-emulator.js';
import { generateTestKey, type TestKey } from './keys.js';
import { recordText, tempProject, type TempProject } from './project.js';

export interface KeyScenario {
  readonly slug: string;
  /** @default 'team' */
  readonly type?: 'team' | 'individual';
  /** Where the key is stored. @default 'aws' */
  readonly store?: 'aws' | 'file';
  /** The stored value; null stores nothing. @default fastlane JSON of the key */
  readonly value?: ((key: TestKey, ids: { keyId: string; issuerId?: string }) => string) | null;
  /** The record's fingerprint is another key's. */
  readonly wrongFingerprint?: boolean;
  /** How the emulator knows the key. @default 'active' */
  readonly apple?: KeyState | 'unregistered';
  /** The key sees no app. */
  readonly noApps?: boolean;
  /** The emulator answers this for the key, whatever it sends. */
  readonly appleAnswer?: { status: number; code?: string; rawBody?: string };
  /** The record file's text, instead of a valid record. */
  readonly brokenRecord?: string;
}

export interface KeyFixture {
  readonly project: TempProject;
  readonly keys: Map<string, TestKey>;
}

export const fastlaneValue = (key: TestKey, ids: { keyId: string; issuerId?: string }): string =>
  JSON.stringify({ key_id: ids.keyId, issuer_id: ids.issuerId ?? null, key: key.pem, in_house: false });

/** Records, stored secrets and emulator keys for each scenario; every key generated here and now. */
export async function buildKeyFixture(
  scenarios: readonly KeyScenario[],
  aws: SecretsManagerClient,
  emulator: AscEmulator,
): Promise<KeyFixture> {
  const project = tempProject({});
  const keys = new Map<string, TestKey>();
  const other = await generateTestKey();
  const perKey = new Map(emulator.faults.perKey ?? []);
  for (const [i, s] of scenarios.entries()) {
    const file = join(project.customers, `${s.slug}.yaml`);
    if (s.brokenRecord !== undefined) {
      writeFileSync(file, s.brokenRecord);
      continue;
    }
    const key = await generateTestKey();
    keys.set(s.slug, key);
    const keyId = `K${String(i).padStart(4, '0')}${s.slug
      .replace(/[^a-z]/g, '')
      .toUpperCase()
      .padEnd(5, 'X')
      .slice(0, 5)}`;
    const issuerId =
      s.type === 'individual' ? undefined : `${String(i).padStart(8, '0')}-96fe-1a63-e053-0824d011072a`;
    const appleId = String(1_000_000_000 + i);
    const secret = s.store === 'file' ? `file:keys/${s.slug}.p8` : `aws-sm:asc-keys/${s.slug}`;
    writeFileSync(
      file,
      recordText({
        customer: s.slug,
        appleId,
        keyId,
        issuerId: issuerId ?? null,
        secret,
        fingerprint: (s.wrongFingerprint ? other : key).fingerprint,
      }),
    );
    const value =
      s.value === null
        ? undefined
        : (s.value ?? fastlaneValue)(key, { keyId, ...(issuerId && { issuerId }) });
    if (value !== undefined && s.store === 'file') {
      mkdirSync(dirname(join(project.dir, 'keys', 'x')), { recursive: true });
      writeFileSync(join(project.dir, 'keys', `${s.slug}.p8`), value);
    } else if (value !== undefined) {
      await aws.send(
        new CreateSecretCommand({
          Name: `asc-keys/${s.slug}`,
          SecretString: value,
          Tags: [
            { Key: 'customer', Value: s.slug },
            { Key: 'managed-by', Value: 'asc-keys' },
          ],
        }),
      );
    }
    if (s.apple !== 'unregistered') {
      emulator.register({
        keyId,
        ...(issuerId && { issuerId }),
        publicKey: key.publicKey,
        state: s.apple ?? 'active',
        apps: s.noApps ? [] : [appleId],
      });
    }
    if (s.appleAnswer) perKey.set(keyId, s.appleAnswer);
  }
  emulator.faults = { ...emulator.faults, perKey };
  return { project, keys };
}
