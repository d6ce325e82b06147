import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The projects whose files take longest come first, so that the two workers end together: vitest
 * orders the files by project name (aws, browser, terraform, unit), which starts the Terraform
 * files, each minutes long, only after every AWS file, and leaves a long one for the end. Within
 * a project, vitest's own order stands (slowest first when it has timed them before).
 */
const ORDER = ['terraform', 'aws', 'browser', 'unit'];

export default class SlowestProjectsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (s: TestSpecification): number => {
      const i = ORDER.indexOf(s.project.name);
      return i < 0 ? ORDER.length : i;
    };
    // Array.prototype.sort is stable: the base order stays within a project.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}
