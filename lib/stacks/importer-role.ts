import type { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type { ImporterRoleModel } from '../model/importer-role.js';
import { MANAGED_BY } from '../model/customer-desired.js';
import { policyJson } from './policy-json.js';

/** The importer role of the model in `scope` (the platform stack); nothing when the model has none. */
export function addImporterRole(scope: Construct, model: ImporterRoleModel | undefined): void {
  if (!model) return;
  const role = new IamRole(scope, 'importer_role', {
    name: model.name,
    description: model.description,
    assumeRolePolicy: policyJson(model.trust),
    tags: { 'managed-by': MANAGED_BY },
  });
  new IamRolePolicy(scope, 'importer_policy', {
    name: `${model.name}-permissions`,
    role: role.name,
    policy: policyJson(model.permissions),
  });
}
