import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import GithubSlugger from 'github-slugger';
import { lexer, walkTokens, type Token, type Tokens } from 'marked';

/** A relative link or anchor in a Markdown file that leads nowhere. */
export interface BrokenLink {
  /** The Markdown file, relative to the root, and the link's line in it. */
  readonly where: string;
  readonly href: string;
  readonly problem: string;
}

/** Directories that hold no documentation of ours: dependencies, build output, reports. */
const SKIPPED_DIRS = new Set([
  '.git',
  'node_modules',
  'dist',
  'coverage',
  'cdktf.out',
  'bench-out',
  'test-artifacts',
  '.terraform',
]);

/** Every `*.md` file under `root`, outside the directories above, sorted. */
export function markdownFiles(root: string): string[] {
  const found: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) visit(join(dir, entry.name));
      else if (entry.isFile() && entry.name.endsWith('.md')) found.push(join(dir, entry.name));
    }
  };
  visit(root);
  return found.sort();
}

/**
 * Every relative link (and image) of every Markdown file under `root` that points at no file
 * inside `root`, or at an anchor that no heading of the target file makes. Anchors are GitHub's
 * (github-slugger over the heading's text, duplicates numbered). Links with a scheme (https:,
 * mailto:) are left alone: they need a network to check.
 */
export function brokenLinks(root: string): BrokenLink[] {
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (file: string): Set<string> => {
    let set = anchorsOf.get(file);
    if (!set) {
      set = headingAnchors(readFileSync(file, 'utf8'));
      anchorsOf.set(file, set);
    }
    return set;
  };
  const broken: BrokenLink[] = [];
  for (const file of markdownFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const { href, line } of relativeLinks(text)) {
      const where = `${relative(root, file)}:${line}`;
      const hash = href.indexOf('#');
      const path = decodeURIComponent(hash < 0 ? href : href.slice(0, hash));
      const anchor = hash < 0 ? undefined : decodeURIComponent(href.slice(hash + 1));
      const target = path === '' ? file : resolve(dirname(file), path);
      if (target !== root && !target.startsWith(root + sep)) {
        broken.push({ where, href, problem: 'points outside the repository' });
        continue;
      }
      if (!existsSync(target)) {
        broken.push({ where, href, problem: `no such file: ${relative(root, target)}` });
        continue;
      }
      if (anchor === undefined) continue;
      if (statSync(target).isDirectory() || extname(target) !== '.md')
        broken.push({ where, href, problem: 'an anchor into a file that is not Markdown' });
      else if (!anchors(target).has(anchor))
        broken.push({ where, href, problem: `no heading makes #${anchor} in ${relative(root, target)}` });
    }
  }
  return broken;
}

/** The links of a Markdown text that have no scheme, with their line numbers. */
function relativeLinks(text: string): { href: string; line: number }[] {
  const tokens = lexer(text);
  const links: { href: string; line: number }[] = [];
  let searchFrom = 0;
  walkTokens(tokens, (token) => {
    if (token.type !== 'link' && token.type !== 'image') return;
    const { href, raw } = token as Tokens.Link | Tokens.Image;
    // Inline links appear in document order, so each raw text is found after the previous one.
    const at = text.indexOf(raw, searchFrom);
    if (at >= 0) searchFrom = at + raw.length;
    const line = text.slice(0, Math.max(at, 0)).split('\n').length;
    if (!/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('//')) links.push({ href, line });
  });
  return links;
}

/** The anchors GitHub gives the headings of a Markdown text. */
export function headingAnchors(text: string): Set<string> {
  const slugger = new GithubSlugger();
  const set = new Set<string>();
  walkTokens(lexer(text), (token) => {
    if (token.type === 'heading') set.add(slugger.slug(plainText((token as Tokens.Heading).tokens)));
  });
  return set;
}

/** The text a reader sees: code spans, emphasis and link texts without their markup. */
function plainText(tokens: readonly Token[]): string {
  return tokens
    .map((t) => ('tokens' in t && t.tokens ? plainText(t.tokens) : 'text' in t ? String(t.text) : ''))
    .join('');
}

/**
 * Every place the code's messages send a reader to a document, `docs/<file>.md` optionally
 * followed by `, <Heading>` or `, "<Heading>"`, that names no such file or heading.
 */
export function brokenDocReferences(root: string): BrokenLink[] {
  const broken: BrokenLink[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/\b(docs\/[\w-]+\.md)(?:, "?([A-Z][\w -]*[\w])"?)?/g)) {
          const where = `${relative(root, path)}:${text.slice(0, m.index).split('\n').length}`;
          const target = join(root, m[1]!);
          if (!existsSync(target)) broken.push({ where, href: m[0], problem: `no such file: ${m[1]}` });
          else if (m[2] && !headingAnchors(readFileSync(target, 'utf8')).has(new GithubSlugger().slug(m[2])))
            broken.push({ where, href: m[0], problem: `no heading "${m[2]}" in ${m[1]}` });
        }
      }
    }
  };
  visit(join(root, 'lib'));
  return broken;
}
