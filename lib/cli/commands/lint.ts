import { loadProject } from '../../records/load-project.js';
import { emitReport } from '../../reports/emit-report.js';
import { lintReport } from '../../reports/findings-report.js';
import type { CommonOptions } from '../common-options.js';

export async function lint(options: CommonOptions): Promise<number> {
  const project = loadProject({ customersDir: options.customers });
  const report = lintReport(project.findings, project.files, project.records);
  await emitReport(report, options);
  return report.exitCode;
}
