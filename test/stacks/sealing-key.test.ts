import { describe, expect, test } from 'vitest';
import { Testing } from 'cdktf';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy/index.js';
import { platformContext } from '../../lib/model/platform-context.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import { publisherRole } from '../../lib/model/publisher-role.js';
import { validatorRole } from '../../lib/model/validator-role.js';
import { policy, type PolicyDocument } from '../../lib/model/policy-document.js';
import {
  sealingKeySecret,
  sealingKeyReadStatements,
  sealingSecretName,
} from '../../lib/model/sealing-key.js';
import { SLUG } from '../../lib/records/patterns.js';
import { PlatformStack } from '../../lib/stacks/platform-stack.js';
import { importerRole } from '../../lib/model/importer-role.js';
import { evaluate, type Decision } from '../support/policy-evaluator.js';
import { secretsKeyPolicy } from '../../lib/model/secrets-key.js';
import { PLATFORM } from '../support/records.js';
import '../support/cdktf-matchers.js';

const ctx = platformContext(PLATFORM);
const documents = (roles: { inlinePolicies: readonly { document: PolicyDocument }[] }[]): PolicyDocument[] =>
  roles.flatMap((r) => r.inlinePolicies.map((p) => p.document));
const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:asc-keys/_sealing-key-AbC123';
const ROLE = (name: string): string => `arn:aws:iam::111122223333:role/${name}`;

function synthPlatform(): {
  json: string;
  resource: Record<string, Record<string, Record<string, unknown>>>;
} {
  const json = Testing.synth(
    new PlatformStack(Testing.app(), { platform: PLATFORM, desired: platformDesiredState(PLATFORM) }),
  );
  return { json, resource: (JSON.parse(json) as { resource: never }).resource };
}

describe('the sealing key in the platform stack', () => {
  test('a secret under the prefix, encrypted with the platform key, named so no customer slug can collide', () => {
    const { json } = synthPlatform();
    expect(
      Testing.toHaveResourceWithProperties(json, SecretsmanagerSecret.tfResourceType, {
        name: 'asc-keys/_sealing-key',
        kms_key_id: 'arn:aws:kms:eu-central-1:111122223333:alias/asc-keys',
        recovery_window_in_days: PLATFORM.secretRecoveryWindowDays,
        tags: { purpose: 'sealing-key' },
      }),
    ).toBe(true);
    expect(SLUG.test(sealingSecretName('asc-keys').split('/')[1]!)).toBe(false);
  });

  test('the stack owns its policy (public policies blocked), never its value', () => {
    const { json, resource } = synthPlatform();
    expect(
      Testing.toHaveResourceWithProperties(json, SecretsmanagerSecretPolicy.tfResourceType, {
        secret_arn: '${aws_secretsmanager_secret.sealing_key.arn}',
        block_public_policy: true,
      }),
    ).toBe(true);
    const doc = JSON.parse(
      resource.aws_secretsmanager_secret_policy!.sealing_key_policy!.policy as string,
    ) as PolicyDocument;
    expect(doc).toEqual(sealingKeySecret(ctx).policy);
    expect(resource.aws_secretsmanager_secret_version).toBeUndefined();
    expect(json).not.toMatch(/secret_string|"d":/);
  });

  test('the secret carries no managed-by tag, so check drift does not take it for an unmanaged key secret', () => {
    expect(sealingKeySecret(ctx).tags).not.toHaveProperty('managed-by');
  });
});

describe("who can read the sealing key: the resource policy with each role's own policy", () => {
  const validatorRead = documents(validatorRole(ctx));
  const publisherRead = documents(publisherRole(ctx));
  const resourcePolicy = sealingKeySecret(ctx).policy;
  const importerRoles = importerRole(
    platformContext({
      ...PLATFORM,
      importerTrustedPrincipals: ['arn:aws:iam::111122223333:role/onboarding'],
    }),
  );
  const [importer] = documents(importerRoles) as [PolicyDocument];
  // Broad identity policies, as an administrator or a careless role might hold them.
  const everything = policy({ Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' });
  const admin = PLATFORM.administrators[0]!;

  const principals: [string, string, PolicyDocument[]][] = [
    ['importer', ROLE('asc-keys-importer'), [importer]],
    ['administrator', admin, [everything]],
    ['validator (reads everything under the prefix)', ROLE('asc-keys-validator'), validatorRead],
    ['publisher', ROLE('asc-keys-publisher'), publisherRead],
    ['another role with secretsmanager:* on *', ROLE('someone-else'), [everything]],
  ];
  const read = (arn: string, identity: PolicyDocument[]): Decision =>
    evaluate(
      {
        principalArn: arn,
        action: 'secretsmanager:GetSecretValue',
        resource: SECRET_ARN,
        context: { 'secretsmanager:ResourceTag/purpose': 'sealing-key' },
      },
      { identity, resource: resourcePolicy },
    );

  test.each(principals)('%s', (who, arn, identity) => {
    const expected: Decision = who === 'importer' || who === 'administrator' ? 'allow' : 'explicit-deny';
    expect(read(arn, identity)).toBe(expected);
  });

  test('the validator could read it were it not for the explicit Deny (the test is not vacuous)', () => {
    expect(
      evaluate(
        {
          principalArn: ROLE('asc-keys-validator'),
          action: 'secretsmanager:GetSecretValue',
          resource: SECRET_ARN,
        },
        { identity: validatorRead },
      ),
    ).toBe('allow');
  });

  test('the importer decrypts with the platform key for the sealing secret only, by its own policy and the key policy', () => {
    const keyPolicy = secretsKeyPolicy(
      platformContext({
        ...PLATFORM,
        importerTrustedPrincipals: ['arn:aws:iam::111122223333:role/onboarding'],
      }),
    );
    const decrypt = (secretArn: string): Decision =>
      evaluate(
        {
          principalArn: ROLE('asc-keys-importer'),
          action: 'kms:Decrypt',
          resource: 'arn:aws:kms:eu-central-1:111122223333:key/0b1c2d3e-aaaa-bbbb-cccc-000000000000',
          context: {
            'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com',
            'kms:ResourceAliases': 'alias/asc-keys',
            'kms:EncryptionContext:SecretARN': secretArn,
          },
        },
        { identity: [importer], key: keyPolicy },
      );
    expect(decrypt(SECRET_ARN)).toBe('allow');
    expect(decrypt(SECRET_ARN.replace('_sealing-key', 'acme-corp'))).toBe('implicit-deny');
    expect(
      sealingKeyReadStatements(ctx).every(
        (s) => importer.Statement.includes(s) || importer.Statement.some((t) => t.Sid === s.Sid),
      ),
    ).toBe(true);
  });

  test("the importer's grant reads this secret and no customer's key", () => {
    const customerKey = 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:asc-keys/acme-corp-AbC123';
    expect(
      evaluate(
        {
          principalArn: ROLE('asc-keys-importer'),
          action: 'secretsmanager:GetSecretValue',
          resource: customerKey,
        },
        { identity: [importer] },
      ),
    ).toBe('implicit-deny');
  });

  test.each(principals)('only administrators change the value: %s', (who, arn, identity) => {
    const decision = evaluate(
      { principalArn: arn, action: 'secretsmanager:PutSecretValue', resource: SECRET_ARN },
      { identity, resource: resourcePolicy },
    );
    expect(decision).toBe(who === 'administrator' ? 'allow' : 'explicit-deny');
  });
});
