import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { shardOf } from '../../lib/checks/select-customers.js';
import { main } from '../../lib/ci/deploy-command.js';

function affected(stacks: readonly string[] | string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'asc-keys-deploy-cmd-')), 'affected.json');
  writeFileSync(
    file,
    typeof stacks === 'string' ? stacks : JSON.stringify({ base: 'x', all: false, stacks }),
  );
  return file;
}

async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), env: {} });
  return { code, stdout };
}

const stacks = ['platform', 'customer-acme-corp', 'customer-globex', 'customer-jdoe-studio'];

describe('deploy-cli: the commands of deploy.yml', () => {
  test('matrix prints the job outputs: whether the platform job runs, and the shards that have work', async () => {
    const r = await run(['matrix', '--affected', affected(stacks), '--shards', '2']);
    expect(r).toEqual({ code: 0, stdout: 'platform=true\nshards=[1,2]\n' });
    const one = await run(['matrix', '--affected', affected(['customer-globex']), '--shards', '8']);
    expect(one.stdout).toBe(`platform=false\nshards=[${shardOf('globex', 8)}]\n`);
  });

  test("stacks prints one job's stacks for synth --stack", async () => {
    const file = affected(stacks);
    expect((await run(['stacks', '--affected', file, '--platform'])).stdout).toBe('platform\n');
    expect((await run(['stacks', '--affected', file, '--shard', '2/2'])).stdout).toBe(
      'customer-globex customer-jdoe-studio\n',
    );
    expect((await run(['stacks', '--affected', file, '--shard', '1/2'])).stdout).toBe('customer-acme-corp\n');
  });

  test('apply before synth names the synth command, and applies nothing', async () => {
    await expect(
      run(['apply', '--affected', affected(['customer-globex']), '--out', mkdtempSync(join(tmpdir(), 'x-'))]),
    ).rejects.toThrow(
      /customer-globex\/cdk\.tf\.json is missing; run "asc-keys synth --stack customer-globex" first/,
    );
  });

  test('bad invocations are usage errors (exit 2) that say what to do', async () => {
    const file = affected(stacks);
    const cases: [string[], RegExp][] = [
      [['matrix', '--affected', file], /matrix needs --shards <n>, the SHARDS setting of deploy.yml/],
      [['matrix', '--affected', file, '--shards', '300'], /from 1 to 256/],
      [['stacks', '--affected', file, '--shard', '3/2'], /--shard "3\/2" must be i\/n/],
      [['stacks', '--affected', file, '--platform', '--shard', '1/2'], /give one of them/],
      [['apply', '--affected', file, '--parallelism', '0'], /--parallelism 0: must be a whole number/],
      [['deploy', '--affected', file], /no command "deploy"/],
      [['apply'], /--affected <file> is required/],
      [['apply', '--affected', file, '--bogus'], /Unknown option '--bogus'/],
      [
        ['apply', '--affected', join(tmpdir(), 'no-such-affected.json')],
        /cannot be read \(ENOENT\); write it with "asc-keys affected/,
      ],
      [
        ['apply', '--affected', affected('{"stack": []}')],
        /is not the JSON of "asc-keys affected --format json"/,
      ],
    ];
    for (const [argv, message] of cases)
      await expect(run(argv), argv.join(' ')).rejects.toMatchObject({
        exitCode: 2,
        message: expect.stringMatching(message),
      });
  });
});
