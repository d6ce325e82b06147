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
      `cannot read the platform configuration ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { next: 'run asc-keys from the repository root', cause: err },
    );
  }
  const json = jsonSyntaxError(file, text);
  if (json) return { findings: [json] };
  const parsed = YamlSource.parse(file, text, { kind: 'platform' });
  if (!parsed.source) return { findings: parsed.findings };
  const checked = validate(
    parsed.source,
    fileSchema,
    parsed.source.data,
    'docs/records.md, Platform configuration',
  );
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
        message: `reminder ${days} days before the due day must be less than rotation.maxAgeDays (${platform.rotation.maxAgeDays}); lower it or raise maxAgeDays`,
      });
    }
  });
  return findings.length ? { findings } : { platform, findings };
}

/**
 * cdktf reads cdktf.json as JSON, so it must be JSON (the YAML parser that gives positions
 * would accept more). Empty files are left to the parser, which says what belongs there.
 */
function jsonSyntaxError(file: string, text: string): Finding | undefined {
  if (text.trim() === '') return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    const message = (err as Error).message;
    // The parser's message may quote the text; only its description of the problem is kept.
    const offset = /at position (\d+)/.exec(message)?.[1];
    // Node 20 says "end of JSON input"; newer ones name what they expected at the end.
    const truncated =
      /end of JSON input/i.test(message) || (offset !== undefined && Number(offset) >= text.trimEnd().length);
    const pos = truncated ? text.trimEnd().length : offset === undefined ? 0 : Number(offset);
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    const what = truncated
      ? 'it ends too early: truncated?'
      : (/^((?:Expected|Bad|Unterminated)[^"]*?) in JSON at position/.exec(message)?.[1] ??
        'unexpected text');
    return {
      file,
      line,
      column: pos - before.lastIndexOf('\n'),
      severity: 'error',
      code: 'JSON_SYNTAX',
      message: `is not valid JSON (${what}); cdktf reads it as JSON: fix it, or restore it from git`,
    };
  }
}
