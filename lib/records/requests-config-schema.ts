import { z } from 'zod';
import { EMAIL } from './patterns.js';

const days = (min: number, max: number) =>
  z
    .number()
    .int({ error: `must be a whole number from ${min} to ${max}` })
    .min(min, { error: `must be a whole number from ${min} to ${max}` })
    .max(max, { error: `must be a whole number from ${min} to ${max}` });

/**
 * Key requests to customers (docs/requests.md): who we are in the messages, where each
 * customer's sealing page lives, the sender of the emails, and how the nightly chases.
 */
export const requestsConfigSchema = z.strictObject({
  /** How every message names us, e.g. "Staffbase". */
  companyName: z
    .string()
    .min(1, { error: 'must be the company name the customers know, e.g. "Staffbase"' })
    .max(100, { error: 'must be at most 100 characters' })
    .refine((s) => s.trim() === s && !/[\n\r<>[\]`*_#|]/.test(s), {
      error: 'must be plain text on one line (no Markdown or HTML characters, no leading or trailing space)',
    }),
  /**
   * The link to a customer's own sealing page (`asc-keys sealing-page --customer`), where
   * `{customer}` stands for the slug, e.g. "https://keys.example.com/{customer}.html".
   */
  sealingPageUrl: z
    .string()
    .regex(/^https:\/\/[^\s"'<>]+$/, { error: 'must be an https URL without spaces or quotes' })
    .refine((s) => s.includes('{customer}'), {
      error: 'must contain {customer}, which stands for the customer slug: each customer has their own page',
    }),
  /**
   * The SES v2 sender identity (a verified address, or an address of a verified domain) that
   * `request --send` and the nightly send from. @default no email: the request is only an issue
   */
  email: z
    .string()
    .regex(EMAIL, { error: 'must be the sender address, verified as an SES identity' })
    .optional(),
  /** Days before the due day that the nightly opens a request. @default the first reminder day */
  leadDays: days(0, 3650).optional(),
  /** Days between two reminders of an unanswered request. @default 7 */
  remindEveryDays: days(1, 90).default(7),
  /** Reminders at most, after the first message. @default 3 */
  maxReminders: days(0, 52).default(3),
  /** Days after a rotation is deployed until the old key must be revoked at Apple. @default 14 */
  revokeGraceDays: days(0, 365).default(14),
  /** Days a new customer has to send their first key. @default 14 */
  onboardingDueDays: days(1, 365).default(14),
});

export type RequestsConfig = z.output<typeof requestsConfigSchema>;
