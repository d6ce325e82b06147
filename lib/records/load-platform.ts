import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import type { Finding } from './finding.js';
import { platformSchema, type PlatformConfig } from './platform-schema.js';
import { validate } from './validate.js';
import { YamlSource } from './yaml-source.js';

export const PLATFORM_CONFIG_FILE = 'cdktf.json';

// cdktf.json has cdktf's own keys too; only context.platform is ours, and strict.
const fileSchema = z.object({ context: z.object({ platform: platformSchema }) });

/**
 * Reads `context.platform` from cdktf.json. JSON is YAML 1.2, so the same parser gives the
 * findings their line and column, and they are reported like the records' findings.
 */
export function loadPlatform(file = PLATFORM_CONFIG_FILE): {
  platform?: PlatformConfig;
  findings: Finding[];
} {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      'PLATFORM_CONFIG_INVALID',
      `cannot read the platform configuration ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}); run asc-keys from the repository root`,
    );
  }
  const parsed = YamlSource.parse(file, text);
  if (!parsed.source) return { findings: parsed.findings };
  const checked = validate(parsed.source, fileSchema, parsed.source.toJS());
  if (!checked.value) return { findings: checked.findings };
  const platform = checked.value.context.platform;
  const findings: Finding[] = [];
  platform.rotation.remindDaysBefore.forEach((days, i) => {
    if (days >= platform.rotation.maxAgeDays) {
      const at = parsed.source!.valueAt(['context', 'platform', 'rotation', 'remindDaysBefore', i]);
      findings.push({
        file,
        ...at,
        severity: 'error',
        code: 'REMINDER_OUT_OF_RANGE',
        message: `reminder ${days} days before the due day must be less than rotation.maxAgeDays (${platform.rotation.maxAgeDays})`,
      });
    }
  });
  return findings.length ? { findings } : { platform, findings };
}
