import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Measurement {
  readonly seconds: number;
  /** Peak resident memory of the process tree's largest process, in MB. */
  readonly peakMb: number;
  /** User and system CPU seconds of the process and the children it waited for. */
  readonly cpuSeconds: number;
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a whole process, start-up included, and measures its wall time and peak memory with
 * GNU time (getrusage of the waited child, which covers its own children too). Asynchronous,
 * because the servers the process talks to (emulator, proxy) may live in this one.
 */
export async function measure(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Measurement> {
  if (!existsSync('/usr/bin/time'))
    throw new Error('the benchmarks need GNU time at /usr/bin/time (apt-get install time)');
  const started = process.hrtime.bigint();
  const child = spawn(
    '/usr/bin/time',
    ['-f', 'ASC_KEYS_BENCH_RSS_KB=%M ASC_KEYS_BENCH_CPU=%U %S', command, ...args],
    {
      cwd: options.cwd,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const status = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = /ASC_KEYS_BENCH_RSS_KB=(\d+)/.exec(stderr);
  const cpu = /ASC_KEYS_BENCH_CPU=([\d.]+) ([\d.]+)/.exec(stderr);
  return {
    seconds,
    peakMb: rss ? Number(rss[1]) / 1024 : NaN,
    cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN,
    status,
    stdout,
    stderr: stderr.replace(/ASC_KEYS_BENCH_RSS_KB=\d+ ASC_KEYS_BENCH_CPU=[\d.]+ [\d.]+\n?/, ''),
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
