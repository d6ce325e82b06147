import { describe, expect, test } from 'vitest';
import { policy, type PolicyDocument } from '../../lib/model/policy-document.js';
import { evaluate, FULL_AWS_ACCESS, type Request } from './policy-evaluator.js';

// The evaluator's own rules, each against the case AWS documents, so the policy tests built on
// it cannot pass by a misreading of the logic.
const ROOT = 'arn:aws:iam::111122223333:root';
const ALICE = 'arn:aws:iam::111122223333:role/alice';
const KEY = 'arn:aws:kms:eu-central-1:111122223333:key/k';
const SECRET = 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:s-AbC123';
const decrypt: Request = { principalArn: ALICE, action: 'kms:Decrypt', resource: KEY };
const allow = (Action: string, extra: object = {}): PolicyDocument =>
  policy({ Effect: 'Allow', Action, Resource: '*', ...extra });

describe('a KMS key: the key policy must allow, directly or by delegating to IAM', () => {
  test('the key policy naming the caller allows without any IAM policy', () => {
    expect(evaluate(decrypt, { key: allow('kms:Decrypt', { Principal: { AWS: ALICE } }) })).toBe('allow');
  });
  test('the key policy naming the account root delegates: IAM must allow as well', () => {
    const key = allow('kms:Decrypt', { Principal: { AWS: ROOT } });
    expect(evaluate(decrypt, { key })).toBe('implicit-deny');
    expect(evaluate(decrypt, { key, identity: [allow('kms:Decrypt')] })).toBe('allow');
  });
  test('IAM alone never reaches a key, nor does a missing key policy', () => {
    expect(evaluate(decrypt, { identity: [allow('kms:*')] })).toBe('implicit-deny');
    expect(evaluate(decrypt, { identity: [allow('kms:*')], key: policy() })).toBe('implicit-deny');
  });
  test('a key policy given as a resource policy is a mistake the evaluator refuses', () => {
    expect(() => evaluate(decrypt, { resource: allow('kms:Decrypt', { Principal: '*' }) })).toThrow(
      /key policy/,
    );
  });
});

describe('any other resource', () => {
  const read: Request = { principalArn: ALICE, action: 'secretsmanager:GetSecretValue', resource: SECRET };
  test('either the identity policy or a resource policy naming the caller allows', () => {
    expect(evaluate(read, { identity: [allow('secretsmanager:GetSecretValue')] })).toBe('allow');
    expect(evaluate(read, { resource: allow('secretsmanager:*', { Principal: { AWS: ALICE } }) })).toBe(
      'allow',
    );
  });
  test('a resource policy naming the account root needs the identity policy too', () => {
    const resource = allow('secretsmanager:*', { Principal: { AWS: ROOT } });
    expect(evaluate(read, { resource })).toBe('implicit-deny');
    expect(evaluate(read, { resource, identity: [allow('secretsmanager:GetSecretValue')] })).toBe('allow');
  });
  test('an explicit Deny in any layer wins over every Allow', () => {
    const deny = policy({ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' });
    expect(evaluate(read, { identity: [allow('*')], resource: deny })).toBe('explicit-deny');
  });
});

describe('service control policies bound the account, grant nothing, and skip services', () => {
  const read: Request = { principalArn: ALICE, action: 'secretsmanager:GetSecretValue', resource: SECRET };
  test('an SCP that allows still needs an identity Allow; one that does not allow denies', () => {
    expect(evaluate(read, { scp: [FULL_AWS_ACCESS] })).toBe('implicit-deny');
    expect(evaluate(read, { scp: [FULL_AWS_ACCESS], identity: [allow('*')] })).toBe('allow');
    expect(evaluate(read, { scp: [allow('s3:*')], identity: [allow('*')] })).toBe('implicit-deny');
  });
  test('a service principal is not bound by SCPs', () => {
    const publish: Request = {
      principalArn: '',
      service: 'events.amazonaws.com',
      action: 'sns:Publish',
      resource: '*',
    };
    const deny = policy({ Effect: 'Deny', Action: '*', Resource: '*' });
    expect(
      evaluate(publish, {
        scp: [deny],
        resource: allow('sns:Publish', { Principal: { Service: 'events.amazonaws.com' } }),
      }),
    ).toBe('allow');
  });
});

describe('conditions', () => {
  const withTag = (tag: string | undefined): Request => ({
    ...decrypt,
    context: { 'aws:PrincipalTag/team': tag },
  });
  const key = (Condition: object): PolicyDocument =>
    allow('kms:Decrypt', { Principal: { AWS: ALICE }, Condition });
  test('a negated operator matches a missing key; IfExists matches it too; others do not', () => {
    expect(
      evaluate(withTag(undefined), { key: key({ StringNotEquals: { 'aws:PrincipalTag/team': 'x' } }) }),
    ).toBe('allow');
    expect(
      evaluate(withTag(undefined), { key: key({ StringEqualsIfExists: { 'aws:PrincipalTag/team': 'x' } }) }),
    ).toBe('allow');
    expect(
      evaluate(withTag(undefined), { key: key({ StringEquals: { 'aws:PrincipalTag/team': 'x' } }) }),
    ).toBe('implicit-deny');
    expect(
      evaluate(withTag('y'), { key: key({ StringEqualsIfExists: { 'aws:PrincipalTag/team': 'x' } }) }),
    ).toBe('implicit-deny');
  });
  test('an operator it does not know throws rather than guess', () => {
    expect(() => evaluate(decrypt, { key: key({ NumericLessThan: { 'kms:x': '1' } }) })).toThrow(
      /NumericLessThan/,
    );
  });
});
