import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { loadProject } from '../../lib/records/load-project.js';
import { EXAMPLE_CONFIG, recordText, tempProject } from '../support/project.js';

/** Bad `github` blocks, each with the exact findings lint must give (code, the line's text, what the message says). */
const BAD_BLOCKS: readonly {
  readonly name: string;
  readonly github: unknown;
  readonly expect: readonly { code: string; line: string; message: RegExp }[];
}[] = [
  {
    name: 'repository without an owner',
    github: { repository: 'asc-keys', oidcProvider: 'create' },
    expect: [{ code: 'FIELD_INVALID', line: '"repository": "asc-keys"', message: /owner\/name/ }],
  },
  {
    name: 'repository with a wildcard',
    github: { repository: 'acme/*', oidcProvider: 'create' },
    expect: [{ code: 'FIELD_INVALID', line: '"acme/*"', message: /no wildcard/ }],
  },
  {
    name: 'repository as a URL',
    github: { repository: 'https://github.com/acme/asc-keys', oidcProvider: 'create' },
    expect: [{ code: 'FIELD_INVALID', line: 'https://github.com', message: /owner\/name/ }],
  },
  {
    name: 'repository named ".."',
    github: { repository: 'acme/..', oidcProvider: 'create' },
    expect: [{ code: 'FIELD_INVALID', line: '"acme/.."', message: /owner\/name/ }],
  },
  {
    name: 'owner with a leading hyphen',
    github: { repository: '-acme/asc-keys', oidcProvider: 'create' },
    expect: [{ code: 'FIELD_INVALID', line: '"-acme/asc-keys"', message: /owner\/name/ }],
  },
  {
    name: 'missing repository',
    github: { oidcProvider: 'existing' },
    expect: [{ code: 'FIELD_REQUIRED', line: '"github"', message: /repository is required/ }],
  },
  {
    name: 'missing oidcProvider',
    github: { repository: 'acme/asc-keys' },
    expect: [{ code: 'FIELD_INVALID', line: '"github"', message: /"create".*"existing"/ }],
  },
  {
    name: 'oidcProvider as a boolean',
    github: { repository: 'acme/asc-keys', oidcProvider: true },
    expect: [{ code: 'FIELD_INVALID', line: '"oidcProvider"', message: /"create".*"existing"/ }],
  },
  {
    name: 'default branch as a wildcard',
    github: { repository: 'acme/asc-keys', oidcProvider: 'create', defaultBranch: 'release/*' },
    expect: [{ code: 'FIELD_INVALID', line: '"release/*"', message: /branch name.*no wildcard/ }],
  },
  {
    name: 'default branch written as a ref',
    github: { repository: 'acme/asc-keys', oidcProvider: 'create', defaultBranch: 'refs/heads/main:x' },
    expect: [{ code: 'FIELD_INVALID', line: '"refs/heads/main:x"', message: /branch name/ }],
  },
  {
    name: 'environment with a colon',
    github: { repository: 'acme/asc-keys', oidcProvider: 'create', deployEnvironment: 'prod:eu' },
    expect: [{ code: 'FIELD_INVALID', line: '"prod:eu"', message: /environment name/ }],
  },
  {
    name: 'environment with a trailing space',
    github: { repository: 'acme/asc-keys', oidcProvider: 'create', deployEnvironment: 'prod ' },
    expect: [{ code: 'FIELD_INVALID', line: '"prod "', message: /space/ }],
  },
  {
    name: 'requests environment with a wildcard',
    github: { repository: 'acme/asc-keys', oidcProvider: 'create', requestsEnvironment: 'requests*' },
    expect: [{ code: 'FIELD_INVALID', line: '"requests*"', message: /environment name/ }],
  },
  {
    name: 'unknown field in the block',
    github: { repository: 'acme/asc-keys', oidcProvider: 'create', branch: 'main' },
    expect: [{ code: 'FIELD_UNKNOWN', line: '"branch"', message: /github\.branch is not a known field/ }],
  },
  {
    name: 'the block as a string',
    github: 'acme/asc-keys',
    expect: [{ code: 'FIELD_TYPE', line: '"github"', message: /github must be a mapping, not a string/ }],
  },
];

describe("lint of the platform configuration's github block", () => {
  for (const input of BAD_BLOCKS) {
    test(input.name, () => {
      const project = tempProject(
        { 'acme-corp.yaml': recordText() },
        { ...EXAMPLE_CONFIG.context.platform, github: input.github },
      );
      const lines = readFileSync(project.config, 'utf8').split('\n');
      const { findings } = loadProject({ customersDir: project.customers, configFile: project.config });
      expect(
        findings.map((f) => ({ code: f.code, file: f.file, line: f.line, severity: f.severity })),
      ).toEqual(
        input.expect.map((e) => ({
          code: e.code,
          file: project.config,
          line: lines.findIndex((l) => l.includes(e.line)) + 1,
          severity: 'error',
        })),
      );
      findings.forEach((f, i) => expect(f.message).toMatch(input.expect[i]!.message));
    });
  }

  test('a complete block passes, and the defaults are the default branch "main" and environment "asc-keys"', () => {
    const project = tempProject(
      { 'acme-corp.yaml': recordText() },
      {
        ...EXAMPLE_CONFIG.context.platform,
        github: { repository: 'Acme-Corp/asc.keys_2', oidcProvider: 'existing' },
      },
    );
    const loaded = loadProject({ customersDir: project.customers, configFile: project.config });
    expect(loaded.findings).toEqual([]);
    expect(loaded.platform?.github).toEqual({
      repository: 'Acme-Corp/asc.keys_2',
      oidcProvider: 'existing',
      defaultBranch: 'main',
      deployEnvironment: 'asc-keys',
    });
  });
});
