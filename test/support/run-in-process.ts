import { vi } from 'vitest';
import { run } from '../../lib/cli/run.js';
import type { CliResult } from './cli.js';

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
