import { describe, expect, test } from 'vitest';
import { discardImport, discardReport } from '../../lib/import/discard-import.js';
import { SecretWriter } from '../../lib/import/secret-writer.js';
import { failingSecretsManager } from '../support/aws-clients.js';
import { recordText, tempProject } from '../support/project.js';

/** An error as the SDK raises it once its retries are spent. */
const sdkError = (name: string, status: number, fault: 'client' | 'server'): Error =>
  Object.assign(new Error(`${name} from AWS`), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status },
  });

/**
 * `import --discard` when Secrets Manager cannot be asked, or refuses: nothing changes, and the
 * exit code says whose the next step is (2: a role or the configuration, 3: run again later).
 * The discards that change a secret run against moto in test/cli/import.test.ts.
 */
describe('discardImport: AWS failing before anything changed', () => {
  test.each([
    [
      'the caller may not read the secret (403)',
      sdkError('AccessDeniedException', 403, 'client'),
      'SECRET_ACCESS_DENIED',
      2,
      'AWS refused to describe asc-keys/acme-corp; run import with the importer role (see docs/operations.md, "Onboarding a customer"); nothing was changed',
    ],
    [
      'Secrets Manager down (500 after the retries)',
      sdkError('InternalServiceError', 500, 'server'),
      'AWS_UNAVAILABLE',
      3,
      /^Secrets Manager did not answer to describe asc-keys\/acme-corp: .*InternalServiceError.*; run the same command again later; nothing was changed$/,
    ],
    [
      'an answer no step of the import expects',
      sdkError('InvalidParameterException', 400, 'client'),
      'AWS_ERROR',
      2,
      'Secrets Manager refused to describe asc-keys/acme-corp (InvalidParameterException); nothing was changed',
    ],
  ] as const)(
    '%s: refused with %s, exit %i, one call and nothing after it',
    async (_, error, code, exit, message) => {
      const project = tempProject({ 'acme-corp.yaml': recordText() });
      const aws = failingSecretsManager(error);
      const r = await discardImport('acme-corp', {
        customersDir: project.customers,
        configFile: project.config,
        secrets: new SecretWriter(aws),
        now: new Date('2027-01-10T00:00:00Z'),
      });
      expect(r).toMatchObject({
        action: 'refused',
        code,
        version: null,
        secretDeleted: false,
        secret: 'aws-sm:asc-keys/acme-corp',
      });
      if (typeof message === 'string') expect(r.message).toBe(message);
      else expect(r.message).toMatch(message);
      expect(aws.commands).toEqual(['DescribeSecretCommand']);
      const report = discardReport(r);
      expect(report.discardExitCode).toBe(exit);
      expect(report.text).toBe(`acme-corp: discard refused, ${code}: ${r.message}.`);
    },
  );
});
