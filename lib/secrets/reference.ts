import { isAbsolute, normalize, sep } from 'node:path';

/** Where a key lives (docs/contract.md, Secret references and the stored value). Metadata only: never carries key material. */
export type SecretReference =
  | { readonly scheme: 'aws-sm'; readonly raw: string; readonly secretId: string; readonly name: string }
  | { readonly scheme: 'file'; readonly raw: string; readonly path: string };

export type ReferenceProblem = {
  readonly code: 'SECRET_SCHEME' | 'SECRET_PATH' | 'FIELD_INVALID';
  readonly message: string;
};

const SM_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
// Secrets Manager appends "-" and six random characters to the name in a secret's ARN.
const SM_ARN =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:([A-Za-z0-9/_+=.@-]+)-[A-Za-z0-9]{6}$/;

export function parseSecretReference(raw: string): SecretReference | ReferenceProblem {
  if (raw.startsWith('aws-sm:')) {
    const id = raw.slice('aws-sm:'.length);
    const arn = SM_ARN.exec(id);
    if (arn) return { scheme: 'aws-sm', raw, secretId: id, name: arn[1]! };
    if (id.startsWith('arn:')) {
      return {
        code: 'FIELD_INVALID',
        message: `"${id}" is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>)`,
      };
    }
    if (!SM_NAME.test(id)) {
      return {
        code: 'FIELD_INVALID',
        message: 'the secret name after "aws-sm:" must be 1 to 512 characters of A-Z a-z 0-9 / _ + = . @ -',
      };
    }
    return { scheme: 'aws-sm', raw, secretId: id, name: id };
  }
  if (raw.startsWith('file:')) {
    const path = raw.slice('file:'.length);
    const normalized = normalize(path);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(path))
      return {
        code: 'SECRET_PATH',
        message:
          'the path after "file:" holds a control character (NUL, line break, ...); write a plain relative path',
      };
    if (path === '' || isAbsolute(path) || normalized === '..' || normalized.startsWith(`..${sep}`)) {
      return {
        code: 'SECRET_PATH',
        message: `"${path}" must be a path relative to the repository root that stays inside it`,
      };
    }
    return { scheme: 'file', raw, path: normalized };
  }
  return {
    code: 'SECRET_SCHEME',
    message:
      'must start with a supported scheme: "aws-sm:<name or ARN>" (AWS Secrets Manager) or "file:<path>" (local development)',
  };
}

export function isReferenceProblem(v: SecretReference | ReferenceProblem): v is ReferenceProblem {
  return 'code' in v;
}
