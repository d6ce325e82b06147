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

/** The commands that finish an undo by hand when AWS would not take the store back. */
export function undoFailureAdvice(undo: StoreUndo): string {
  if (undo.kind === 'delete')
    return `delete the secret with "aws secretsmanager delete-secret --secret-id ${undo.name} --force-delete-without-recovery"`;
  if (undo.kind === 'restore')
    return undo.before.current
      ? `move AWSCURRENT back with "aws secretsmanager update-secret-version-stage --secret-id ${undo.name} --version-stage AWSCURRENT --move-to-version-id ${undo.before.current} --remove-from-version-id ${undo.version}"`
      : `remove AWSCURRENT from version ${undo.version} of ${undo.name}`;
  return 'nothing was stored';
}
