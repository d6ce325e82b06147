import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * What the nightly shards left behind: `keys-<i>.json` and `drift-<i>.json` (the contract's
 * JSON of `check keys` and `check drift`) for shard i of n. Only the fields the tracking issue
 * needs are read; messages, expected and actual values are never carried over.
 */
const keysJson = z.object({
  results: z.array(
    z.object({
      customer: z.string(),
      status: z.enum(['valid', 'invalid', 'inconclusive']),
      code: z.string(),
    }),
  ),
});
const driftJson = z.object({
  findings: z.array(
    z.object({
      customer: z.string().nullable(),
      kind: z.string(),
      resource: z.string(),
      field: z.string().nullable().optional(),
    }),
  ),
});

export interface KeyProblem {
  readonly customer: string;
  readonly status: 'invalid' | 'inconclusive';
  readonly code: string;
}

export interface DriftProblem {
  readonly customer: string | null;
  readonly kind: string;
  readonly resource: string;
  readonly field: string | null;
}

export interface NightlyReports {
  readonly keys: readonly KeyProblem[];
  readonly drift: readonly DriftProblem[];
  /** Reports that are absent or unreadable, as `keys 2/4`: that part of the night proved nothing. */
  readonly missing: readonly string[];
  /** Customers whose keys were checked. */
  readonly checked: number;
}

export function readNightlyReports(dir: string, shards: number): NightlyReports {
  const keys: KeyProblem[] = [];
  const drift: DriftProblem[] = [];
  const missing: string[] = [];
  let checked = 0;
  for (let i = 1; i <= shards; i++) {
    const k = readJson(join(dir, `keys-${i}.json`), keysJson);
    if (k) {
      checked += k.results.length;
      for (const r of k.results)
        if (r.status !== 'valid') keys.push({ customer: r.customer, status: r.status, code: r.code });
    } else missing.push(`keys ${i}/${shards}`);
    const d = readJson(join(dir, `drift-${i}.json`), driftJson);
    if (d)
      drift.push(
        ...d.findings.map((f) => ({
          customer: f.customer,
          kind: f.kind,
          resource: f.resource,
          field: f.field ?? null,
        })),
      );
    else missing.push(`drift ${i}/${shards}`);
  }
  return { keys, drift, missing, checked };
}

function readJson<T>(file: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
