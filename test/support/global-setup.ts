import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './project.js';

/** What `npm run build` compiles, and the file it touches when a compile succeeded. */
const SOURCES = ['main.ts', 'lib', 'test', 'tsconfig.json', 'package.json'];
const BUILT = join(REPO, 'dist/.built');

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/** Whether dist/ was compiled after the last change to any source (false when it never was). */
export function distIsFresh(): boolean {
  let built: number;
  try {
    built = statSync(BUILT).mtimeMs;
  } catch {
    return false;
  }
  return SOURCES.every((s) => newestChange(join(REPO, s)) <= built);
}

/**
 * The end-to-end tests run the built CLI (dist/) as a user does, so the sources are compiled
 * before any test file starts, unless `npm test` has just done so (its first step is the build,
 * which is also its type check): one compile a run. A type error fails the run here with tsc's
 * output.
 */
export default function setup(): void {
  if (!distIsFresh()) execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
}
