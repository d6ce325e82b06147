import { execFileSync } from 'node:child_process';
import { REPO } from './project.js';

/**
 * The end-to-end tests run the built CLI (`npx asc-keys`) as a user does, so the sources are
 * compiled once before any test file starts; a type error fails the run here with tsc's output.
 */
export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
}
