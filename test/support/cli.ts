import { spawn } from 'node:child_process';
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

/** The environment every CLI child of the tests runs with, `extra` last. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GITHUB_ACTIONS: '',
    GITHUB_STEP_SUMMARY: '',
    NO_COLOR: '1',
    // npm on Node 22+ writes V8's code cache of its own modules (sigstore's PEM strings among
    // them) under TMPDIR; the tests that watch TMPDIR for key material must see only ours.
    NODE_DISABLE_COMPILE_CACHE: '1',
    ...extra,
  };
}

/**
 * Runs `npx asc-keys …` as a user does. `--no` keeps npx from ever fetching a package from
 * the registry, and `--prefix` finds this repository's bin from a temporary project.
 */
export function runCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['--no', '--prefix', REPO, 'asc-keys', ...args], {
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
