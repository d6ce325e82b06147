import { checkDrift } from '../../checks/check-drift.js';
import { inSelection, parseShard, selectCustomers } from '../../checks/select-customers.js';
import { loadProject } from '../../records/load-project.js';
import { driftReport } from '../../reports/drift-report.js';
import { emitReport } from '../../reports/emit-report.js';
import { awsClients } from '../../aws/clients.js';
import { AwsSecretsManagerStore } from '../../secrets/aws-secrets-manager-store.js';
import { printable } from '../../printable.js';
import { awsRegion, checkAwsEnvironment } from '../../aws/environment.js';
import type { CommonOptions } from '../common-options.js';
import { requirePlatform } from '../../records/require-platform.js';

export interface CheckDriftCliOptions extends CommonOptions {
  readonly customer?: string[];
  readonly shard?: string;
}

export async function checkDriftCommand(options: CheckDriftCliOptions): Promise<number> {
  const project = loadProject({ customersDir: options.customers });
  const platform = requirePlatform(project);
  for (const w of checkAwsEnvironment(platform.region))
    process.stderr.write(`asc-keys: warning: ${printable(w)}\n`);
  const shard = options.shard ? parseShard(options.shard) : undefined;
  const selectOptions = { ...(options.customer && { customers: options.customer }), ...(shard && { shard }) };
  const selection = selectCustomers(project.records, project.invalid, selectOptions);
  const selected = inSelection(selectOptions);
  if (selection.invalid.size) {
    process.stderr.write(
      `asc-keys: ${selection.invalid.size} record${selection.invalid.size === 1 ? ' has' : 's have'} lint errors and ${selection.invalid.size === 1 ? 'was' : 'were'} not compared; run "asc-keys lint"\n`,
    );
  }
  const clients = awsClients(awsRegion(platform.region));
  const { findings, notes, pending } = await checkDrift({
    platform,
    allRecords: project.records,
    selected: selection.records,
    invalidSlugs: new Set([...project.invalid.values()].filter((s): s is string => s !== undefined)),
    // An unmanaged secret belongs to the shard of the customer its tag names; untagged ones to shard 1.
    inScope: (customer) =>
      customer === null ? !options.customer?.length && (!shard || shard.index === 1) : selected(customer),
    clients,
    store: new AwsSecretsManagerStore({ client: clients.secretsManager }),
    now: new Date(),
  });
  const report = driftReport(selection.records, findings, notes, pending);
  await emitReport(report, options);
  return report.exitCode;
}
