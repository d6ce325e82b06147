import { asConfigurationError, describeUnavailable, isAccessDenied, isTransient } from '../aws/errors.js';
import type { ImportCode } from './import-result.js';
import type { StoreUndo } from './secret-writer.js';

/** What a failed Secrets Manager call means for an import, in the codes of import-result.ts. */
export function awsFailure(err: unknown, what: string): { code: ImportCode; message: string } {
  const config = asConfigurationError(err);
  if (config) return { code: 'AWS_ERROR', message: config.message };
  if (isAccessDenied(err))
    return {
      code: 'SECRET_ACCESS_DENIED',
      message: `AWS refused to ${what}; run import with the importer role (see docs/operations.md, "Onboarding a customer")`,
    };
  if (isTransient(err))
    return {
      code: 'AWS_UNAVAILABLE',
      message: `Secrets Manager did not answer to ${what}: ${describeUnavailable(err)}; run the same command again later`,
    };
  const e = err as { name?: string };
  return { code: 'AWS_ERROR', message: `Secrets Manager refused to ${what} (${e.name ?? 'error'})` };
}

/**
 * What to do when AWS would not take the store back: the key is stored, no record names it. The
 * safe step first (the key file is still where it was read from: the same import finds the
 * stored version and writes the record); dropping it is the discard, which keeps a recovery window.
 */
export function undoFailureAdvice(undo: StoreUndo, customer: string): string {
  if (undo.kind === 'none') return 'nothing was stored';
  return `run the same import again (it finds the stored version and writes the record), or drop the stored key with "asc-keys import --discard --customer ${customer}"`;
}
