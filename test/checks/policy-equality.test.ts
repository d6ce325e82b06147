import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { canonicalPolicy } from '../../lib/checks/policy-equality.js';

const base = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'A',
      Effect: 'Deny',
      Principal: '*',
      Action: 'secretsmanager:GetSecretValue',
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': ['arn:b', 'arn:a'] } },
    },
    { Sid: 'B', Effect: 'Allow', Principal: { AWS: 'arn:c' }, Action: ['s:Y', 's:X'], Resource: '*' },
  ],
};

describe('canonicalPolicy', () => {
  test('statement order, list order and a lone value without its list are not differences', () => {
    const reordered = {
      Statement: [
        { Resource: ['*'], Action: ['s:X', 's:Y'], Principal: { AWS: ['arn:c'] }, Effect: 'Allow', Sid: 'B' },
        {
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': ['arn:a', 'arn:b'] } },
          Resource: '*',
          Action: ['secretsmanager:GetSecretValue'],
          Principal: '*',
          Effect: 'Deny',
          Sid: 'A',
        },
      ],
      Version: '2012-10-17',
    };
    assert.equal(canonicalPolicy(reordered), canonicalPolicy(base));
  });

  test('meaning is a difference: an effect, a principal, a condition value, a statement', () => {
    const changes: ((p: typeof base) => void)[] = [
      (p) => (p.Statement[1]!.Effect = 'Deny'),
      (p) => ((p.Statement[1]!.Principal as { AWS: string }).AWS = 'arn:d'),
      (p) => (p.Statement[0]!.Condition!.ArnNotEquals['aws:PrincipalArn'] = ['arn:a']),
      (p) => p.Statement.pop(),
    ];
    for (const change of changes) {
      const copy = structuredClone(base);
      change(copy);
      assert.notEqual(canonicalPolicy(copy), canonicalPolicy(base));
    }
  });
});
