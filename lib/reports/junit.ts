import junitReportBuilder, { type Builder } from 'junit-report-builder';
import type { Report } from './report.js';

/** JUnit XML: a failed case is a <failure>, an inconclusive one an <error>. */
export function junitXml(report: Report): string {
  // A CommonJS module whose module.exports is the builder; its typings describe it as an ES module.
  const junit = (junitReportBuilder as unknown as Builder).newBuilder();
  const suite = junit.testSuite().name(`asc-keys ${report.command}`);
  for (const c of report.cases) {
    const tc = suite
      .testCase()
      .className(c.file ?? `asc-keys.${report.command}`)
      .name(c.name);
    const text = `${c.code}: ${c.message}`;
    if (c.outcome === 'failed') tc.failure(text, c.code);
    else if (c.outcome === 'inconclusive') tc.error(text, c.code);
    else tc.standardOutput(text);
  }
  return junit.build();
}
