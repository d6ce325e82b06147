import { randomBytes } from 'node:crypto';
import { recordText } from '../support/project.js';

export interface ExpectedFinding {
  readonly code: string;
  readonly file: string;
  /** As a string: the line of the file that holds that text. */
  readonly line: number | string;
  readonly column?: number;
}

export interface BadInput {
  readonly name: string;
  /** Files in customers/. */
  readonly files: Record<string, string | Buffer | (() => Promise<string | Buffer>)>;
  /** Replaces context.platform in cdktf.json. */
  readonly platform?: (base: Record<string, unknown>) => Record<string, unknown>;
  /** Replaces cdktf.json as a whole. */
  readonly configText?: string;
  /** The finding the input is about. */
  readonly expect: ExpectedFinding;
  /** Every other finding it must produce: with `expect`, the exact set. */
  readonly also?: readonly ExpectedFinding[];
}

const A = 'acme-corp.yaml';
const valid = recordText();
const replaceLine = (text: string, line: number, content: string): string =>
  text
    .split('\n')
    .map((l, i) => (i === line - 1 ? content : l))
    .join('\n');
const second = (fields: Parameters<typeof recordText>[0]): string =>
  recordText({ customer: 'globex', appleId: '3456789012', keyId: 'B8VN3C6Z1Q', ...fields });

