import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CliResult } from './cli.js';
import type { MotoServer } from './moto.js';
import { REPO } from './project.js';
import { writeOverride, type TerraformEnv } from './terraform.js';

/** A records repository as the end-to-end tests use it: git, a commit of everything, a merge into main. */
export interface RecordsRepo {
  readonly git: (...args: string[]) => string;
  /** Commits every change; returns the new commit. */
  readonly commit: (message: string) => string;
  /** Merges a branch into main (no fast-forward); returns main before the merge, the base of the deploy. */
  readonly merge: (branch: string) => string;
}

const AUTHOR = ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci'];

export function recordsRepo(dir: () => string): RecordsRepo {
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: dir(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  return {
    git,
    commit: (message) => {
      git('add', '--all');
      git(...AUTHOR, 'commit', '--quiet', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    merge: (branch) => {
      const before = git('rev-parse', 'main');
      git(...AUTHOR, 'merge', '--quiet', '--no-ff', '-m', `merge ${branch}`, branch);
      return before;
    },
  };
}

export interface DeployJobOptions {
  /** The records repository, checked out on main. */
  readonly dir: string;
  readonly moto: MotoServer;
  readonly tf: TerraformEnv;
  /** The built CLI in that repository. */
  readonly cli: (args: readonly string[]) => Promise<CliResult>;
  /** Collects the deploy's stdout and stderr, for the search for key material. */
  readonly outputs: string[];
}

/**
 * The deploy workflow's customer steps as deploy.yml runs them: `affected` from the base, `synth`
 * of those stacks, then the deploy command (Terraform, and the promotion of pending keys).
 */
export async function deployJob(
  base: string,
  { dir, moto, tf, cli, outputs }: DeployJobOptions,
): Promise<{ code: number; summary: string; stderr: string }> {
  const affected = await cli(['affected', '--base', base, '--format', 'json']);
  expect(affected.code, affected.stderr).toBe(0);
  writeFileSync(join(dir, 'affected.json'), affected.stdout);
  const stacks = (JSON.parse(affected.stdout) as { stacks: string[] }).stacks;
  rmSync(join(dir, 'cdktf.out'), { recursive: true, force: true });
  const synth = await cli(['synth', '--stack', stacks.join(' ')]);
  expect(synth.code, synth.stderr).toBe(0);
  for (const stack of readdirSync(join(dir, 'cdktf.out', 'stacks')))
    writeOverride(tf, join(dir, 'cdktf.out', 'stacks', stack), stack);
  const summary = join(dir, 'summary.md');
  rmSync(summary, { force: true });
  const r = spawnSync('node', [join(REPO, 'dist/lib/ci/deploy-cli.js'), '--affected', 'affected.json'], {
    cwd: dir,
    env: { ...process.env, ...moto.env, ...tf.env, GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: summary },
    encoding: 'utf8',
  });
  outputs.push(r.stdout, r.stderr);
  return { code: r.status ?? -1, summary: readFileSync(summary, 'utf8'), stderr: r.stderr };
}

/** A secret's versions and their sorted labels, as DescribeSecret gives them. */
export async function versionStages(
  client: SecretsManagerClient,
  name: string,
): Promise<Record<string, string[]>> {
  const stages = (await client.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages ?? {};
  return Object.fromEntries(
    Object.entries(stages)
      // moto lists a version without labels (a discarded one) too; AWS leaves it out.
      .filter(([, labels]) => labels.length > 0)
      .map(([v, labels]) => [v, [...labels].sort()]),
  );
}
