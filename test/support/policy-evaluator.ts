import type { PolicyDocument, PolicyStatement } from '../../lib/model/policy-document.js';

/**
 * The project's one IAM policy evaluator, for tests, after AWS's documented evaluation logic for
 * a request within one account (moto enforces none of it):
 *
 * 1. An explicit Deny in any policy that applies (service control policies, identity policies,
 *    the resource policy, the KMS key policy) wins.
 * 2. Service control policies, when given, must allow the request (they grant nothing; they
 *    only bound what the account's users and roles may do). They never apply to a service
 *    principal.
 * 3. A KMS key is reached only through its key policy: an Allow in the key policy that names the
 *    caller (its ARN, `*` or its service) allows on its own; an Allow that names the account root
 *    delegates to IAM, so the identity policies must allow as well. Without either, the request
 *    is denied whatever IAM allows.
 * 4. Any other resource: an Allow in the identity policies, or an Allow in the resource policy
 *    that names the caller, allows; a resource-policy Allow that names the account root
 *    delegates to IAM as a key policy does.
 *
 * It knows the condition operators the stacks use (with ForAnyValue/ForAllValues and IfExists),
 * policy variables (`${aws:PrincipalTag/…}`), wildcards in actions and ARNs, and throws on any
 * other operator, so a policy that grows one cannot pass its tests by being misread. It is not
 * AWS: the stacks are also applied with real Terraform, whose providers send them through the
 * services' own grammar.
 */
export interface Request {
  /** The caller's role or user ARN; for a service (`service`), ignored: it has none. */
  readonly principalArn: string;
  /** A service principal (events.amazonaws.com) calling on its own, as resource policies name it. */
  readonly service?: string;
  readonly action: string;
  readonly resource: string;
  /** Condition keys and their values (aws:PrincipalArn is the caller's unless given). */
  readonly context?: Readonly<Record<string, string | readonly string[] | undefined>>;
}

export interface Policies {
  /** The caller's own policies (inline and managed); a service principal has none. */
  readonly identity?: readonly PolicyDocument[];
  /** The resource's policy: a secret's, a topic's, a role's trust policy. */
  readonly resource?: PolicyDocument;
  /** The key policy, for a request on a KMS key: without it no kms: request on a key is allowed. */
  readonly key?: PolicyDocument;
  /** The service control policies in effect for the caller's account, all levels together. */
  readonly scp?: readonly PolicyDocument[];
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

/** The service control policy AWS Organizations attaches by default: it bounds nothing. */
export const FULL_AWS_ACCESS: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

export function evaluate(request: Request, policies: Policies): Decision {
  const isService = request.service !== undefined;
  const onKey = /^kms:/i.test(request.action) && /:kms:[^:]*:[^:]*:key\//.test(request.resource);
  if (onKey && policies.resource !== undefined)
    throw new Error('policy-evaluator: a KMS key has a key policy (`key`), not a resource policy');
  const statements = (docs: readonly PolicyDocument[] | PolicyDocument | undefined): PolicyStatement[] =>
    [docs ?? []].flat().flatMap((d) => d.Statement);

  const scp = isService ? [] : statements(policies.scp).filter((s) => matches(s, request, false));
  const identity = isService ? [] : statements(policies.identity).filter((s) => matches(s, request, false));
  const onResource = statements(onKey ? policies.key : policies.resource).filter((s) =>
    matches(s, request, true),
  );
  if ([...scp, ...identity, ...onResource].some((s) => s.Effect === 'Deny')) return 'explicit-deny';
  if (policies.scp !== undefined && !isService && !scp.some((s) => s.Effect === 'Allow'))
    return 'implicit-deny';

  const identityAllows = identity.some((s) => s.Effect === 'Allow');
  const resourceAllows = onResource.filter((s) => s.Effect === 'Allow');
  const direct = resourceAllows.some((s) => namesCaller(s, request));
  const delegated = resourceAllows.some((s) => !namesCaller(s, request)) && identityAllows;
  if (onKey) return direct || delegated ? 'allow' : 'implicit-deny';
  return identityAllows || direct || delegated ? 'allow' : 'implicit-deny';
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

const accountOf = (arn: string): string | undefined => arn.split(':')[4];

function value(key: string, r: Request): string[] {
  if (r.context && key in r.context) return list(r.context[key]);
  if (key === 'aws:PrincipalArn') return r.service === undefined ? [r.principalArn] : [];
  if (key === 'aws:PrincipalAccount') return r.service === undefined ? list(accountOf(r.principalArn)) : [];
  return [];
}

function substitute(text: string, r: Request): string | undefined {
  let missing = false;
  const out = text.replace(/\$\{([^}]+)\}/g, (_, key: string) => {
    const v = value(key, r)[0];
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? undefined : out;
}

/** Whether a resource-policy statement names the caller itself, not its account's root. */
function namesCaller(s: PolicyStatement, r: Request): boolean {
  if (s.Principal === '*') return true;
  if (r.service !== undefined) return list(s.Principal?.Service).includes(r.service);
  return list(s.Principal?.AWS).some((p) => p === '*' || p === r.principalArn);
}

function principalMatches(s: PolicyStatement, r: Request): boolean {
  if (s.Principal === undefined || s.Principal === '*') return s.Principal === '*';
  if (namesCaller(s, r)) return true;
  if (r.service !== undefined) return false;
  return list(s.Principal.AWS).includes(`arn:aws:iam::${accountOf(r.principalArn)}:root`);
}

function matches(s: PolicyStatement, r: Request, resourcePolicy: boolean): boolean {
  if (resourcePolicy && !principalMatches(s, r)) return false;
  if (!resourcePolicy && s.Principal !== undefined)
    throw new Error(`policy-evaluator: statement ${s.Sid ?? ''} names a principal in an identity policy`);
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
    Object.entries(keys).every(([key, want]) => condition(op, key, list(want), r)),
  );
}

const OPERATORS = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnNotEquals',
  'ArnLike',
  'ArnNotLike',
  'Bool',
  'Null',
]);

function condition(op: string, key: string, wanted: string[], r: Request): boolean {
  const actual = value(key, r);
  const [set, rest] = op.includes(':') ? (op.split(':') as [string, string]) : [undefined, op];
  const ifExists = rest.endsWith('IfExists');
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  if (!OPERATORS.has(base) || (set !== undefined && set !== 'ForAnyValue' && set !== 'ForAllValues'))
    throw new Error(`policy-evaluator does not know the condition operator ${op}`);
  if (base === 'Null') return (actual.length === 0) === (wanted[0] === 'true');
  if (ifExists && actual.length === 0) return true;
  const values = wanted.map((w) => substitute(w, r));
  const negated = base.includes('Not');
  const like = base.includes('Like') || base.startsWith('Arn');
  const test = (a: string, w: string | undefined): boolean =>
    w !== undefined && (like ? glob(w, a) : a === w);
  const one = (a: string): boolean => values.some((w) => test(a, w));
  if (set === 'ForAllValues') return actual.every((a) => (negated ? !one(a) : one(a)));
  if (set === 'ForAnyValue') return actual.some((a) => (negated ? !one(a) : one(a)));
  // A negated operator on a key the request lacks matches; a positive one does not.
  if (actual.length === 0) return negated;
  return negated ? !actual.some(one) : actual.some(one);
}
