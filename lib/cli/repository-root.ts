import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Options that name a file or directory: relative to where the user typed them. */
const PATH_OPTIONS = ['--customers', '--junit', '--out', '--p8', '--zip', '--sealed', '--public-key'];

/**
 * asc-keys works from the repository root (cdktf.json, customers/ and file: references are
 * relative to it). Run from a directory below it, the command moves to the root first; the
 * paths given as options keep meaning what the user meant, so they are made absolute against
 * the directory they were typed in. Returns the root to move to (undefined: stay) and the
 * arguments to run.
 */
export function fromRepositoryRoot(
  argv: readonly string[],
  cwd: string = process.cwd(),
): { root?: string; argv: string[] } {
  const root = repositoryRoot(cwd);
  if (root === undefined || root === cwd) return { argv: [...argv] };
  const out = [...argv];
  for (let i = 0; i < out.length; i++) {
    const arg = out[i]!;
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!PATH_OPTIONS.includes(name)) continue;
    if (eq >= 0) out[i] = `${name}=${absolute(cwd, arg.slice(eq + 1))}`;
    else if (i + 1 < out.length) out[i + 1] = absolute(cwd, out[++i]!);
  }
  return { root, argv: out };
}

/** The nearest directory at or above `dir` that holds cdktf.json. */
function repositoryRoot(dir: string): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, 'cdktf.json'))) return at;
    if (dirname(at) === at) return undefined;
  }
}

/** Empty stays empty (a usage error later), and "-" stays stdin. */
function absolute(cwd: string, value: string): string {
  return value === '' || value === '-' ? value : resolve(cwd, value);
}
