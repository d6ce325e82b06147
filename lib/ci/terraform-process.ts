import { spawn } from 'node:child_process';

export interface TerraformRun {
  /** Exit status; -1 when Terraform could not be started or died of a signal. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export interface TerraformProcessOptions {
  /** @default "terraform" */
  readonly terraform?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * When it aborts, Terraform gets one interrupt: it finishes the changes in flight, writes
   * its state and releases its lock, so that the stack is left on a state the next deploy
   * reads and completes.
   */
  readonly signal?: AbortSignal;
}

/**
 * One `terraform -chdir=<dir> …` command, its output captured. Terraform runs in its own
 * process group: a cancelled CI job signals the whole group of the deploy, and a second
 * interrupt makes Terraform exit at once without writing its state; so only the deploy
 * interrupts it, once.
 */
export function runTerraform(
  dir: string,
  args: readonly string[],
  options: TerraformProcessOptions = {},
): Promise<TerraformRun> {
  const started = process.hrtime.bigint();
  const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  return new Promise((resolve) => {
    const child = spawn(options.terraform ?? 'terraform', [`-chdir=${dir}`, ...args], {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const interrupt = (): void => void child.kill('SIGINT');
    options.signal?.addEventListener('abort', interrupt, { once: true });
    child.on('error', (err) => {
      options.signal?.removeEventListener('abort', interrupt);
      resolve({ code: -1, stdout, stderr: `${stderr}${err.message}\n`, seconds: seconds() });
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', interrupt);
      resolve({ code: code ?? -1, stdout, stderr, seconds: seconds() });
    });
  });
}
