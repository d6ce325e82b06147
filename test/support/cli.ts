import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './project.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
}

/** The built CLI, the file package.json's `bin` names (built once per run by global-setup.ts). */
export const CLI_BIN = join(REPO, 'dist/lib/cli/bin.js');

/** The environment every CLI child of the tests runs with, `extra` last. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...CLI_ENV, ...extra };
}

/** What the tests' CLI runs set over the test's own environment: no CI annotations, no colour. */
export const CLI_ENV: Readonly<NodeJS.ProcessEnv> = {
  GITHUB_ACTIONS: '',
  GITHUB_STEP_SUMMARY: '',
  NO_COLOR: '1',
  // Node 22+ may write V8's code cache of the modules it loads under TMPDIR; the tests that
  // watch TMPDIR for key material must see only what the CLI itself writes.
  NODE_DISABLE_COMPILE_CACHE: '1',
};

/**
 * Runs the built CLI as a user's shell does, in a process of its own: `node` on the file that
 * package.json's `bin` links as `asc-keys`. Going through `npx` would add seconds a run for npm's
 * own start-up; test/cli/bin-link.test.ts proves once that `npx asc-keys` reaches this file.
 * `command` runs something else with the same environment and plumbing (the smoke test's npx).
 */
export function runCli(
  args: readonly string[],
  options: CliOptions,
  command: readonly [string, ...string[]] = [process.execPath, CLI_BIN],
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const [file, ...prefix] = command;
    const child = spawn(file, [...prefix, ...args], {
      cwd: options.cwd,
      env: cliEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
