import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { brokenDocReferences, brokenLinks, headingAnchors, markdownFiles } from './markdown-links.js';
import { REPO } from './project.js';

describe('the Markdown of the repository', () => {
  test('every relative link and anchor of every Markdown file resolves inside the repository', () => {
    const files = markdownFiles(REPO).map((f) => relative(REPO, f));
    // The walk finds the documents it must check, and none of the dependencies'.
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'customers/README.md', 'docs/commands.md', 'docs/contract.md']),
    );
    expect(files.filter((f) => f.startsWith('node_modules'))).toEqual([]);
    expect(brokenLinks(REPO)).toEqual([]);
  });

  test('every document and section a message of the code points to exists', () => {
    expect(brokenDocReferences(REPO)).toEqual([]);
  });
});

describe('the repository stands alone', () => {
  test('no file of ours points outside it: no shared folder, no external contract, no tracker issue numbers', () => {
    const outside = /\.\.\/shared|\bCONTRACT\b|\b[Ii]ssue \d+\b/;
    const self = relative(REPO, import.meta.filename);
    const files = ['lib', 'test', 'docs', '.github', '.ci']
      .flatMap((dir) =>
        readdirSync(join(REPO, dir), { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => relative(REPO, join(e.parentPath, e.name))),
      )
      .concat(['README.md', 'main.ts', 'package.json', 'eslint.config.js', 'vitest.config.ts']);
    const hits = files
      .filter((f) => f !== self && f !== 'test/support/markdown-links.ts')
      .flatMap((f) =>
        readFileSync(join(REPO, f), 'utf8')
          .split('\n')
          .map((line, i) => ({ where: `${f}:${i + 1}`, line }))
          .filter(({ line }) => outside.test(line)),
      );
    expect(files.length).toBeGreaterThan(100);
    expect(hits).toEqual([]);
  });
});

describe('the link check itself', () => {
  test('reports a missing file, a missing anchor, a link out of the root and an anchor into a non-Markdown file', () => {
    const root = mkdtempSync(join(tmpdir(), 'asc-keys-links-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'notes.txt'), 'plain\n');
    writeFileSync(
      join(root, 'docs', 'guide.md'),
      '# Guide\n\n## `check keys` (nightly)\n\n## Setup\n\n## Setup\n\nSee [top](#guide).\n',
    );
    writeFileSync(
      join(root, 'README.md'),
      [
        '# Readme',
        '',
        '[ok](docs/guide.md#check-keys-nightly) [dup](docs/guide.md#setup-1) [self](#readme)',
        '[web](https://example.com/x#y) [mail](mailto:a@b.example)',
        '[gone](docs/missing.md)',
        '[no anchor](docs/guide.md#nowhere)',
        '[out](../outside.md)',
        '[text anchor](notes.txt#line)',
        '',
        '| table | [cell](#not-here) |',
        '| ----- | ----------------- |',
        '',
        '```md',
        '[in code](ignored.md)',
        '```',
        '',
      ].join('\n'),
    );
    expect(brokenLinks(root)).toEqual([
      { where: 'README.md:5', href: 'docs/missing.md', problem: 'no such file: docs/missing.md' },
      {
        where: 'README.md:6',
        href: 'docs/guide.md#nowhere',
        problem: 'no heading makes #nowhere in docs/guide.md',
      },
      { where: 'README.md:7', href: '../outside.md', problem: 'points outside the repository' },
      { where: 'README.md:8', href: 'notes.txt#line', problem: 'an anchor into a file that is not Markdown' },
      { where: 'README.md:10', href: '#not-here', problem: 'no heading makes #not-here in README.md' },
    ]);
  });

  test('a message that points to a missing document or section is reported', () => {
    const root = mkdtempSync(join(tmpdir(), 'asc-keys-refs-'));
    mkdirSync(join(root, 'docs'));
    mkdirSync(join(root, 'lib', 'cli'), { recursive: true });
    writeFileSync(join(root, 'docs', 'ops.md'), '# Operations\n\n## Onboarding a customer\n');
    writeFileSync(
      join(root, 'lib', 'cli', 'm.ts'),
      [
        "const a = 'see docs/ops.md, Onboarding a customer';",
        'const b = \'see docs/ops.md, "Offboarding a customer"\';',
        "const c = 'see docs/gone.md';",
        "const d = 'see docs/ops.md';",
      ].join('\n'),
    );
    expect(brokenDocReferences(root)).toEqual([
      {
        where: 'lib/cli/m.ts:2',
        href: 'docs/ops.md, "Offboarding a customer"',
        problem: 'no heading "Offboarding a customer" in docs/ops.md',
      },
      { where: 'lib/cli/m.ts:3', href: 'docs/gone.md', problem: 'no such file: docs/gone.md' },
    ]);
  });

  test("anchors are GitHub's: code spans and punctuation dropped, a repeated heading numbered", () => {
    expect([...headingAnchors('# `sealing-key create`\n## CloudTrail (prerequisite)\n## A\n## A\n')]).toEqual(
      ['sealing-key-create', 'cloudtrail-prerequisite', 'a', 'a-1'],
    );
  });
});
