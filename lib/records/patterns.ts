/** The shapes of the record format (docs/contract.md, Customer records), shared by the schema and the CLI's option parsing. */
export const SLUG = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const APPLE_ID = /^[0-9]+$/;
export const KEY_ID = /^[A-Z0-9]{10}$/;
// Apple's issuer IDs are not RFC 4122 UUIDs, so the version nibble is not checked.
export const ISSUER_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const FINGERPRINT = /^[A-Za-z0-9_-]{43}$/;
export const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const ROLES = [
  'ADMIN',
  'APP_MANAGER',
  'DEVELOPER',
  'MARKETING',
  'SALES',
  'FINANCE',
  'CUSTOMER_SUPPORT',
  'ACCESS_TO_REPORTS',
  'CREATE_APPS',
] as const;
export type Role = (typeof ROLES)[number];

/** True for a real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDay(text: string): boolean {
  const m = DAY.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}
