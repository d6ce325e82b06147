import type { z } from 'zod';

/**
 * Schema problems of a secret or a sealed payload, described by the paths of the fields we
 * expect and never by what the value holds: an unknown field's name could be key material.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((i) =>
      i.code === 'unrecognized_keys'
        ? `${i.path.join('.') || 'value'}: unexpected fields`
        : `${i.path.join('.') || 'value'}: ${i.message}`,
    )
    .join('; ');
}
