import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { describe, expect, test } from 'vitest';
import { buildProgram } from '../../lib/cli/program.js';
import { REPO } from '../support/project.js';
import { ascKeysInvocations, workflows } from './workflows.js';

/**
 * Checks `asc-keys <args>` against the CLI's own commander definition, without running it:
 * the command path must exist, every option must be one the command declares (commander
 * reports the unknown ones) with a valid value, required options present, no stray operand.
 */
function checkInvocation(args: readonly string[]): string[] {
  let command: Command = buildProgram(() => undefined);
  let rest = [...args];
  while (rest.length && command.commands.length) {
    const sub = command.commands.find((c) => c.name() === rest[0]);
    if (!sub) return [`unknown command "${rest[0]}" (${command.commands.map((c) => c.name()).join(', ')})`];
    command = sub.exitOverride();
    rest = rest.slice(1);
  }
  if (command.commands.length) return [`"${args.join(' ')}" names no command`];
  const problems: string[] = [];
  command.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    const { operands, unknown } = command.parseOptions(rest);
    if (unknown.length) problems.push(`unknown option ${unknown[0]} of "${command.name()}"`);
    if (operands.length) problems.push(`unexpected argument ${operands.join(' ')}`);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    problems.push(err.message);
  }
  for (const o of command.options)
    if (o.mandatory && command.getOptionValue(o.attributeName()) === undefined)
      problems.push(`missing ${o.long}`);
  return problems;
}

const invocations = workflows().flatMap((w) =>
  Object.entries(w.jobs).flatMap(([job, j]) =>
    j.steps.flatMap((s, i) =>
      s.run
        ? ascKeysInvocations(s.run).map((args) => ({
            where: `${w.file} ${job} step ${s.name ?? i + 1}`,
            args,
          }))
        : [],
    ),
  ),
);

describe('asc-keys invocations in the workflows', () => {
  test('the workflows run the commands CI needs, where it needs them', () => {
    const commands = invocations.map(({ where, args }) =>
      [
        where.split(' ')[0],
        ...args.filter((a) => /^[a-z]/.test(a)).slice(0, args[0] === 'check' ? 2 : 1),
      ].join(' '),
    );
    expect(commands).toEqual([
      'deploy.yml affected',
      'deploy.yml lint',
      'deploy.yml affected',
      'deploy.yml synth',
      'deploy.yml affected',
      'deploy.yml synth',
      'intake.yml intake',
      'nightly.yml check keys',
      'nightly.yml check drift',
      'nightly.yml follow-up',
      'pull-request.yml lint',
      'pull-request.yml affected',
      'pull-request.yml synth',
      'pull-request.yml synth',
    ]);
    // The plan job asks AWS whether each customer's secret is there before any plan.
    expect(
      invocations.filter(({ where, args }) => where.startsWith('pull-request.yml') && args.includes('--aws')),
    ).toHaveLength(1);
  });

  for (const { where, args } of invocations)
    test(`${where}: asc-keys ${args.join(' ')}`, () => {
      expect(checkInvocation(args)).toEqual([]);
    });

  test('the check catches an unknown option, a bad value, a missing required option, an unknown command', () => {
    expect(checkInvocation(['check', 'keys', '--shard', '1/4', '--shards', '4'])).toEqual([
      'unknown option --shards of "keys"',
    ]);
    expect(checkInvocation(['synth', '--format', 'yaml'])).toEqual([
      "error: option '--format <format>' argument 'yaml' is invalid. Allowed choices are text, json.",
    ]);
    expect(checkInvocation(['affected', '--format', 'json'])).toEqual(['missing --base']);
    expect(checkInvocation(['check', 'secrets'])).toEqual(['unknown command "secrets" (keys, drift)']);
    expect(checkInvocation(['lint', 'customers'])).toEqual(['unexpected argument customers']);
  });

  test('the shell words of a script: continuations, quotes, redirections, pipes', () => {
    expect(
      ascKeysInvocations(
        'GITHUB_STEP_SUMMARY="$X" npx asc-keys check keys --shard "${SHARD}/${SHARDS}" \\\n  --format json > "r.json" || code=$?\nnpx asc-keys lint | tee x # comment',
      ),
    ).toEqual([['check', 'keys', '--shard', '${SHARD}/${SHARDS}', '--format', 'json'], ['lint']]);
  });

  test('the entries the workflows run with node exist, and github-script imports an exported function', () => {
    const texts = workflows()
      .map((w) => w.text)
      .join('\n');
    const entries = [...new Set([...texts.matchAll(/node (dist\/lib\/ci\/[\w-]+)\.js/g)].map((m) => m[1]!))];
    expect(entries).toEqual(['dist/lib/ci/deploy-cli', 'dist/lib/ci/suite-needed-cli']);
    for (const e of entries) expect(existsSync(join(REPO, `${e.replace(/^dist\//, '')}.ts`)), e).toBe(true);
    const imported = [...texts.matchAll(/dist\/(lib\/ci\/[\w-]+)\.js`\);\s*await (\w+)\(/g)];
    expect(imported.map((m) => [m[1], m[2]])).toEqual([['lib/ci/tracking-issue-action', 'fromWorkflow']]);
    expect(readFileSync(join(REPO, 'lib/ci/tracking-issue-action.ts'), 'utf8')).toMatch(
      /export async function fromWorkflow\(/,
    );
  });
});
