import { describe, expect, test } from 'vitest';
import { platformSchema } from '../../lib/records/platform-schema.js';
import { PLATFORM } from '../support/records.js';

const messages = (administrators: string[]): string[] => {
  const r = platformSchema.safeParse({ ...PLATFORM, administrators });
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('administrators and deployers are ARNs that aws:PrincipalArn can match', () => {
  test('a role ARN, an IAM Identity Center role and a user ARN pass', () => {
    expect(
      messages([
        'arn:aws:iam::111122223333:role/PlatformAdministrator',
        'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_Admin_0123456789abcdef',
        'arn:aws:iam::111122223333:user/break-glass',
      ]),
    ).toEqual([]);
  });
  test('root, assumed-role sessions and wildcards are refused, each saying what to write instead', () => {
    const [root] = messages(['arn:aws:iam::111122223333:root']);
    expect(root).toMatch(
      /not an account root: .* write arn:aws:iam::<account>:role\/<name> \(IAM Identity Center roles are arn:aws:iam::<account>:role\/aws-reserved\/sso\.amazonaws\.com\//,
    );
    const [session] = messages(['arn:aws:sts::111122223333:assumed-role/Admin/alice']);
    expect(session).toMatch(
      /not a session \(assumed-role\) ARN: .*write arn:aws:iam::<account>:role\/<name>/,
    );
    const [wildcard] = messages(['arn:aws:iam::111122223333:role/Admin*']);
    expect(wildcard).toMatch(/must be one exact role ARN/);
  });
});
