import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, test } from 'vitest';
import { buildProgram } from '../../lib/cli/program.js';
import { runCli } from '../support/cli.js';
import { exampleProject } from '../support/example-project.js';
import { markdownFiles } from '../support/markdown-links.js';
import { REPO } from '../support/project.js';

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && ext.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * Every `asc-keys …` that the code's messages (reminder texts included) and the Markdown of the
 * repository (README and docs) tell people to run: quoted in messages, in code spans and blocks
 * in Markdown.
 */
function commandsPeopleAreToldToRun(): { where: string; command: string }[] {
  const found: { where: string; command: string }[] = [];
  const sources = [
    ...filesUnder(join(REPO, 'lib'), /\.ts$/).map((f) => ({ f, re: /"(?:npx )?asc-keys ([^"]+)"/g })),
    ...markdownFiles(REPO).map((f) => ({
      f,
      re: /`(?:npx )?asc-keys ([^`\n]+)`|^\s*(?:- run: )?npx asc-keys (.+)$/gm,
    })),
  ];
  for (const { f, re } of sources) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(re)) {
      const line = text.slice(0, m.index).split('\n').length;
      found.push({ where: `${relative(REPO, f)}:${line}`, command: (m[1] ?? m[2]!).trim() });
    }
  }
  return found;
}

/** Why `command` is not one the CLI defines, or undefined when it is. */
function problemWith(program: Command, command: string): string | undefined {
  const words = command.split(/\s+/);
  // A placeholder (asc-keys <command>) or the global options.
  if (/^</.test(words[0]!) || ['--version', '-V', '--help', '-h'].includes(words[0]!)) return undefined;
  let cmd = program;
  let i = 0;
  for (; i < words.length; i++) {
    const next = cmd.commands.find((c) => c.name() === words[i]);
    if (!next) break;
    cmd = next;
  }
  if (cmd === program) return `"${words[0]}" is not a command`;
  for (const word of words.slice(i)) {
    if (!word.startsWith('--')) continue;
    const long = word.split('=')[0];
    if (!cmd.options.some((o) => o.long === long) && long !== '--help')
      return `"${cmd.name()}" has no option ${long}`;
  }
  return undefined;
}

describe('the CLI definition', () => {
  test('every command a message, reminder or document tells people to run exists, with its options', () => {
    const program = buildProgram(() => {});
    const found = commandsPeopleAreToldToRun();
    // The scan finds what it should: lint, check keys, status and the help line at least.
    expect(found.map((c) => c.command.split(' ')[0])).toEqual(
      expect.arrayContaining(['lint', 'check', 'import', 'synth', 'help']),
    );
    const problems = found
      .map((c) => ({ ...c, problem: problemWith(program, c.command) }))
      .filter((c) => c.problem)
      .map((c) => `${c.where}: asc-keys ${c.command}: ${c.problem}`);
    expect(problems).toEqual([]);
  });

  test('the checker itself refuses a command that does not exist', () => {
    const program = buildProgram(() => {});
    expect(problemWith(program, 'rotate --customer acme')).toBe('"rotate" is not a command');
    expect(problemWith(program, 'check keys --no-such-option')).toBe('"keys" has no option --no-such-option');
    expect(problemWith(program, 'check keys --customer <slug>')).toBeUndefined();
  });
});

describe('asc-keys help and version, through the real CLI', () => {
  test('--version prints the package version', async () => {
    const { dir } = exampleProject();
    const r = await runCli(['--version'], { cwd: dir });
    expect(r.code).toBe(0);
    const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(r.stdout).toBe(`${version}\n`);
  });

  test('help check keys prints the help of check keys; the top-level help names exit codes and variables', async () => {
    const { dir } = exampleProject();
    const keys = await runCli(['help', 'check', 'keys'], { cwd: dir });
    expect(keys.code).toBe(0);
    expect(keys.stdout).toMatch(/^Usage: asc-keys check keys \[options\]/);
    expect(keys.stdout).toContain('--concurrency <n>');
    const top = await runCli(['--help'], { cwd: dir });
    expect(top.stdout).toMatch(/^Exit codes:\n {2}0 {2}all good\n {2}1 {2}findings/m);
    expect(top.stdout).toMatch(/^ {2}3 {2}inconclusive/m);
    for (const variable of [
      'AWS_REGION',
      'AWS_ENDPOINT_URL',
      'ASC_API_BASE_URL',
      'GITHUB_ACTIONS',
      'GITHUB_STEP_SUMMARY',
    ])
      expect(top.stdout).toContain(variable);
    const unknown = await runCli(['help', 'check', 'nothing'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^asc-keys: no command "check nothing"; run "asc-keys help" for the list/m,
    );
  });

  test('cdktf.json empty or truncated: messages that say so', async () => {
    const { dir } = exampleProject();
    writeFileSync(join(dir, 'cdktf.json'), '');
    const empty = await runCli(['lint'], { cwd: dir });
    expect(empty.code).toBe(1);
    expect(empty.stdout).toMatch(/^cdktf\.json:1:1: error FILE_EMPTY is empty; restore it from git/m);
    expect(empty.stdout).not.toContain('customer record');
    writeFileSync(join(dir, 'cdktf.json'), '{\n  "app": "npx tsx main.ts",\n  "context": {');
    const truncated = await runCli(['lint'], { cwd: dir });
    expect(truncated.code).toBe(1);
    expect(truncated.stdout).toMatch(
      /^cdktf\.json:3:15: error JSON_SYNTAX is not valid JSON \(it ends too early: truncated\?\)/m,
    );
    expect(truncated.stdout).not.toContain('YAML');
  });
});