/** An alias bomb: each level refers nine times to the one before, ten levels deep. */
function aliasBomb(open: string, close: string): string {
  const lines = [`b0: &b0 ${open}x${close}`];
  for (let i = 1; i <= 10; i++) {
    const refs = Array.from({ length: 9 }, () => `*b${i - 1}`).join(', ');
    lines.push(
      `b${i}: &b${i} ${
        open === '['
          ? `[${refs}]`
          : `{${refs
              .split(', ')
              .map((r, j) => `k${j}: ${r}`)
              .join(', ')}}`
      }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Bad inputs for lint; each names every finding it must produce, where. */
export const BAD_INPUTS: readonly BadInput[] = [
  {
    name: 'appleId of the wrong type (a list)',
    files: { [A]: replaceLine(valid, 4, '  appleId: [1]') },
    expect: { code: 'FIELD_TYPE', file: A, line: 4, column: 12 },
  },
  {
    name: 'appleId with letters',
    files: { [A]: recordText({ appleId: '12ab' }) },
    expect: { code: 'FIELD_INVALID', file: A, line: 4 },
  },
  {
    name: 'maxAgeDays as a string',
    files: { [A]: recordText({ extra: 'rotation:\n  maxAgeDays: "365"' }) },
    expect: { code: 'FIELD_TYPE', file: A, line: 12 },
  },
  {
    name: 'maxAgeDays of 0',
    files: { [A]: recordText({ extra: 'rotation:\n  maxAgeDays: 0' }) },
    expect: { code: 'FIELD_INVALID', file: A, line: 12 },
  },
  {
    name: 'top level is a list',
    files: { [A]: '- customer: acme-corp\n' },
    expect: { code: 'FIELD_TYPE', file: A, line: 1 },
  },
  {
    name: 'missing customer',
    files: { [A]: valid.replace('customer: acme-corp\n', '') },
    expect: { code: 'FIELD_REQUIRED', file: A, line: 1, column: 1 },
  },
  {
    name: 'missing keyId',
    files: { [A]: replaceLine(valid, 6, '') },
    expect: { code: 'FIELD_REQUIRED', file: A, line: 5, column: 1 },
  },
  {
    name: 'missing fingerprint',
    files: { [A]: replaceLine(valid, 9, '') },
    expect: { code: 'FIELD_REQUIRED', file: A, line: 5 },
  },
  {
    name: 'unknown top-level field',
    files: { [A]: recordText({ extra: 'owner: jane' }) },
    expect: { code: 'FIELD_UNKNOWN', file: A, line: 11, column: 1 },
  },
  {
    name: 'misspelt nested field',
    files: { [A]: replaceLine(valid, 9, '  fingerprnt: DOx8dVGPO3YbdqXUWixkPuZ1Bp-Y0TA-DoIC347i6R4') },
    expect: { code: 'FIELD_UNKNOWN', file: A, line: 9, column: 3 },
    also: [{ code: 'FIELD_REQUIRED', file: A, line: 5, column: 1 }],
  },
  {
    name: 'unknown field in a list item',
    files: { [A]: recordText({ extra: 'contacts:\n  - email: a@b.example\n    phone: 123' }) },
    expect: { code: 'FIELD_UNKNOWN', file: A, line: 13, column: 5 },
  },
  {
    name: 'YAML merge key',
    files: { [A]: recordText({ extra: 'rotation:\n  <<: {maxAgeDays: 30}' }) },
    expect: { code: 'FIELD_UNKNOWN', file: A, line: 12, column: 3 },
  },
  {
    name: 'bad slug',
    files: { 'Acme_Corp.yaml': recordText({ customer: 'Acme_Corp', secret: 'aws-sm:asc-keys/acme' }) },
    expect: { code: 'FIELD_INVALID', file: 'Acme_Corp.yaml', line: 1, column: 11 },
  },
  {
    name: 'slug of 64 characters',
    files: {
      [`${'a'.repeat(64)}.yaml`]: recordText({ customer: 'a'.repeat(64), secret: 'aws-sm:asc-keys/a' }),
    },
    expect: { code: 'FIELD_INVALID', file: `${'a'.repeat(64)}.yaml`, line: 1 },
  },
  {
    name: 'file name differs from customer',
    files: { [A]: recordText({ customer: 'acme' }) },
    expect: { code: 'FILE_NAME_MISMATCH', file: A, line: 1, column: 11 },
  },
  {
    name: 'lowercase Key ID',
    files: { [A]: recordText({ keyId: '2x9r4hxf34' }) },
    expect: { code: 'FIELD_INVALID', file: A, line: 6, column: 10 },
  },
  {
    name: 'Key ID of 9 characters',
    files: { [A]: recordText({ keyId: '2X9R4HXF3' }) },
    expect: { code: 'FIELD_INVALID', file: A, line: 6 },
  },
  {
    name: 'unquoted all-digit Key ID',
    files: { [A]: recordText({ keyId: '1234567890' }) },
    expect: { code: 'FIELD_TYPE', file: A, line: 6 },
  },
  {
    name: 'bad Issuer ID',
    files: { [A]: recordText({ issuerId: '57246542-96fe-1a63-e053' }) },
    expect: { code: 'FIELD_INVALID', file: A, line: 7, column: 13 },
  },
  {
    name: 'team key without Issuer ID',
    files: { [A]: replaceLine(valid, 7, '  type: team') },
    expect: { code: 'ISSUER_ID_REQUIRED', file: A, line: 5, column: 1 },
  },
  {
    name: 'Issuer ID on an individual key',
    files: { [A]: recordText({ extra: '' }).replace('  secret:', '  type: individual\n  secret:') },
    expect: { code: 'ISSUER_ID_FORBIDDEN', file: A, line: 7 },
  },
  {
    name: 'duplicate Key ID across files',
    files: { [A]: valid, 'globex.yaml': second({ keyId: '2X9R4HXF34' }) },
    expect: { code: 'DUPLICATE_KEY_ID', file: 'globex.yaml', line: 6 },
  },
  {
    name: 'duplicate secret across files',
    files: { [A]: valid, 'globex.yaml': second({ secret: 'aws-sm:asc-keys/acme-corp' }) },
    expect: { code: 'DUPLICATE_SECRET', file: 'globex.yaml', line: 8 },
    // The name also breaks the one-secret-per-slug rule the publisher is bound by.
    also: [{ code: 'SECRET_NAME_PREFIX', file: 'globex.yaml', line: 8, column: 11 }],
  },
  {
    name: 'duplicate Apple ID across files',
    files: { [A]: valid, 'globex.yaml': second({ appleId: '1234567890' }) },
    expect: { code: 'DUPLICATE_APPLE_ID', file: 'globex.yaml', line: 4 },
  },
  {
    name: 'duplicate slug across files',
    files: { [A]: valid, 'globex.yaml': second({ customer: 'acme-corp', secret: 'aws-sm:asc-keys/other' }) },
    expect: { code: 'DUPLICATE_CUSTOMER', file: 'globex.yaml', line: 1 },
    also: [
      { code: 'FILE_NAME_MISMATCH', file: 'globex.yaml', line: 1, column: 11 },
      { code: 'SECRET_NAME_PREFIX', file: 'globex.yaml', line: 8, column: 11 },
    ],
  },
  {
    // A copy (cp acme-corp.yaml aaa-copy.yaml) sorts first, but the original is the file named
    // after its slug: the duplicates are found on the copy.
    name: 'a copy whose name sorts first carries the duplicate findings',
    files: { 'aaa-copy.yaml': valid, [A]: valid },
    expect: { code: 'DUPLICATE_CUSTOMER', file: 'aaa-copy.yaml', line: 1 },
    also: [
      { code: 'FILE_NAME_MISMATCH', file: 'aaa-copy.yaml', line: 1, column: 11 },
      { code: 'DUPLICATE_APPLE_ID', file: 'aaa-copy.yaml', line: 4 },
      { code: 'DUPLICATE_KEY_ID', file: 'aaa-copy.yaml', line: 6 },
      { code: 'DUPLICATE_SECRET', file: 'aaa-copy.yaml', line: 8 },
    ],
  },
  {
    name: 'unsupported secret scheme',
    files: { [A]: recordText({ secret: 'vault:secret/acme' }) },
    expect: { code: 'SECRET_SCHEME', file: A, line: 8, column: 11 },
  },
  {
    name: 'file: secret path that climbs out',
    files: { [A]: recordText({ secret: 'file:../keys/acme.p8' }) },
    expect: { code: 'SECRET_PATH', file: A, line: 8 },
  },
  {
    name: 'aws-sm: secret outside the platform prefix',
    files: { [A]: recordText({ secret: 'aws-sm:prod/acme' }) },
    expect: { code: 'SECRET_NAME_PREFIX', file: A, line: 8 },
  },
  {
    name: 'impossible date 2026-02-30',
    files: { [A]: recordText({ createdOn: '2026-02-30' }) },
    expect: { code: 'DATE_INVALID', file: A, line: 10, column: 14 },
  },
  {
    name: 'date in another format',
    files: { [A]: recordText({ createdOn: '15.01.2026' }) },
    expect: { code: 'FIELD_INVALID', file: A, line: 10 },
  },
  {
    name: 'reminder day beyond maxAgeDays',
    files: { [A]: recordText({ extra: 'rotation:\n  maxAgeDays: 30\n  remindDaysBefore: [7, 30]' }) },
    expect: { code: 'REMINDER_OUT_OF_RANGE', file: A, line: 13, column: 25 },
  },
  {
    name: 'reminder day listed twice',
    files: { [A]: recordText({ extra: 'rotation:\n  remindDaysBefore:\n    - 7\n    - 7' }) },
    expect: { code: 'REMINDER_DUPLICATE', file: A, line: 14 },
  },
  {
    name: 'bad contact email',
    files: { [A]: recordText({ extra: 'contacts:\n  - name: Jane\n    email: jane-at-acme' }) },
    expect: { code: 'FIELD_INVALID', file: A, line: 13 },
  },
  {
    name: 'unknown role',
    files: { [A]: recordText({ extra: '' }).replace('  secret:', '  role: OWNER\n  secret:') },
    expect: { code: 'FIELD_INVALID', file: A, line: 8 },
  },
  {
    name: 'fingerprint with padding',
    files: { [A]: recordText({ fingerprint: 'DOx8dVGPO3YbdqXUWixkPuZ1Bp-Y0TA-DoIC347i6R4=' }) },
    expect: { code: 'FIELD_INVALID', file: A, line: 9 },
  },
  {
    name: 'YAML syntax error: text after a quoted value',
    files: { [A]: replaceLine(valid, 4, '  appleId: "1234567890" x') },
    expect: { code: 'YAML_SYNTAX', file: A, line: 4, column: 25 },
  },
  {
    name: 'YAML syntax error: tab as indentation',
    files: { [A]: replaceLine(valid, 6, '\tkeyId: 2X9R4HXF34') },
    expect: { code: 'YAML_SYNTAX', file: A, line: 6, column: 1 },
  },
  {
    name: 'duplicate YAML keys',
    files: { [A]: recordText({ extra: 'customer: acme-corp' }) },
    expect: { code: 'YAML_DUPLICATE_KEY', file: A, line: 11, column: 1 },
  },
  { name: 'empty file', files: { [A]: '' }, expect: { code: 'FILE_EMPTY', file: A, line: 1, column: 1 } },
  {
    name: 'comments only',
    files: { [A]: '# TODO: fill in\n' },
    expect: { code: 'FILE_EMPTY', file: A, line: 1 },
  },
  {
    name: 'several YAML documents',
    files: { [A]: `${valid}---\n${valid}` },
    expect: { code: 'YAML_MULTIPLE_DOCUMENTS', file: A, line: 11, column: 1 },
  },
  {
    name: 'byte-order mark',
    files: { [A]: `\uFEFF${valid}` },
    expect: { code: 'FILE_BOM', file: A, line: 1 },
  },
  {
    name: 'CRLF line endings',
    files: { [A]: valid.replaceAll('\n', '\r\n') },
    expect: { code: 'FILE_CRLF', file: A, line: 1, column: 20 },
  },
  {
    name: 'PEM private key pasted into a comment',
    files: {
      [A]: async () =>
        `${valid}# ${(await import('../support/keys.js').then((k) => k.generateTestKey())).pem.replaceAll('\n', '\n# ')}`,
    },
    expect: { code: 'PRIVATE_KEY_IN_FILE', file: A, line: 11, column: 3 },
  },
  {
    name: 'PEM private key in README.md',
    files: {
      [A]: valid,
      'README.md': async () =>
        `# Notes\n\n${(await import('../support/keys.js').then((k) => k.generateTestKey())).pem}`,
    },
    expect: { code: 'PRIVATE_KEY_IN_FILE', file: 'README.md', line: 3, column: 1 },
  },
  {
    name: 'key body without PEM armour in a field',
    files: {
      [A]: async () =>
        recordText({
          extra: `displayNote: ${(await import('../support/keys.js').then((k) => k.generateTestKey())).body}`,
        }),
    },
    expect: { code: 'PRIVATE_KEY_IN_FILE', file: A, line: 11, column: 14 },
    also: [{ code: 'FIELD_UNKNOWN', file: A, line: 11, column: 1 }],
  },
  {
    name: 'a 2 MB file',
    files: { [A]: `${valid}# ${'x'.repeat(2 * 1024 * 1024)}\n` },
    expect: { code: 'FILE_TOO_LARGE', file: A, line: 1 },
  },
  {
    name: 'binary junk',
    files: { [A]: Buffer.concat([Buffer.from([0x00, 0xff, 0xfe]), randomBytes(512)]) },
    expect: { code: 'FILE_NOT_TEXT', file: A, line: 1 },
  },
  {
    // Saved as Windows-1252 by an editor: no NUL byte, but not UTF-8 either.
    name: 'Latin-1 text',
    files: { [A]: Buffer.from(recordText().replace('ACME Corp', 'ACME Caf\u00e9'), 'latin1') },
    expect: { code: 'FILE_NOT_TEXT', file: A, line: 1 },
  },
  {
    name: '.yml extension',
    files: { 'acme-corp.yml': valid },
    expect: { code: 'FILE_YML_EXTENSION', file: 'acme-corp.yml', line: 1 },
  },
  {
    name: 'stray file',
    files: { [A]: valid, 'notes.txt': 'call Jane' },
    expect: { code: 'FILE_UNEXPECTED', file: 'notes.txt', line: 1 },
  },
  {
    name: 'platform accountId as a number',
    files: { [A]: valid },
    platform: (p) => ({ ...p, accountId: 111122223333 }),
    expect: { code: 'FIELD_TYPE', file: 'cdktf.json', line: '"accountId"' },
  },
  {
    name: 'platform with an unknown field',
    files: { [A]: valid },
    platform: (p) => ({ ...p, adminRoles: [] }),
    expect: { code: 'FIELD_UNKNOWN', file: 'cdktf.json', line: '"adminRoles"' },
  },
  {
    name: 'platform without administrators',
    files: { [A]: valid },
    platform: ({ administrators: _a, ...p }) => p,
    expect: { code: 'FIELD_REQUIRED', file: 'cdktf.json', line: '"platform"' },
  },
  {
    name: "aws-sm: secret under the prefix but not named after the record's slug",
    files: { [A]: recordText({ secret: 'aws-sm:asc-keys/globex' }) },
    expect: { code: 'SECRET_NAME_PREFIX', file: A, line: 8 },
  },
  {
    name: 'platform administrator as an account root (never matches aws:PrincipalArn)',
    files: { [A]: valid },
    platform: (p) => ({ ...p, administrators: ['arn:aws:iam::111122223333:root'] }),
    expect: { code: 'FIELD_INVALID', file: 'cdktf.json', line: 'arn:aws:iam::111122223333:root' },
  },
  {
    name: 'platform administrator as an assumed-role session',
    files: { [A]: valid },
    platform: (p) => ({ ...p, administrators: ['arn:aws:sts::111122223333:assumed-role/Admin/alice'] }),
    expect: { code: 'FIELD_INVALID', file: 'cdktf.json', line: 'assumed-role/Admin/alice' },
  },
  {
    name: 'platform administrator with a wildcard',
    files: { [A]: valid },
    platform: (p) => ({ ...p, administrators: ['arn:aws:iam::111122223333:role/Admin*'] }),
    expect: { code: 'FIELD_INVALID', file: 'cdktf.json', line: 'role/Admin*' },
  },
  {
    name: 'platform deployer as an account root',
    files: { [A]: valid },
    platform: (p) => ({ ...p, deployers: ['arn:aws:iam::111122223333:root'] }),
    expect: { code: 'FIELD_INVALID', file: 'cdktf.json', line: 'arn:aws:iam::111122223333:root' },
  },
  {
    name: 'platform reminder subscription to an SQS queue (the stack cannot authorize it)',
    files: { [A]: valid },
    platform: (p) => ({
      ...p,
      reminders: {
        subscriptions: [{ protocol: 'sqs', endpoint: 'arn:aws:sqs:eu-central-1:111122223333:q' }],
      },
    }),
    expect: { code: 'FIELD_INVALID', file: 'cdktf.json', line: '"sqs"' },
  },
  {
    name: 'platform alert subscription to a Lambda function',
    files: { [A]: valid },
    platform: (p) => ({
      ...p,
      alerts: {
        subscriptions: [
          { protocol: 'lambda', endpoint: 'arn:aws:lambda:eu-central-1:111122223333:function:f' },
        ],
      },
    }),
    expect: { code: 'FIELD_INVALID', file: 'cdktf.json', line: '"lambda"' },
  },
  {
    name: 'platform reminder beyond its maxAgeDays',
    files: { [A]: valid },
    platform: (p) => ({ ...p, rotation: { maxAgeDays: 10, remindDaysBefore: [45] } }),
    expect: { code: 'REMINDER_OUT_OF_RANGE', file: 'cdktf.json', line: '45' },
  },
  // Parser exceptions and what YAML can do beyond plain data: each a finding on its own file.
  {
    name: 'alias bomb of lists (billion laughs)',
    files: { [A]: `${valid}${aliasBomb('[', ']')}` },
    expect: { code: 'YAML_UNSUPPORTED', file: A, line: 1, column: 1 },
  },
  {
    name: 'alias bomb of mappings',
    files: { [A]: `${valid}${aliasBomb('{k0: ', '}')}` },
    expect: { code: 'YAML_UNSUPPORTED', file: A, line: 1, column: 1 },
  },
  {
    name: 'alias bomb in a known field',
    files: {
      [A]: valid.replace(
        'displayName: ACME Corp',
        `displayName: &a0 x\n${Array.from({ length: 120 }, (_, i) => `n${i}: *a0`).join('\n')}`,
      ),
    },
    expect: { code: 'YAML_UNSUPPORTED', file: A, line: 1, column: 1 },
  },
  {
    name: 'alias to an anchor that does not exist',
    files: { [A]: valid.replace('displayName: ACME Corp', 'displayName: *nowhere') },
    expect: { code: 'YAML_UNSUPPORTED', file: A, line: 1, column: 1 },
  },
  {
    name: 'deep nesting of flow lists',
    files: { [A]: `${valid}deep: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n` },
    expect: { code: 'YAML_UNSUPPORTED', file: A, line: 11 },
  },
  {
    name: 'deep nesting of block sequences',
    files: { [A]: `${valid}deep:\n${'- '.repeat(50_000)}x\n` },
    expect: { code: 'YAML_UNSUPPORTED', file: A, line: 12 },
  },
  {
    name: 'a huge scalar just under the size limit',
    files: { [A]: valid.replace('displayName: ACME Corp', `displayName: ${'x'.repeat(250_000)}`) },
    expect: { code: 'FIELD_INVALID', file: A, line: 2, column: 14 },
  },
  {
    name: 'a huge number',
    files: { [A]: recordText({ extra: `rotation:\n  maxAgeDays: ${'9'.repeat(400)}` }) },
    expect: { code: 'FIELD_TYPE', file: A, line: 12 },
  },
  {
    name: 'custom YAML tag',
    files: { [A]: valid.replace('displayName: ACME Corp', 'displayName: !foo ACME Corp') },
    expect: { code: 'YAML_UNSUPPORTED', file: A, line: 2, column: 14 },
  },
  {
    name: 'YAML 1.1 tag outside the core schema (!!binary)',
    files: { [A]: valid.replace('displayName: ACME Corp', 'displayName: !!binary QUNNRQ==') },
    expect: { code: 'YAML_UNSUPPORTED', file: A, line: 2, column: 14 },
  },
  {
    name: 'complex mapping key',
    files: { [A]: `${valid}? [a, b]\n: 1\n` },
    expect: { code: 'YAML_UNSUPPORTED', file: A, line: 11, column: 3 },
  },
  {
    name: 'a mapping as a key, in flow style',
    files: { [A]: `${valid}{a: 1}: 2\n` },
    expect: { code: 'YAML_UNSUPPORTED', file: A, line: 11, column: 1 },
  },
  {
    name: 'appleId as a float (1.5e9)',
    files: { [A]: replaceLine(valid, 4, '  appleId: 1.5e9') },
    expect: { code: 'FIELD_TYPE', file: A, line: 4, column: 12 },
  },
  {
    name: 'appleId in hex (0x1F)',
    files: { [A]: replaceLine(valid, 4, '  appleId: 0x1F') },
    expect: { code: 'FIELD_TYPE', file: A, line: 4, column: 12 },
  },
  {
    name: 'appleId in octal (0o17)',
    files: { [A]: replaceLine(valid, 4, '  appleId: 0o17') },
    expect: { code: 'FIELD_TYPE', file: A, line: 4, column: 12 },
  },
  {
    name: 'every item of remindDaysBefore is checked, bad ones beside',
    files: {
      [A]: recordText({ extra: 'rotation:\n  maxAgeDays: 10\n  remindDaysBefore: [10, 3, 3, -1, 2.5, "4"]' }),
    },
    expect: { code: 'REMINDER_OUT_OF_RANGE', file: A, line: 13, column: 22 },
    also: [
      { code: 'REMINDER_DUPLICATE', file: A, line: 13, column: 29 },
      { code: 'FIELD_INVALID', file: A, line: 13, column: 32 },
      { code: 'FIELD_TYPE', file: A, line: 13, column: 36 },
      { code: 'FIELD_TYPE', file: A, line: 13, column: 41 },
    ],
  },
  {
    name: 'createdOn far in the future',
    files: { [A]: recordText({ createdOn: '2999-01-01' }) },
    expect: { code: 'DATE_IN_FUTURE', file: A, line: 10, column: 14 },
  },
  {
    name: 'file: path with a NUL character',
    files: { [A]: recordText({ secret: '"file:keys/a\\0b.p8"' }) },
    expect: { code: 'SECRET_PATH', file: A, line: 8, column: 11 },
  },
  {
    name: 'a line of a PEM body pasted as a field name',
    files: {
      [A]: async () =>
        `${valid}${(await import('../support/keys.js').then((k) => k.generateTestKey())).pem.split('\n')[2]}: x\n`,
    },
    expect: { code: 'PRIVATE_KEY_IN_FILE', file: A, line: 11, column: 1 },
    also: [{ code: 'FIELD_UNKNOWN', file: A, line: 11, column: 1 }],
  },
  {
    name: 'an unknown field with a long name',
    files: { [A]: `${valid}${'a'.repeat(40)}: x\n` },
    expect: { code: 'FIELD_UNKNOWN', file: A, line: 11, column: 1 },
  },
  {
    name: 'cdktf.json empty',
    files: { [A]: valid },
    configText: '',
    expect: { code: 'FILE_EMPTY', file: 'cdktf.json', line: 1, column: 1 },
  },
  {
    name: 'cdktf.json truncated',
    files: { [A]: valid },
    configText: '{\n  "app": "npx tsx main.ts",\n  "context": {\n    "platform": {',
    expect: { code: 'JSON_SYNTAX', file: 'cdktf.json', line: 4, column: 18 },
  },
];
