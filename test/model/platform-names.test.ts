import { describe, expect, test } from 'vitest';
import {
  customerOfSecretName,
  customerSecretName,
  platformNames,
  sealingSecretName,
} from '../../lib/model/platform-names.js';
import { PLATFORM } from '../support/records.js';

describe('platform names and their inverses', () => {
  test('a customer secret name and its inverse: the slug back, never a deeper or foreign name', () => {
    for (const slug of ['acme', 'a-very-long-customer-slug-of-sixty-three-characters-is-fine-too'])
      expect(customerOfSecretName('asc-keys', customerSecretName('asc-keys', slug))).toBe(slug);
    expect(customerOfSecretName('asc-keys', 'asc-keys/team/acme')).toBeNull();
    expect(customerOfSecretName('asc-keys', 'asc-keysx/acme')).toBeNull();
    expect(customerOfSecretName('asc-keys', 'other/acme')).toBeNull();
    expect(customerOfSecretName('asc-keys', 'asc-keys/')).toBeNull();
  });

  test('every ARN the model uses is in the account and partition of the configuration', () => {
    const names = platformNames(PLATFORM);
    const arns = Object.values(names).filter(
      (v): v is string => typeof v === 'string' && v.startsWith('arn:'),
    );
    expect(arns.length).toBeGreaterThan(20);
    for (const arn of arns)
      expect(arn).toMatch(new RegExp(`^arn:aws:[a-z0-9-]+:(eu-central-1)?:(${PLATFORM.accountId})?:`));
    expect(names.eventRuleArn('x', 'us-east-1')).toBe(
      `arn:aws:events:us-east-1:${PLATFORM.accountId}:rule/x`,
    );
    expect(names.sealingSecretArnPattern).toBe(
      `arn:aws:secretsmanager:eu-central-1:${PLATFORM.accountId}:secret:${sealingSecretName('asc-keys')}-??????`,
    );
  });
});
