/**
 * A canonical form of a policy document, so that statement order, action order and a single
 * value written without its list do not count as differences; meaning does.
 */
export function canonicalPolicy(doc: unknown): string {
  const d = (doc ?? {}) as { Version?: string; Statement?: unknown };
  const statements = ([d.Statement ?? []].flat() as Record<string, unknown>[]).map(canonicalStatement);
  statements.sort();
  return JSON.stringify({ Version: d.Version ?? null, Statement: statements.map((s) => JSON.parse(s)) });
}

function canonicalStatement(s: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(s).sort()) {
    const v = s[key];
    if (['Action', 'NotAction', 'Resource', 'NotResource'].includes(key)) out[key] = list(v);
    else if ((key === 'Principal' || key === 'NotPrincipal') && v !== '*')
      out[key] = mapOfLists(v as Record<string, unknown>);
    else if (key === 'Condition') {
      const ops = v as Record<string, Record<string, unknown>>;
      out[key] = Object.fromEntries(
        Object.keys(ops)
          .sort()
          .map((op) => [op, mapOfLists(ops[op]!)]),
      );
    } else out[key] = v;
  }
  return JSON.stringify(out);
}

function list(v: unknown): unknown[] {
  return ([v].flat() as unknown[]).map(String).sort();
}

function mapOfLists(m: Record<string, unknown>): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.keys(m)
      .sort()
      .map((k) => [k, list(m[k])]),
  );
}
