import { describe, expect, test } from 'vitest';
import { Testing } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { platformSchema } from '../../lib/records/platform-schema.js';
import { CustodyStack } from '../../lib/stacks/custody-stack.js';
import { EXAMPLE_CONFIG } from '../support/project.js';
import { PLATFORM, record } from '../support/records.js';
import { customerDesiredState } from '../../lib/model/customer-desired.js';
import { sealingSecretName } from '../../lib/model/sealing-key.js';
import '../support/cdktf-matchers.js';

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
type Resources = Record<string, Record<string, Record<string, unknown>>>;

function synth(platform = PLATFORM): { json: string; resource: Resources } {
  const stack = new CustodyStack(Testing.app(), { platform, desired: platformDesiredState(platform) });
  const json = Testing.synth(stack);
  return { json, resource: (JSON.parse(json) as { resource: Resources }).resource };
}

const statements = (resource: Resources): Statement[] =>
  (JSON.parse(resource.aws_iam_role_policy!.importer_policy!.policy as string) as { Statement: Statement[] })
    .Statement;
const actions = (s: Statement): string[] => [s.Action].flat();

describe('the importer role in the platform stack', () => {
  test('asc-keys-importer, assumable by importerTrustedPrincipals only', () => {
    const { json, resource } = synth();
    expect(
      Testing.toHaveResourceWithProperties(json, IamRole.tfResourceType, { name: 'asc-keys-importer' }),
    ).toBe(true);
    expect(
      Testing.toHaveResourceWithProperties(json, IamRolePolicy.tfResourceType, {
        name: 'asc-keys-importer-permissions',
        role: '${aws_iam_role.importer_role.name}',
      }),
    ).toBe(true);
    expect(JSON.parse(resource.aws_iam_role!.importer_role!.assume_role_policy as string)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:role/PlatformAdministrator'] },
          Action: 'sts:AssumeRole',
        },
      ],
    });
  });

  test('exactly these actions: create, tag on create, describe (and its policy), put, move stages, delete; KMS encrypt and describe; the sealing key', () => {
    const all = statements(synth().resource).flatMap(actions).sort();
    expect(all).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'secretsmanager:CreateSecret',
      'secretsmanager:DeleteSecret',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetResourcePolicy',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:TagResource',
      'secretsmanager:UpdateSecretVersionStage',
    ]);
  });

  test('it never reads a key: its one read is the sealing key (import --sealed), by exact ARN; no wildcard action', () => {
    const all = statements(synth().resource);
    const sealing = `arn:aws:secretsmanager:eu-central-1:111122223333:secret:${sealingSecretName('asc-keys')}-??????`;
    for (const s of all) {
      for (const a of actions(s)) expect(a).not.toContain('*');
      if (actions(s).some((a) => /GetSecretValue/.test(a))) {
        expect(actions(s)).toEqual(['secretsmanager:GetSecretValue']);
        expect(s.Resource).toBe(sealing);
      }
      if (actions(s).includes('kms:Decrypt'))
        expect(s.Condition!.StringLike).toEqual({ 'kms:EncryptionContext:SecretARN': sealing });
    }
    expect(actions(all.find((s) => s.Sid === 'StoreVersionsOfKeySecrets')!)).not.toContain(
      'secretsmanager:GetSecretValue',
    );
  });

  test('secrets under the name prefix only; the platform key only, through Secrets Manager', () => {
    const byId = Object.fromEntries(statements(synth().resource).map((s) => [s.Sid, s]));
    for (const sid of ['CreateKeySecrets', 'TagOnCreate', 'StoreVersionsOfKeySecrets'])
      expect(byId[sid]!.Resource).toBe('arn:aws:secretsmanager:eu-central-1:111122223333:secret:asc-keys/*');
    expect(byId.EncryptThroughSecretsManager).toMatchObject({
      Resource: 'arn:aws:kms:eu-central-1:111122223333:key/*',
      Condition: {
        StringEquals: { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com' },
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/asc-keys' },
      },
    });
    // DescribeKey resolves the platform alias (a secret may name its key by ID): that key only.
    expect(byId.IdentifyPlatformKey).toEqual({
      Sid: 'IdentifyPlatformKey',
      Effect: 'Allow',
      Action: 'kms:DescribeKey',
      Resource: 'arn:aws:kms:eu-central-1:111122223333:key/*',
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/asc-keys' } },
    });
  });

  test('creating needs the managed-by tag, only the four key tags, and the platform key', () => {
    const byId = Object.fromEntries(statements(synth().resource).map((s) => [s.Sid, s]));
    expect(byId.CreateKeySecrets!.Condition).toEqual({
      StringEquals: {
        'aws:RequestTag/managed-by': 'asc-keys',
        'secretsmanager:KmsKeyId': 'arn:aws:kms:eu-central-1:111122223333:alias/asc-keys',
      },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['customer', 'app', 'key-id', 'managed-by'] },
    });
    expect(byId.TagOnCreate!.Condition).toEqual({
      StringEquals: { 'aws:RequestTag/managed-by': 'asc-keys' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['customer', 'app', 'key-id', 'managed-by'] },
    });
    expect(byId.StoreVersionsOfKeySecrets!.Condition).toEqual({
      StringEquals: { 'secretsmanager:ResourceTag/managed-by': 'asc-keys' },
    });
  });

  test('the KMS key condition is the very value import creates key secrets with (the model)', () => {
    const byId = Object.fromEntries(statements(synth().resource).map((s) => [s.Sid, s]));
    const desired = customerDesiredState(record(), PLATFORM, new Date('2026-11-27T12:00:00Z')).secret!;
    expect(byId.CreateKeySecrets!.Condition!.StringEquals!['secretsmanager:KmsKeyId']).toBe(desired.kmsKeyId);
    for (const key of Object.keys(desired.tags))
      expect(byId.CreateKeySecrets!.Condition!['ForAllValues:StringEquals']!['aws:TagKeys']).toContain(key);
  });

  test('no importerTrustedPrincipals: no importer role', () => {
    const rest: Record<string, unknown> = { ...EXAMPLE_CONFIG.context.platform };
    delete rest.importerTrustedPrincipals;
    const { resource } = synth(platformSchema.parse(rest));
    expect(resource.aws_iam_role!.importer_role).toBeUndefined();
    expect(resource.aws_iam_role_policy!.importer_policy).toBeUndefined();
  });

  test('importerTrustedPrincipals must be IAM principal ARNs', () => {
    const bad = platformSchema.safeParse({
      ...EXAMPLE_CONFIG.context.platform,
      importerTrustedPrincipals: ['someone'],
    });
    expect(bad.success).toBe(false);
    const empty = platformSchema.safeParse({
      ...EXAMPLE_CONFIG.context.platform,
      importerTrustedPrincipals: [],
    });
    expect(empty.success).toBe(false);
  });
});
