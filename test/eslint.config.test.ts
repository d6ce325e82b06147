import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, test } from 'vitest';

const REPO = join(import.meta.dirname, '..');
// eslint.config.js is plain JavaScript; its layer map is read as data.
const { LAYERS } = (await import(join(REPO, 'eslint.config.js') as string)) as { LAYERS: string[][] };
const FOLDERS = LAYERS.flat();

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: REPO });
});

/** The no-restricted-imports messages for one import written in a file at `file`. */
async function restricted(file: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${specifier}';\nexport const y = x;\n`, {
    filePath: join(REPO, file),
  });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const levelOf = (folder: string): number => LAYERS.findIndex((layer) => layer.includes(folder));

describe('the layer fences', () => {
  test('every folder of lib/ is on the layer map, once', () => {
    const folders = readdirSync(join(REPO, 'lib'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect([...FOLDERS].sort()).toEqual(folders.sort());
    expect(new Set(FOLDERS).size).toBe(FOLDERS.length);
  });

  test('an import of a folder in the same layer or above fails; one below passes', async () => {
    const outcomes: string[] = [];
    for (const from of FOLDERS)
      for (const to of FOLDERS) {
        if (to === from) continue;
        const messages = await restricted(`lib/${from}/probe.ts`, `../${to}/x.js`);
        const expected = levelOf(to) < levelOf(from) ? 'allowed' : 'refused';
        const actual = messages.some((m) => m.includes('Layers point down only')) ? 'refused' : 'allowed';
        if (actual !== expected) outcomes.push(`${from} -> ${to}: ${actual}, expected ${expected}`);
      }
    expect(outcomes).toEqual([]);
  });

  test('the fence holds one folder deeper (lib/cli/commands) and names the layer map', async () => {
    expect(await restricted('lib/records/sub/probe.ts', '../../model/days.js')).toEqual([
      expect.stringContaining('Layers point down only (see the layer map in eslint.config.js)'),
    ]);
    expect(await restricted('lib/cli/commands/probe.ts', '../../records/x.js')).toEqual([]);
  });

  test('the base (lib/*.ts) imports no folder of lib/, and every folder may import the base', async () => {
    for (const to of FOLDERS) expect(await restricted('lib/probe.ts', `./${to}/x.js`)).toHaveLength(1);
    for (const from of FOLDERS) {
      expect(await restricted(`lib/${from}/probe.ts`, '../errors.js')).toEqual([]);
      expect(await restricted(`lib/${from}/probe.ts`, '../printable.js')).toEqual([]);
    }
  });

  test('cdktf stays inside lib/stacks, and the provider package root is refused everywhere', async () => {
    expect(await restricted('lib/stacks/probe.ts', 'cdktf')).toEqual([]);
    expect(await restricted('lib/checks/probe.ts', 'cdktf')).toEqual([
      expect.stringContaining('Only lib/stacks'),
    ]);
    expect(await restricted('lib/model/probe.ts', 'constructs')).toHaveLength(1);
    for (const file of ['lib/stacks/probe.ts', 'lib/cli/probe.ts', 'test/probe.ts'])
      expect(await restricted(file, '@cdktf/provider-aws')).toContainEqual(
        expect.stringContaining('deep path'),
      );
  });
});
