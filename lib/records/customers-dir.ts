import { isAbsolute, normalize, relative, sep } from 'node:path';

/**
 * --customers as one spelling: `customers`, `customers/`, `./customers` and the absolute path
 * of the same directory inside the repository root all become `customers`, so that findings,
 * annotations and `affected` (which compares with git's repository-relative paths) agree.
 * A directory outside the root stays absolute.
 */
export function normalizeCustomersDir(dir: string, root: string = process.cwd()): string {
  const rel = isAbsolute(dir) ? relative(root, dir) : dir;
  if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`))
    return normalize(dir).replace(/(.)\/+$/, '$1');
  const n = normalize(rel === '' ? '.' : rel);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

/** Whether a normalized --customers lies inside the repository root. */
export function isInsideRoot(normalized: string): boolean {
  return !isAbsolute(normalized) && normalized !== '..' && !normalized.startsWith(`..${sep}`);
}
