import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { createTransport } from 'nodemailer';
import { AWS_CLIENT_CONFIG } from '../aws/clients.js';
import { asConfigurationError, describeUnavailable, isTransient } from '../aws/errors.js';
import { UnavailableError, UsageError } from '../errors.js';
import type { CustomerMessage } from './request-message.js';

export interface OutgoingEmail {
  /** The SES sender identity (`requests.email`). */
  readonly from: string;
  readonly to: readonly string[];
  readonly message: CustomerMessage;
  /** The customer's sealing page, attached so that it works offline. */
  readonly attachment?: { readonly filename: string; readonly html: string };
}

/** Sends customer messages through SES v2, one message to all the contacts. */
export class RequestMailer {
  constructor(private readonly ses: SESv2Client = new SESv2Client(AWS_CLIENT_CONFIG)) {}

  /**
   * Sends the email; SES's refusal of the sender is a configuration error (exit 2) that names
   * `requests.email`; throttling and outages are exit 3. `done` says what was already done.
   */
  async send(email: OutgoingEmail, done: string): Promise<void> {
    const transport = createTransport({ SES: { sesClient: this.ses, SendEmailCommand } });
    try {
      await transport.sendMail({
        from: email.from,
        to: [...email.to],
        subject: email.message.subject,
        text: email.message.text,
        ...(email.attachment && {
          attachments: [
            {
              filename: email.attachment.filename,
              content: email.attachment.html,
              contentType: 'text/html; charset=utf-8',
            },
          ],
        }),
      });
    } catch (err) {
      const config = asConfigurationError(err);
      if (config) throw config;
      if (isTransient(err))
        throw new UnavailableError(
          'EMAIL_UNAVAILABLE',
          `SES could not be asked to send the email (${describeUnavailable(err)}); ${done}`,
          { cause: err },
        );
      const name = (err as { name?: string }).name ?? 'error';
      throw new UsageError('EMAIL_REFUSED', `SES refused to send from ${email.from} (${name}); ${done}`, {
        next: 'make requests.email in cdktf.json a verified SES identity in this region (in the SES sandbox, verify every recipient too)',
        cause: err,
      });
    }
  }
}
