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

describe('subscriptions: only protocols the stack can authorize', () => {
  const parse = (protocol: string) =>
    platformSchema.safeParse({
      ...PLATFORM,
      reminders: { subscriptions: [{ protocol, endpoint: 'x' }] },
      alerts: { subscriptions: [{ protocol, endpoint: 'x' }] },
    });
  test('email and https pass, for reminders and alerts', () => {
    expect(parse('email').success).toBe(true);
    expect(parse('https').success).toBe(true);
  });
  test.each(['sqs', 'lambda', 'sms', 'email-json', 'firehose'])(
    '%s is refused on both topics, saying why and what to do instead',
    (protocol) => {
      const r = parse(protocol);
      expect(r.success).toBe(false);
      const issues = r.success ? [] : r.error.issues;
      expect(issues.map((i) => i.path.join('.'))).toEqual([
        'reminders.subscriptions.0.protocol',
        'alerts.subscriptions.0.protocol',
      ]);
      for (const i of issues)
        expect(i.message).toMatch(
          /must be "email" or "https".*subscribe an https endpoint that forwards to it instead/,
        );
    },
  );
});
