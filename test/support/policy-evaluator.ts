import type { PolicyDocument, PolicyStatement } from '../../lib/model/policy-document.js';

/**
 * A small IAM policy evaluator for tests, after AWS's documented logic within one account: an
 * explicit Deny in any policy wins; otherwise an Allow in the identity policies or the
 * resource policy allows; otherwise the request is implicitly denied. It knows the condition
 * operators the stacks use, policy variables (${aws:PrincipalTag/…} and friends), wildcards in
 * actions and ARNs, and principals by ARN or account root. It is not AWS: the stacks are also
 * applied with real Terraform, whose providers send them through the services' own grammar.
 */
export interface Request {
  /** The caller's role or user ARN; for a service (`service`), ignored: it has none. */
  readonly principalArn: string;
  /** A service principal (events.amazonaws.com) calling on its own, as resource policies name it. */
  readonly service?: string;
  readonly action: string;
  readonly resource: string;
  /** Condition keys and their values (aws:PrincipalTag/customer, secretsmanager:ResourceTag/…). */
  readonly context?: Readonly<Record<string, string | readonly string[] | undefined>>;
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export function evaluate(
  request: Request,
  policies: { identity?: readonly PolicyDocument[]; resource?: PolicyDocument },
): Decision {
  const identity = (policies.identity ?? []).flatMap((p) => p.Statement);
  const resource = policies.resource?.Statement ?? [];
  const matching = [
    ...identity.filter((s) => matches(s, request, false)),
    ...resource.filter((s) => matches(s, request, true)),
  ];
  if (matching.some((s) => s.Effect === 'Deny')) return 'explicit-deny';
  return matching.some((s) => s.Effect === 'Allow') ? 'allow' : 'implicit-deny';
}

const glob = (pattern: string, value: string, caseless = false): boolean => {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    caseless ? 'i' : '',
  );
  return re.test(value);
};

const list = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : [v].flat());

function substitute(value: string, r: Request): string | undefined {
  let missing = false;
  const out = value.replace(/\$\{([^}]+)\}/g, (_, key: string) => {
    const v = key === 'aws:PrincipalArn' ? r.principalArn : list(r.context?.[key])[0];
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? undefined : out;
}

function principalMatches(s: PolicyStatement, r: Request): boolean {
  if (s.Principal === undefined) return false;
  if (s.Principal === '*') return true;
  if (r.service !== undefined) return list(s.Principal.Service).includes(r.service);
  const account = r.principalArn.split(':')[4];
  return list(s.Principal.AWS).some(
    (p) => p === '*' || p === r.principalArn || p === `arn:aws:iam::${account}:root`,
  );
}

function matches(s: PolicyStatement, r: Request, resourcePolicy: boolean): boolean {
  if (resourcePolicy && !principalMatches(s, r)) return false;
  if (!list(s.Action).some((a) => glob(a, r.action, true))) return false;
  // A resource policy's "*" is the resource it is attached to.
  if (
    s.Resource !== undefined &&
    !list(s.Resource).some((p) => {
      const pattern = substitute(p, r);
      return pattern !== undefined && glob(pattern, r.resource);
    })
  )
    return false;
  return Object.entries(s.Condition ?? {}).every(([op, keys]) =>
    Object.entries(keys).every(([key, want]) => condition(op, key, list(want as string | string[]), r)),
  );
}

function condition(op: string, key: string, wanted: string[], r: Request): boolean {
  const actual =
    key === 'aws:PrincipalArn' ? (r.service === undefined ? [r.principalArn] : []) : list(r.context?.[key]);
  const values = wanted.map((w) => substitute(w, r));
  const [set, base] = op.includes(':') ? (op.split(':') as [string, string]) : [undefined, op];
  if (base === 'Null') return (actual.length === 0) === (wanted[0] === 'true');
  const negated = /Not/.test(base);
  const test = (a: string, w: string | undefined): boolean => {
    if (w === undefined) return false;
    if (base.startsWith('StringLike') || base.startsWith('StringNotLike') || base.startsWith('Arn'))
      return glob(w, a);
    if (base === 'Bool') return a === w;
    return a === w;
  };
  const one = (a: string): boolean => values.some((w) => test(a, w));
  if (set === 'ForAllValues') return actual.every(one);
  if (set === 'ForAnyValue') return actual.some(one);
  // A condition on a key that is absent matches nothing, negated or not (no …IfExists here).
  if (actual.length === 0) return negated ? true : false;
  return negated ? !actual.some(one) : actual.some(one);
}
