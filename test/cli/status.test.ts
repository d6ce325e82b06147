import assert from 'node:assert/strict';
import { addDays, today } from '../../lib/records/days.js';
import { describe, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { runCliIn } from '../support/run-in-process.js';
import { recordText, tempProject } from '../support/project.js';

// A key made today: a createdOn in the future is an error.
const TODAY = today(new Date());

describe('asc-keys status', () => {
  const record = (customer: string, createdOn: string, extra?: string): string =>
    recordText({
      customer,
      createdOn,
      appleId: String(customer.length * 1111),
      keyId: customer.toUpperCase().padEnd(10, 'X').slice(0, 10),
      ...(extra && { extra }),
    });

  test('age, due day, days left and overdue, in text, JSON and Markdown; overdue is a warning, exit 0', async () => {
    const project = tempProject({
      'fresh.yaml': record('fresh', TODAY),
      'old.yaml': record('old', '2000-01-01', 'rotation:\n  maxAgeDays: 100\n  remindDaysBefore: []'),
    });
    const text = await runCli(['status'], { cwd: project.dir });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^customer\s+key ID\s+age \(days\)\s+rotation due\s+days left\s+overdue$/m);
    assert.match(text.stdout, /^old\s+OLDXXXXXXX\s+\d+\s+2000-04-10\s+-\d+\s+OVERDUE$/m);
    assert.match(text.stdout, /^2 customers, 1 overdue$/m);
    // As the README says: overdue keys are warning lines too.
    assert.match(
      text.stdout,
      /^warning: old: the key OLDXXXXXXX was due for rotation on 2000-04-10 \(\d+ days ago\); rotate it: ask the customer for a new App Manager key and run "asc-keys import --customer old …" with it \(docs\/operations\.md, Rotating a key\)$/m,
    );
    assert.doesNotMatch(text.stdout, /^warning: fresh/m);

    const json = JSON.parse((await runCli(['status', '--format', 'json'], { cwd: project.dir })).stdout);
    const fresh = json.customers.find((c: { customer: string }) => c.customer === 'fresh');
    assert.deepEqual(
      { ...fresh, ageDays: undefined, daysLeft: undefined },
      {
        customer: 'fresh',
        file: 'customers/fresh.yaml',
        keyId: 'FRESHXXXXX',
        createdOn: TODAY,
        ageDays: undefined,
        rotationDue: addDays(TODAY, 365),
        daysLeft: undefined,
        overdue: false,
        dueOn: addDays(TODAY, 365),
        // No key requests are configured: nothing is known about them.
        request: null,
        previousKeyRevoked: null,
      },
    );
    assert.ok(fresh.ageDays >= 0 && fresh.ageDays <= 1 && fresh.daysLeft >= 364, JSON.stringify(fresh));
    assert.deepEqual(json.summary, { customers: 2, overdue: 1, errors: 0 });

    const md = await runCliIn(['status', '--format', 'markdown'], { cwd: project.dir });
    assert.match(
      md.stdout,
      /^\| customer \| key ID \| age \(days\) \| rotation due \| days left \| overdue \|$/m,
    );
    assert.match(md.stdout, /^\| old \| OLDXXXXXXX \| \d+ \| 2000-04-10 \| -\d+ \| OVERDUE \|$/m);

    const gh = await runCliIn(['status'], { cwd: project.dir, env: { GITHUB_ACTIONS: 'true' } });
    assert.match(
      gh.stderr,
      /^::warning title=asc-keys ROTATION_OVERDUE,file=customers\/old\.yaml,line=5,col=1::the key OLDXXXXXXX of old was due for rotation on 2000-04-10; rotate it: ask the customer for a new App Manager key and run "asc-keys import --customer old …" with it \(docs\/operations\.md, Rotating a key\)$/m,
    );
  });

  test('invalid records are listed and exit 1; the valid ones are still shown', async () => {
    const project = tempProject({
      'fresh.yaml': record('fresh', TODAY),
      'broken.yaml': 'customer: [',
    });
    const r = await runCliIn(['status'], { cwd: project.dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /broken\.yaml:\d+:\d+: error YAML_SYNTAX/);
    assert.match(r.stdout, /^fresh\s+FRESHXXXXX/m);
  });

  test('one customer is "1 customer"; a GITHUB_STEP_SUMMARY that cannot be written is a warning, not a crash', async () => {
    const project = tempProject({ 'fresh.yaml': record('fresh', TODAY) });
    // A process of its own: the step summary's file is read once per process (@actions/core).
    const r = await runCli(['status'], {
      cwd: project.dir,
      env: { GITHUB_STEP_SUMMARY: `${project.dir}/no-such-dir/summary.md` },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1 customer, 0 overdue$/m);
    assert.match(
      r.stderr,
      /^asc-keys: warning: the step summary was not written: GITHUB_STEP_SUMMARY=.*no-such-dir\/summary\.md cannot be appended to/m,
    );
  });
});
