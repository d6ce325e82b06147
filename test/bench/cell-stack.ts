/**
 * For the deploy benchmark only: several synthesized customer stacks merged into one "cell"
 * stack (one state, one init, one plan for all of them), to measure what cells would save
 * before building them. Each customer's resources and data sources get a prefix, and every
 * reference to them in that customer's part is rewritten to match.
 */
type TfJson = {
  provider?: unknown;
  terraform?: unknown;
  resource?: Record<string, Record<string, unknown>>;
  data?: Record<string, Record<string, unknown>>;
  import?: unknown[];
};

export function mergeIntoCell(stacks: readonly TfJson[]): TfJson {
  const cell: Required<Pick<TfJson, 'resource' | 'data' | 'import'>> & TfJson = {
    provider: stacks[0]?.provider,
    terraform: stacks[0]?.terraform,
    resource: {},
    data: {},
    import: [],
  };
  stacks.forEach((stack, i) => {
    const prefix = `c${i}_`;
    const names: [string, string][] = [];
    for (const block of [stack.resource ?? {}, stack.data ?? {}])
      for (const [type, byName] of Object.entries(block))
        for (const name of Object.keys(byName)) names.push([type, name]);
    let text = JSON.stringify({
      resource: stack.resource ?? {},
      data: stack.data ?? {},
      import: stack.import ?? [],
    });
    for (const [type, name] of names)
      text = text.replace(
        new RegExp(`(?<![\\w.])((?:data\\.)?${type})\\.${name}(?![\\w-])`, 'g'),
        `$1.${prefix}${name}`,
      );
    const renamed = JSON.parse(text) as Required<Pick<TfJson, 'resource' | 'data' | 'import'>>;
    for (const key of ['resource', 'data'] as const)
      for (const [type, byName] of Object.entries(renamed[key]))
        for (const [name, body] of Object.entries(byName))
          (cell[key][type] ??= {})[`${prefix}${name}`] = body;
    cell.import.push(...renamed.import);
  });
  return cell;
}
