import { vi } from 'vitest';
import { run } from '../../lib/cli/run.js';
import { CLI_ENV, type CliOptions, type CliResult } from './cli.js';

/**
 * `asc-keys …` in the test's own process: the top-level handler and the command wiring, with
 * stdout and stderr captured and `cwd` as the working directory. Environment variables the
 * command reads are the test's to stub (vi.stubEnv). The end-to-end tests run the built CLI in
 * a child process instead (cli.ts).
 */
export async function runIn(cwd: string, argv: readonly string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await run(argv);
    return { code, stdout, stderr };
  } finally {
    process.chdir(before);
    out.mockRestore();
    err.mockRestore();
  }
}

/**
 * `runCli`'s arguments and result, in process: the same environment over the test's own (the
 * CLI's children's, `options.env` last), restored afterwards. For the tests of what a command
 * decides and prints; each command keeps end-to-end tests in a child process for how a process
 * ends (its exit code, stdout apart from stderr). There is no stdin: a command that reads it runs
 * through `runCli`, as does one given GITHUB_STEP_SUMMARY (@actions/core reads that file's name
 * once per process).
 */
export async function runCliIn(args: readonly string[], options: CliOptions): Promise<CliResult> {
  if (options.input !== undefined) throw new Error('runCliIn has no stdin: run this command through runCli');
  if (options.env?.GITHUB_STEP_SUMMARY)
    throw new Error('the step summary is read once per process: run this command through runCli');
  const env = { ...CLI_ENV, ...options.env };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const apply = (values: NodeJS.ProcessEnv): void => {
    for (const [k, v] of Object.entries(values))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  };
  apply(env);
  try {
    return await runIn(options.cwd, args);
  } finally {
    apply(saved);
  }
}
