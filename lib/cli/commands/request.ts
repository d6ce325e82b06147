import { UsageError } from '../../errors.js';
import { githubClient } from '../../github/github-client.js';
import { githubSettings } from '../../github/github-settings.js';
import { Issues } from '../../github/issues.js';
import { rotationStatus } from '../../model/rotation.js';
import { addDays, today } from '../../records/days.js';
import { loadProject } from '../../records/load-project.js';
import { APPLE_ID, SLUG } from '../../records/patterns.js';
import { requirePlatform } from '../../records/require-platform.js';
import type { RequestsConfig } from '../../records/requests-config-schema.js';
import { emitReport } from '../../reports/emit-report.js';
import { openRequest, type RequestContext } from '../../requests/open-request.js';
import { RequestMailer } from '../../requests/request-email.js';
import type { RequestReason, RequestSubject } from '../../requests/request-message.js';
import { DEFAULT_PUBLIC_KEY_FILE, readPublicKeyFile } from '../../sealing/public-key-file.js';
import { sealingPageHtml } from '../../sealing/sealing-page.js';
import type { CommonOptions } from '../common-options.js';
import { parseContact } from './import.js';

export interface RequestCliOptions extends CommonOptions {
  readonly customer: string;
  readonly reason?: RequestReason;
  readonly send?: boolean;
  /** New customers (no record yet): */
  readonly appId?: string;
  readonly displayName?: string;
  readonly contact?: string[];
}

export interface RequestDeps {
  readonly now: Date;
  readonly env: NodeJS.ProcessEnv;
  /** @default SES v2 with the standard AWS configuration */
  readonly mailer?: RequestMailer;
}

/** `asc-keys request`: opens (and with --send, emails) a customer's key request. */
export async function requestCommand(
  options: RequestCliOptions,
  deps: RequestDeps = { now: new Date(), env: process.env },
): Promise<number> {
  if (!SLUG.test(options.customer))
    throw new UsageError(
      'USAGE',
      '--customer must be a customer slug: 1 to 63 characters of a-z, 0-9 and "-"',
      {
        next: "give the name of the customer's record file in customers/, without .yaml",
      },
    );
  const project = loadProject({ customersDir: options.customers, now: deps.now });
  const platform = requirePlatform(project);
  const config = requestsConfig(platform.requests);
  if ([...project.invalid.values()].includes(options.customer))
    throw new UsageError('USAGE', `the record of ${options.customer} has errors`, {
      next: 'run "asc-keys lint", fix them, and request again',
    });
  const record = project.records.find((r) => r.customer === options.customer);
  const reason = options.reason ?? (record ? 'rotation' : 'onboarding');
  let subject: RequestSubject;
  let dueOn: string;
  if (record) {
    if (options.appId !== undefined || options.displayName !== undefined || options.contact !== undefined)
      throw new UsageError(
        'USAGE',
        `${options.customer} has a record: --app-id, --display-name and --contact are for new customers`,
        { next: 'change the record instead' },
      );
    subject = {
      customer: record.customer,
      appleId: record.appleId,
      contacts: record.contacts,
      ...(record.displayName && { displayName: record.displayName }),
      ...(record.bundleId && { bundleId: record.bundleId }),
      ...(reason === 'rotation' && { currentKeyId: record.keyId }),
    };
    dueOn =
      reason === 'rotation'
        ? rotationStatus(record, deps.now).dueOn
        : addDays(today(deps.now), config.onboardingDueDays);
  } else {
    if (reason === 'rotation')
      throw new UsageError(
        'USAGE',
        `${options.customer} has no record in ${options.customers}/, so there is no key to rotate`,
        { next: 'request onboarding with --reason onboarding --app-id <Apple ID>' },
      );
    if (!options.appId || !APPLE_ID.test(options.appId))
      throw new UsageError('USAGE', `${options.customer} has no record yet`, {
        next: "give the app's Apple ID with --app-id <digits> (App Store Connect, App Information)",
      });
    subject = {
      customer: options.customer,
      appleId: options.appId,
      contacts: (options.contact ?? []).map(parseContact),
      ...(options.displayName && { displayName: options.displayName }),
    };
    dueOn = addDays(today(deps.now), config.onboardingDueDays);
  }
  const github = githubSettings(platform, deps.env);
  const mailer = config.email ? (deps.mailer ?? new RequestMailer()) : undefined;
  const context: RequestContext = {
    config,
    issues: new Issues(githubClient({ token: github.token, baseUrl: github.baseUrl }), github.repo),
    ...(mailer && { mailer }),
    sealingPage: customerSealingPage,
    now: deps.now,
  };
  const outcome = await openRequest(context, {
    subject,
    reason,
    dueOn,
    send: options.send === true,
    ...(record && { maxAgeDays: record.rotation.maxAgeDays }),
  });
  await emitReport(
    {
      command: 'request',
      text: outcome.message,
      json: {
        customer: outcome.customer,
        action: outcome.action,
        issue: outcome.issue,
        url: outcome.url,
        openedOn: outcome.openedOn,
        sentTo: outcome.sentTo,
        sentOn: outcome.sentOn,
        message: outcome.message,
      },
      markdown: outcome.message,
      cases: [
        {
          name: outcome.customer,
          file: '',
          outcome: 'passed',
          code: outcome.action.toUpperCase(),
          message: outcome.message,
        },
      ],
      annotations: [],
      exitCode: 0,
    },
    options,
  );
  return 0;
}

export function requestsConfig(config: RequestsConfig | undefined): RequestsConfig {
  if (!config)
    throw new UsageError('PLATFORM_CONFIG_INVALID', 'key requests are not configured', {
      next: 'add "requests" to context.platform in cdktf.json with companyName and sealingPageUrl (see docs/requests.md)',
    });
  return config;
}

/** The customer's own sealing page, built from the committed public key. */
export async function customerSealingPage(subject: RequestSubject): Promise<string> {
  return sealingPageHtml({
    recipient: await readPublicKeyFile(DEFAULT_PUBLIC_KEY_FILE),
    customer: subject.customer,
    ...(subject.displayName && { customerName: subject.displayName }),
  });
}
