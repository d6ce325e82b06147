import { systemClock } from '../../apple/clock.js';
import { DEFAULT_ASC_BASE_URL } from '../../apple/probe-app.js';
import { secretsManagerClient } from '../../aws/clients.js';
import { githubClient } from '../../github/github-client.js';
import { githubSettings } from '../../github/github-settings.js';
import { Issues } from '../../github/issues.js';
import { loadProject } from '../../records/load-project.js';
import { requirePlatform } from '../../records/require-platform.js';
import { emitReport } from '../../reports/emit-report.js';
import { markdownTable, textTable } from '../../reports/table.js';
import { followUpRequests } from '../../requests/follow-up.js';
import type { RequestContext } from '../../requests/open-request.js';
import { previousKeyProbe } from '../../requests/previous-key-probe.js';
import { RequestMailer } from '../../requests/request-email.js';
import type { CommonOptions } from '../common-options.js';
import { customerSealingPage, requestsConfig } from './request.js';

export interface FollowUpCliOptions extends CommonOptions {
  readonly ascBaseUrl?: string;
}

/** `asc-keys follow-up`: the nightly's work on key requests (docs/requests.md). */
export async function followUpCommand(
  options: FollowUpCliOptions,
  deps: { readonly now: Date; readonly env: NodeJS.ProcessEnv } = { now: new Date(), env: process.env },
): Promise<number> {
  const project = loadProject({ customersDir: options.customers, now: deps.now });
  const platform = requirePlatform(project);
  const config = requestsConfig(platform.requests);
  const github = githubSettings(platform, deps.env);
  const context: RequestContext = {
    config,
    issues: new Issues(githubClient({ token: github.token, baseUrl: github.baseUrl }), github.repo),
    ...(config.email && { mailer: new RequestMailer() }),
    sealingPage: customerSealingPage,
    now: deps.now,
  };
  const probe = previousKeyProbe({
    secretsManager: secretsManagerClient(),
    ascBaseUrl: options.ascBaseUrl ?? deps.env.ASC_API_BASE_URL ?? DEFAULT_ASC_BASE_URL,
    clock: systemClock,
  });
  const results = await followUpRequests(context, project.records, probe);
  const header = ['customer', 'action', 'request', 'detail'];
  const rows = results.map((r) => [r.customer, r.action, r.issue === null ? '' : `#${r.issue}`, r.message]);
  const acted = results.filter((r) => r.action !== 'waiting').length;
  const summary = `${results.length} customers, ${acted} followed up`;
  await emitReport(
    {
      command: 'follow-up',
      text: [rows.length ? textTable([header, ...rows]) : '', summary].filter(Boolean).join('\n'),
      json: { summary: { customers: results.length, followedUp: acted }, results },
      markdown: `${rows.length ? `${markdownTable([header, ...rows])}\n\n` : ''}${summary}`,
      cases: results.map((r) => ({
        name: r.customer,
        file: '',
        outcome: 'passed',
        code: r.action.toUpperCase(),
        message: r.message,
      })),
      annotations: [],
      exitCode: 0,
    },
    options,
  );
  return 0;
}
