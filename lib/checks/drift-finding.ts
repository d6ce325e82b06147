import type { Position } from '../records/finding.js';
import { differing, type FieldRow } from './drift-fields.js';

export type DriftKind = 'missing' | 'unmanaged' | 'changed' | 'value' | 'pending';

export interface DriftFinding {
  /** The customer; null for the platform stack and for what no record names. */
  readonly customer: string | null;
  /** The Terraform address in its stack (the customer's, or the platform's). */
  readonly resource: string;
  readonly kind: DriftKind;
  readonly field: string | null;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly message: string;
  /** The record, for annotations; absent for unmanaged resources and the platform. */
  readonly file?: string;
  readonly position?: Position;
}

export type AddFinding = (f: Omit<DriftFinding, 'customer' | 'file' | 'position'>) => void;

/**
 * One `changed` finding per differing row of a resource's comparison table. `subject` names
 * the resource in messages; `fix` says what to do.
 */
export function addChanged(
  add: AddFinding,
  resource: string,
  subject: string,
  rows: readonly FieldRow[],
  fix: string,
): void {
  for (const r of differing(rows)) {
    const expected = r.expected;
    const actual = r.actual ?? null;
    const tag = r.field.startsWith('tags.') ? r.field.slice(5) : undefined;
    const message =
      tag === undefined
        ? `${subject}: ${r.field} differs from the desired state; ${fix}`
        : `the tag ${tag} of ${subject} ${expected === null ? 'was added' : actual === null ? 'was removed' : `is "${String(actual)}", not "${String(expected)}"`}`;
    add({ resource: r.resource ?? resource, kind: 'changed', field: r.field, expected, actual, message });
  }
}

/**
 * A secret replicated to other regions: each replica is a copy of the key under that region's
 * KMS key and policy, which the platform does not control. The stacks never replicate, and
 * Terraform leaves a replica it did not make in place, so the fix is an administrator's.
 */
export function addReplicaFinding(
  add: AddFinding,
  resource: string,
  name: string,
  regions: readonly string[] | undefined,
): void {
  if (!regions?.length) return;
  add({
    resource,
    kind: 'changed',
    field: 'replica',
    expected: [],
    actual: [...regions],
    message: `${name} is replicated to ${regions.join(', ')}: a copy of the key lives there under another region's key and policy; an administrator looks in CloudTrail for who added it (the secret-changes alert), then removes it with "aws secretsmanager remove-regions-from-replication --secret-id ${name} --remove-replica-regions ${regions.join(' ')}"`,
  });
}
