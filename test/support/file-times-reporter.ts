import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/** One test file as `npm run bench -- tests` reads it. */
export interface FileTime {
  readonly project: string;
  readonly file: string;
  /** From the file's start to its end: import, setup, hooks and tests. */
  readonly seconds: number;
  readonly tests: number;
  readonly failed: number;
}

/**
 * A vitest reporter that writes each test file's own time, hooks included, to the JSON file
 * named by ASC_KEYS_FILE_TIMES. vitest's JSON reporter times a file from its first test to its
 * last, so a file whose work is in `beforeAll` (the Terraform tests) would look instant.
 */
export default class FileTimesReporter implements Reporter {
  private readonly files: FileTime[] = [];

  onTestModuleEnd(module: TestModule): void {
    const d = module.diagnostic();
    const tests = [...module.children.allTests()];
    this.files.push({
      project: module.project.name,
      file: relative(process.cwd(), module.moduleId),
      seconds:
        (d.environmentSetupDuration + d.prepareDuration + d.setupDuration + d.collectDuration + d.duration) /
        1000,
      tests: tests.length,
      failed: tests.filter((t) => t.result().state === 'failed').length,
    });
  }

  onTestRunEnd(): void {
    const out = process.env.ASC_KEYS_FILE_TIMES;
    if (out) writeFileSync(out, `${JSON.stringify(this.files, null, 2)}\n`);
  }
}
