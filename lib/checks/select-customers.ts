import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import type { CustomerRecord } from '../records/customer-record.js';

export interface Shard {
  /** 1-based */
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw new UsageError('USAGE', `--shard "${text}" must be i/n with 1 <= i <= n`, {
      next: 'for example --shard 2/4',
    });
  return { index, count };
}

/** A stable hash of the slug, so that n CI jobs cover every customer exactly once, whatever the order of files. */
export function shardOf(slug: string, count: number): number {
  return (createHash('sha256').update(slug).digest().readUInt32BE(0) % count) + 1;
}

export interface Selection {
  readonly records: readonly CustomerRecord[];
  /** Invalid record files in the selection, with the slug they name (or their file name). */
  readonly invalid: ReadonlyMap<string, string>;
}

export interface SelectOptions {
  readonly customers?: readonly string[];
  readonly shard?: Shard;
}

/** Whether a customer is in the selection of --customer and --shard. */
export function inSelection(options: SelectOptions): (slug: string) => boolean {
  const wanted = options.customers?.length ? new Set(options.customers) : undefined;
  return (slug) =>
    (!wanted || wanted.has(slug)) &&
    (!options.shard || shardOf(slug, options.shard.count) === options.shard.index);
}

/** --customer (repeatable) and --shard i/n. An unknown --customer is a usage error. */
export function selectCustomers(
  records: readonly CustomerRecord[],
  invalid: ReadonlyMap<string, string | undefined>,
  options: SelectOptions,
): Selection {
  const invalidNamed = new Map(
    [...invalid].map(([file, slug]) => [file, slug ?? basename(file).replace(/\.ya?ml$/, '')]),
  );
  const wanted = options.customers?.length ? new Set(options.customers) : undefined;
  if (wanted) {
    const known = new Set([...records.map((r) => r.customer), ...invalidNamed.values()]);
    const unknown = [...wanted].filter((c) => !known.has(c));
    if (unknown.length)
      throw new UsageError('USAGE', `--customer ${unknown.join(', ')}: no such customer in the records`, {
        next: 'name a customer by its record file name (without .yaml), as "asc-keys status" lists them',
      });
  }
  const keep = inSelection(options);
  return {
    records: records.filter((r) => keep(r.customer)),
    invalid: new Map([...invalidNamed].filter(([, slug]) => keep(slug))),
  };
}
