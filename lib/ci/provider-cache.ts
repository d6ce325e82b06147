import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const LOCK_FILE = '.terraform.lock.hcl';

/**
 * One provider download for every stack a job applies. Terraform's plugin cache links a
 * cached provider into a stack only when the stack's dependency lock file already vouches for
 * it, and synthesized stacks have none; so the lock file of the first stack initialised is
 * kept in the cache and copied beside every later stack before its `terraform init`.
 */
export class ProviderCache {
  readonly dir: string;

  /** @param dir the plugin cache directory (`TF_PLUGIN_CACHE_DIR`), created if missing */
  constructor(dir: string) {
    this.dir = resolve(dir);
    mkdirSync(this.dir, { recursive: true });
  }

  /** The environment of every Terraform command that uses the cache. */
  env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return { ...base, TF_PLUGIN_CACHE_DIR: this.dir };
  }

  /** Whether a stack initialised now reuses the cached provider rather than downloading it. */
  get warm(): boolean {
    return existsSync(join(this.dir, LOCK_FILE));
  }

  /** Before `terraform init` of a stack: the cache's lock file, unless the stack has its own. */
  prepare(stackDir: string): void {
    if (this.warm && !existsSync(join(stackDir, LOCK_FILE)))
      copyFileSync(join(this.dir, LOCK_FILE), join(stackDir, LOCK_FILE));
  }

  /** After a successful `terraform init`: the first stack's lock file serves the others. */
  remember(stackDir: string): void {
    if (!this.warm && existsSync(join(stackDir, LOCK_FILE)))
      copyFileSync(join(stackDir, LOCK_FILE), join(this.dir, LOCK_FILE));
  }
}
