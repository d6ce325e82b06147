import type { CustomerRecord } from './customer-record.js';
import type { Finding } from './finding.js';
import { loadPlatform, PLATFORM_CONFIG_FILE } from './load-platform.js';
import { loadRecords, type LoadedRecords } from './load-records.js';
import { platformSchema, type PlatformConfig } from './platform-schema.js';

export interface LoadProjectOptions {
  /** @default "customers" */
  readonly customersDir?: string;
  /** @default "cdktf.json" */
  readonly configFile?: string;
  /** Only these file names in the customers directory; cross-record rules see them alone. @default every file */
  readonly onlyFiles?: readonly string[];
}

export interface Project {
  /** Absent when the platform configuration has errors. */
  readonly platform?: PlatformConfig;
  readonly records: readonly CustomerRecord[];
  /** Platform findings first, then the records', in file order. */
  readonly findings: readonly Finding[];
  readonly files: number;
  readonly invalid: LoadedRecords['invalid'];
}

/**
 * The platform configuration and every record. Records are still linted when the platform
 * configuration is broken (with its defaults), so one run shows every problem.
 */
export function loadProject(options: LoadProjectOptions = {}): Project {
  const { platform, findings: platformFindings } = loadPlatform(options.configFile ?? PLATFORM_CONFIG_FILE);
  const context = {
    rotation: platform?.rotation ?? platformSchema.shape.rotation.parse(undefined),
    secretNamePrefix: `${platform?.namePrefix ?? platformSchema.shape.namePrefix.parse(undefined)}/`,
  };
  const only = options.onlyFiles && new Set(options.onlyFiles);
  const loaded = loadRecords(options.customersDir ?? 'customers', context, only);
  return {
    ...(platform && { platform }),
    records: loaded.records,
    findings: [...platformFindings, ...loaded.findings],
    files: loaded.files,
    invalid: loaded.invalid,
  };
}
