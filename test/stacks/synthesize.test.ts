import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { buildApp } from '../../lib/stacks/synthesize.js';
import { PLATFORM, record } from '../support/records.js';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
}

/** Every IAM or resource policy in a synthesized stack, whatever its resource type. */
function policies(stack: {
  resource: Record<string, Record<string, Record<string, unknown>>>;
}): { where: string; statements: Statement[] }[] {
  const found: { where: string; statements: Statement[] }[] = [];
  for (const [type, resources] of Object.entries(stack.resource)) {
    for (const [id, props] of Object.entries(resources)) {
      for (const field of ['policy', 'assume_role_policy']) {
        if (typeof props[field] === 'string')
          found.push({
            where: `${type}.${id}.${field}`,
            statements: JSON.parse(props[field] as string).Statement,
          });
      }
    }
  }
  return found;
}

describe('buildApp', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'asc-keys-synth-'));
  const records = [
    record(),
    record({
      customer: 'globex',
      appleId: '3456789012',
      keyId: 'B8VN3C6Z1Q',
      keyType: 'individual',
      issuerId: undefined,
    }),
  ];
  buildApp({ records, platform: PLATFORM, outdir, now: new Date('2026-11-27T00:00:00Z') }).synth();
  const stacks = Object.fromEntries(
    readdirSync(join(outdir, 'stacks')).map((name) => [
      name,
      JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')),
    ]),
  );

  test('writes the custody and platform stacks and one stack per customer', () => {
    assert.deepEqual(Object.keys(stacks).sort(), [
      'custody',
      'customer-acme-corp',
      'customer-globex',
      'platform',
    ]);
  });

  test('no policy in any stack has a "*" action, and no Allow reads a secret on a "*" resource', () => {
    const all = Object.entries(stacks).flatMap(([name, s]) =>
      policies(s).map((p) => ({ ...p, where: `${name}:${p.where}` })),
    );
    assert.ok(all.length >= 9, `found ${all.length} policies`);
    for (const { where, statements } of all) {
      for (const s of statements) {
        const actions = [s.Action].flat();
        assert.ok(
          !actions.includes('*') && !actions.some((a) => a.endsWith(':*')),
          `${where} has a wildcard action`,
        );
        if (
          s.Effect === 'Allow' &&
          actions.some((a) => /^secretsmanager:(GetSecretValue|DescribeSecret|GetResourcePolicy)$/.test(a))
        ) {
          assert.ok(![s.Resource].flat().includes('*'), `${where} reads secrets on "*"`);
        }
      }
    }
  });

  test('customer stacks and the platform stack find the custody stack by name, never through its state', () => {
    for (const [name, s] of Object.entries(stacks)) {
      if (name === 'custody') continue;
      assert.equal(s.data?.terraform_remote_state, undefined);
      assert.ok(!JSON.stringify(s).includes('aws_kms_key.'), `${name} references the platform's resources`);
    }
  });
});
