import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Measurement {
  readonly seconds: number;
  /** Peak resident memory of the process tree's largest process, in MB. */
  readonly peakMb: number;
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a whole process, start-up included, and measures its wall time and peak memory with
 * GNU time (getrusage of the waited child, which covers its own children too).
 */
export function measure(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Measurement {
  if (!existsSync('/usr/bin/time')) throw new Error('the benchmarks need GNU time at /usr/bin/time (apt-get install time)');
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'ASC_KEYS_BENCH_RSS_KB=%M', command, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = /ASC_KEYS_BENCH_RSS_KB=(\d+)/.exec(r.stderr);
  return { seconds, peakMb: rss ? Number(rss[1]) / 1024 : NaN, status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.replace(/ASC_KEYS_BENCH_RSS_KB=\d+\n?/, '') };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
