import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The stacks a previous synth wrote into `out`, from cdktf's manifest.json there. */
export function stacksWrittenBefore(out: string): Map<string, string[]> {
  const written = new Map<string, string[]>();
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  } catch {
    return written; // no manifest, or not cdktf's: nothing is known to be ours
  }
  const stacks = (manifest as { stacks?: unknown } | null)?.stacks;
  if (!stacks || typeof stacks !== 'object') return written;
  for (const [name, entry] of Object.entries(stacks as Record<string, unknown>)) {
    // Only paths of the shape cdktf writes, inside stacks/<name>/, are trusted.
    if (!/^[A-Za-z0-9_-]+$/.test(name)) continue;
    const e = entry as { synthesizedStackPath?: unknown; stackMetadataPath?: unknown } | null;
    const files = [e?.synthesizedStackPath, e?.stackMetadataPath].filter(
      (p): p is string => typeof p === 'string' && new RegExp(`^stacks/${name}/[A-Za-z0-9_.-]+$`).test(p),
    );
    written.set(name, files);
  }
  return written;
}

/**
 * Removes what synth wrote for stacks that no longer exist (a customer removed since): the
 * files cdktf's manifest lists, then their directory if nothing else is in it. Anything else
 * (Terraform's state or plugins, files someone put there) is kept; returns the directories
 * that were kept for that reason.
 */
export function removeStaleStacks(
  out: string,
  before: ReadonlyMap<string, string[]>,
  current: readonly string[],
): { removed: string[]; kept: string[] } {
  const removed: string[] = [];
  const kept: string[] = [];
  for (const [name, files] of before) {
    if (current.includes(name)) continue;
    for (const f of files) rmSync(join(out, f), { force: true });
    const dir = join(out, 'stacks', name);
    if (!existsSync(dir)) {
      removed.push(name);
      continue;
    }
    try {
      rmdirSync(dir);
      removed.push(name);
    } catch {
      kept.push(dir);
    }
  }
  return { removed, kept };
}

/** The folders under `out`/stacks that are no stack of this run. */
export function unproducedStackDirs(out: string, current: readonly string[]): string[] {
  let entries;
  try {
    entries = readdirSync(join(out, 'stacks'), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && !current.includes(e.name))
    .map((e) => join(out, 'stacks', e.name))
    .sort();
}
