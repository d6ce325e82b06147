import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { requestsConfigSchema } from '../../lib/records/requests-config-schema.js';
import type { PlatformConfig } from '../../lib/records/platform-schema.js';
import { REQUEST_LABEL, requestIssueBody, type RequestMeta } from '../../lib/requests/request-issue.js';
import { knownRequestStatuses } from '../../lib/requests/request-status.js';
import { startGithubFake, type GithubFake } from '../support/github-fake.js';
import { PLATFORM, record } from '../support/records.js';

const REQUESTS = requestsConfigSchema.parse({
  companyName: 'Globex Publishing',
  sealingPageUrl: 'https://keys.globex.example/{customer}.html',
});
const ACME = record({ customer: 'acme-corp', keyId: 'NEWKEY0001' });
const INITECH = record({ customer: 'initech', keyId: 'INITECH001' });
const QUIET = record({ customer: 'quiet', keyId: 'QUIETKEY01' });

let github: GithubFake;
let platform: PlatformConfig;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  github = await startGithubFake();
  platform = {
    ...PLATFORM,
    requests: REQUESTS,
    github: { ...PLATFORM.github!, repository: `${github.owner}/${github.repo}` },
  } as PlatformConfig;
  env = { GITHUB_TOKEN: github.token, GITHUB_API_URL: github.url };
});
afterAll(() => github.stop());
beforeEach(() => github.reset());

const issue = (meta: RequestMeta, state: 'open' | 'closed' = 'open') =>
  github.addIssue({
    title: `Key request: ${meta.customer}`,
    body: requestIssueBody({
      meta,
      message: { subject: 's', text: 't' },
      contacts: [],
      emailConfigured: false,
    }),
    labels: [REQUEST_LABEL],
    state,
  });

describe('knownRequestStatuses: what status and check keys say about requests', () => {
  test('from the request issues: the open request, and whether the key a rotation replaced is proven revoked', async () => {
    // acme: an earlier rotation proven (closed), and a new request open and sent.
    issue(
      {
        customer: 'acme-corp',
        reason: 'rotation',
        dueOn: '2026-01-01',
        keyId: 'OLDKEY0001',
        revokedOn: '2026-02-03',
      },
      'closed',
    );
    const open = issue({
      customer: 'acme-corp',
      reason: 'rotation',
      dueOn: '2027-06-01',
      keyId: 'NEWKEY0001',
      sent: { on: '2027-05-02', to: ['jane@acme.example'] },
    });
    // initech: rotated, deployed, the old key not proven revoked yet.
    issue({
      customer: 'initech',
      reason: 'rotation',
      dueOn: '2027-01-01',
      keyId: 'OLDINITECH',
      mergedOn: '2027-01-05',
    });
    const { statuses, warning } = await knownRequestStatuses(platform, [ACME, INITECH, QUIET], env);
    expect(warning).toBeUndefined();
    expect(Object.fromEntries(statuses)).toEqual({
      'acme-corp': {
        request: { issue: open.number, openedOn: open.createdAt.slice(0, 10), sentTo: ['jane@acme.example'] },
        previousKeyRevoked: true,
      },
      initech: { request: expect.objectContaining({ sentTo: null }), previousKeyRevoked: false },
      quiet: { request: null, previousKeyRevoked: null },
    });
  });

  test('without requests configured or without a token, GitHub is not asked and nothing is known', async () => {
    const withoutRequests = { ...platform, requests: undefined } as PlatformConfig;
    expect((await knownRequestStatuses(withoutRequests, [ACME], env)).statuses.size).toBe(0);
    expect((await knownRequestStatuses(platform, [ACME], {})).statuses.size).toBe(0);
    expect(github.requests).toEqual([]);
  });

  test('GitHub refusing the token is a warning that says what is missing, not a failure', async () => {
    const { statuses, warning } = await knownRequestStatuses(platform, [ACME], {
      ...env,
      GITHUB_TOKEN: 'wrong',
    });
    expect(statuses.size).toBe(0);
    expect(warning).toMatch(/^key requests unknown: .*request and previousKeyRevoked are null/);
  });
});
