import type { PolicyDocument, PolicyStatement } from '../../lib/model/policy-document.js';

/**
 * A small, strict model of IAM's evaluation for one request within one account: an explicit
 * Deny in any policy wins; otherwise the identity policy or the resource policy must allow it.
 * It knows the condition operators our policies use and throws on any other, so a policy that
 * grows a new operator cannot pass its tests by being misread.
 */
export interface IamRequest {
  readonly principalArn: string;
  readonly action: string;
  readonly resourceArn: string;
  /** Condition keys and their values (aws:PrincipalArn is added from principalArn). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

export type Decision = 'allowed' | 'explicit-deny' | 'implicit-deny';

export function evaluate(
  request: IamRequest,
  identity: readonly PolicyDocument[],
  resource?: PolicyDocument,
): Decision {
  const ctx = { ...request.context, 'aws:PrincipalArn': request.principalArn };
  const identityHits = identity.flatMap((d) => d.Statement.filter((s) => matches(s, request, ctx, false)));
  const resourceHits = resource ? resource.Statement.filter((s) => matches(s, request, ctx, true)) : [];
  const hits = [...identityHits, ...resourceHits];
  if (hits.some((s) => s.Effect === 'Deny')) return 'explicit-deny';
  return hits.some((s) => s.Effect === 'Allow') ? 'allowed' : 'implicit-deny';
}

function matches(
  s: PolicyStatement,
  r: IamRequest,
  ctx: Readonly<Record<string, string | readonly string[]>>,
  isResourcePolicy: boolean,
): boolean {
  if (isResourcePolicy && !principalMatches(s.Principal, r.principalArn)) return false;
  if (!list(s.Action).some((a) => glob(a, r.action, true))) return false;
  // In a resource policy, Resource "*" means the resource the policy is attached to.
  if (s.Resource !== undefined && !list(s.Resource).some((p) => glob(p, r.resourceArn, false))) return false;
  return Object.entries(s.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => condition(operator, ctx[key], list(expected))),
  );
}

function principalMatches(p: PolicyStatement['Principal'], arn: string): boolean {
  if (p === undefined) return false;
  if (p === '*') return true;
  return list(p.AWS ?? []).some((a) => a === '*' || a === arn);
}

function condition(
  operator: string,
  actual: string | readonly string[] | undefined,
  expected: string[],
): boolean {
  const values = actual === undefined ? [] : list(actual);
  const any = (test: (v: string, e: string) => boolean): boolean =>
    values.some((v) => expected.some((e) => test(v, e)));
  switch (operator) {
    case 'StringEquals':
    case 'ArnEquals':
      return any((v, e) => v === e);
    case 'ArnLike':
    case 'StringLike':
      return any((v, e) => glob(e, v, false));
    case 'StringNotEquals':
    case 'ArnNotEquals':
      // A key the request lacks makes a negated operator true.
      return !any((v, e) => v === e);
    case 'ArnNotLike':
    case 'StringNotLike':
      return !any((v, e) => glob(e, v, false));
    case 'ForAnyValue:StringEquals':
      return any((v, e) => v === e);
    default:
      throw new Error(`iam-evaluation does not know the condition operator ${operator}`);
  }
}

function glob(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    caseInsensitive ? 'i' : '',
  );
  return re.test(value);
}

const list = (v: string | readonly string[]): string[] => (typeof v === 'string' ? [v] : [...v]);
