/** Stable codes of lint findings; scripts match on them, so never rename one. */
export type FindingCode =
  | 'FILE_UNREADABLE'
  | 'FILE_TOO_LARGE'
  | 'FILE_NOT_TEXT'
  | 'FILE_EMPTY'
  | 'FILE_BOM'
  | 'FILE_CRLF'
  | 'FILE_UNEXPECTED'
  | 'FILE_YML_EXTENSION'
  | 'FILE_NAME_MISMATCH'
  | 'PRIVATE_KEY_IN_FILE'
  | 'YAML_SYNTAX'
  | 'YAML_DUPLICATE_KEY'
  | 'YAML_MULTIPLE_DOCUMENTS'
  | 'YAML_UNSUPPORTED'
  | 'JSON_SYNTAX'
  | 'FIELD_REQUIRED'
  | 'FIELD_UNKNOWN'
  | 'FIELD_TYPE'
  | 'FIELD_INVALID'
  | 'ISSUER_ID_REQUIRED'
  | 'ISSUER_ID_FORBIDDEN'
  | 'SECRET_SCHEME'
  | 'SECRET_PATH'
  | 'SECRET_NAME_PREFIX'
  | 'DATE_INVALID'
  | 'DATE_IN_FUTURE'
  | 'REMINDER_OUT_OF_RANGE'
  | 'REMINDER_DUPLICATE'
  | 'ROLE_NOT_APP_MANAGER'
  | 'DUPLICATE_CUSTOMER'
  | 'DUPLICATE_KEY_ID'
  | 'DUPLICATE_SECRET'
  | 'DUPLICATE_APPLE_ID'
  // What synth --aws and affected --aws find in AWS (lib/checks/secret-readiness.ts).
  | 'SECRET_NOT_IN_AWS'
  | 'SECRET_MISSING'
  | 'SECRET_DELETED'
  | 'KEY_VERSION_MISSING';

export type Severity = 'error' | 'warning';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface Finding extends Position {
  readonly file: string;
  readonly severity: Severity;
  readonly code: FindingCode;
  readonly message: string;
}

export const FILE_START: Position = { line: 1, column: 1 };

export function countBySeverity(findings: readonly Finding[]): { errors: number; warnings: number } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}
