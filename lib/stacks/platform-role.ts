import type { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type { DesiredRole } from '../model/desired-resources.js';
import { policyJson } from './policy-json.js';

/** A role and its inline policies, as the model describes them. */
export function platformRole(scope: Construct, r: DesiredRole): IamRole {
  const role = new IamRole(scope, r.id, {
    name: r.name,
    description: r.description,
    assumeRolePolicy: policyJson(r.trust),
    maxSessionDuration: r.maxSessionDuration,
    tags: { ...r.tags },
  });
  for (const p of r.inlinePolicies)
    new IamRolePolicy(scope, p.id, { name: p.name, role: role.name, policy: policyJson(p.document) });
  return role;
}
