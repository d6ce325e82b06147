import { printable } from '../printable.js';

/**
 * Describes a value taken from a secret by its shape, never by its content (docs/contract.md:
 * the stored value): "241 characters, looks like a PEM key". A field that should have held an ID may hold the
 * key itself, so not even a part of it is quoted.
 */
export function describeShape(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'absent';
  if (typeof value !== 'string') return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
  if (value.length === 0) return 'an empty string';
  const size = `${value.length} character${value.length === 1 ? '' : 's'}`;
  const looks = /-----BEGIN [A-Z ]*-----/.test(value)
    ? ', looks like a PEM key'
    : // eslint-disable-next-line no-control-regex
      /[\u0000-\u001f\u007f-\u009f]/.test(value)
      ? ', with control characters or line breaks'
      : /^[A-Za-z0-9+/=_-]{40,}$/.test(value)
        ? ', looks like base64'
        : '';
  return `${size}${looks}`;
}

/**
 * An ID from a stored value, shown as it is when it has the shape of the ID (IDs are not
 * secret), otherwise described: `not a Key ID: 241 characters, looks like a PEM key`.
 */
export function showId(value: string | null, shape: RegExp, what: string): string {
  if (value === null) return 'null';
  return shape.test(value) ? printable(value) : `not ${what}: ${describeShape(value)}`;
}
