import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import v8 from '@vitest/coverage-v8';
import type { CoverageMap } from 'istanbul-lib-coverage';
import type { CoverageProviderModule, ReportContext, Vitest } from 'vitest/node';
import { addHits, readChildCoverage } from './child-coverage.js';

/**
 * @vitest/coverage-v8, plus the coverage of the processes the tests start. The end-to-end tests
 * run the built CLI (dist/, with source maps) as a user does, in child processes that the
 * workers' V8 coverage does not see. With coverage on, child-coverage-env.ts gives each of them
 * NODE_V8_COVERAGE, so Node writes their coverage into a directory of the report; before the
 * report, their hits are added to the workers' coverage of the same `.ts` files, and the
 * reporters and thresholds see one map.
 */
const provider: CoverageProviderModule = {
  ...v8,
  async getProvider() {
    const { V8CoverageProvider } = await import('@vitest/coverage-v8/dist/provider.js');

    class WithChildProcesses extends V8CoverageProvider {
      private get childDirectory(): string {
        return resolve(this.options.reportsDirectory, '.tmp-children');
      }

      override initialize(ctx: Vitest): void {
        super.initialize(ctx);
        ctx.provide('childCoverageDirectory', this.childDirectory);
      }

      override async clean(clean?: boolean): Promise<void> {
        await super.clean(clean);
        rmSync(this.childDirectory, { recursive: true, force: true });
      }

      override async generateCoverage(context: ReportContext): Promise<CoverageMap> {
        const coverage = await super.generateCoverage(context);
        const children = await readChildCoverage(
          this.childDirectory,
          (file) => this.isIncluded(file),
          this.options.ignoreClassMethods,
        );
        for (const file of children.files()) {
          const child = children.fileCoverageFor(file).data;
          if (!coverage.files().includes(file)) coverage.addFileCoverage(child);
          else if (!addHits(coverage.fileCoverageFor(file).data, child))
            this.ctx.logger.warn(
              `Coverage: the child processes' coverage of ${file} does not line up with the workers'; left out`,
            );
        }
        return coverage;
      }

      override async cleanAfterRun(): Promise<void> {
        rmSync(this.childDirectory, { recursive: true, force: true });
        await super.cleanAfterRun();
      }
    }

    return new WithChildProcesses();
  },
};

export default provider;
