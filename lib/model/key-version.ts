import { createHash } from 'node:crypto';

/** The order of every onboarding and rotation, said wherever one of its steps is advised. */
export const KEY_ORDER = 'import, then merge, then deploy';

/** The staging labels of Secrets Manager that a key's life goes through. */
export const CURRENT = 'AWSCURRENT';
export const PENDING = 'AWSPENDING';
export const PREVIOUS = 'AWSPREVIOUS';

/**
 * The version ID under which `import` stores a key, and by which a record names it: a UUID
 * made of the first 128 bits of
 *
 *     SHA-256("asc-keys:key-version:v1" NUL secretName NUL keyId NUL fingerprint)
 *
 * written in 8-4-4-4-12 lowercase hex groups. Every input is public and in the record (the
 * secret's name, not its ARN, whose suffix is random), so anyone who can read a record and
 * describe its secret can tell which version the record names without reading a value; the
 * same key stored twice is one version. The function is versioned by its prefix: changing it
 * would orphan every stored version, so it never changes.
 */
export function keyVersionId(secretName: string, keyId: string, fingerprint: string): string {
  const h = createHash('sha256')
    .update(`asc-keys:key-version:v1\0${secretName}\0${keyId}\0${fingerprint}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A secret's versions that carry staging labels, as DescribeSecret and ListSecrets give them. */
export type VersionStages = Readonly<Record<string, readonly string[]>>;

/** The version holding `label`, if any. */
export function versionWith(stages: VersionStages, label: string): string | undefined {
  return Object.entries(stages).find(([, labels]) => labels.includes(label))?.[0];
}

/** The version a record names, for a record whose key is in Secrets Manager. */
export function recordVersionId(record: {
  readonly secret: { readonly scheme: string; readonly name?: string };
  readonly keyId: string;
  readonly fingerprint: string;
}): string | undefined {
  return record.secret.scheme === 'aws-sm' && record.secret.name !== undefined
    ? keyVersionId(record.secret.name, record.keyId, record.fingerprint)
    : undefined;
}
