import { z } from 'zod';
import { APPLE_ID, DAY, EMAIL, FINGERPRINT, ISSUER_ID, KEY_ID, ROLES, SLUG } from './patterns.js';

/**
 * The record file (docs/contract.md, Customer records), as written (before defaults). Strict at every level:
 * an unknown field is an error, so that a typo never passes silently. Rules that need more than
 * one field (issuer ID and key type, reminder days and the effective maxAgeDays) live in
 * record-rules.ts, where the platform defaults are known.
 */
// A plain decimal YAML integer is turned into its digits before validation (load-records.ts);
// any other number (a float, hex or octal) is a type error.
const appleId = z
  .string({
    error: (issue) =>
      issue.code === 'invalid_type'
        ? 'write the Apple ID\'s digits as a string ("1234567890") or a plain decimal integer'
        : undefined,
  })
  .regex(APPLE_ID, { error: 'must be the app\'s Apple ID, digits only (for example "1234567890")' });

export const rotationSchema = z.strictObject({
  maxAgeDays: z
    .number()
    .int({ error: 'must be a whole number from 1 to 3650' })
    .min(1, { error: 'must be a whole number from 1 to 3650' })
    .max(3650, { error: 'must be a whole number from 1 to 3650' })
    .optional(),
  remindDaysBefore: z
    .array(
      z
        .number()
        .int({ error: 'must be a whole number of days, 0 or more' })
        .min(0, { error: 'must be a whole number of days, 0 or more' }),
    )
    .optional(),
});

export const recordSchema = z.strictObject({
  customer: z.string().regex(SLUG, {
    error: 'must be 1 to 63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit',
  }),
  // Lengths are bounded so that a pasted blob is a finding, not a valid record.
  displayName: z.string().min(1).max(200, { error: 'must be at most 200 characters' }).optional(),
  app: z.strictObject({
    appleId,
    bundleId: z
      .string()
      .min(1)
      .max(155, { error: "must be at most 155 characters (Apple's limit)" })
      .optional(),
  }),
  apiKey: z.strictObject({
    keyId: z
      .string()
      .regex(KEY_ID, { error: 'must be exactly 10 characters A-Z and 0-9 (quote it when it is all digits)' }),
    issuerId: z
      .string()
      .regex(ISSUER_ID, {
        error: 'must be the Issuer ID from App Store Connect: hex digits in 8-4-4-4-12 groups',
      })
      .optional(),
    type: z.enum(['team', 'individual'], { error: 'must be "team" or "individual"' }).default('team'),
    role: z
      .enum(ROLES, { error: `must be one of Apple's roles: ${ROLES.join(', ')}` })
      .default('APP_MANAGER'),
    secret: z.string().min(1),
    fingerprint: z.string().regex(FINGERPRINT, {
      error: 'must be the RFC 7638 thumbprint of the public key: 43 base64url characters without padding',
    }),
    createdOn: z.string().regex(DAY, { error: 'must be a day written YYYY-MM-DD' }),
  }),
  rotation: rotationSchema.optional(),
  contacts: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(200, { error: 'must be at most 200 characters' }).optional(),
        email: z.string().max(254).regex(EMAIL, { error: 'must be an email address' }),
      }),
    )
    .optional(),
});

export type RecordInput = z.output<typeof recordSchema>;
