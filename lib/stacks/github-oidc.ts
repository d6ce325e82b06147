import { Construct } from 'constructs';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { githubOidc, type GithubRoleDesired } from '../model/github-oidc.js';
import type { PlatformNames } from '../model/platform-names.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import { policyJson } from './policy-json.js';

/** The platform stack's logical ID of the validator role. */
const VALIDATOR_ROLE_ID = 'validator_role';

export interface GithubOidcProps {
  readonly platform: PlatformConfig;
  readonly names: PlatformNames;
}

/**
 * GitHub Actions' roles (planner, deployer) and, when the platform owns it, the account's
 * GitHub OIDC provider. Nothing without a `github` block. Every attribute comes from the model
 * (lib/model/github-oidc.ts); the validator's GitHub trust is part of the validator role.
 */
export class GithubOidc extends Construct {
  constructor(scope: Construct, props: GithubOidcProps) {
    super(scope, 'github');
    const github = props.platform.github;
    if (!github) return;
    const desired = githubOidc(props.platform, props.names, github);
    const tags = { 'managed-by': 'asc-keys' };
    const provider =
      desired.provider &&
      new IamOpenidConnectProvider(this, desired.provider.id, {
        url: desired.provider.url,
        clientIdList: [...desired.provider.clientIds],
        thumbprintList: [...desired.provider.thumbprints],
        tags,
      });
    // Flat logical IDs, like the platform's other resources, whatever construct holds them.
    provider?.overrideLogicalId(desired.provider!.id);
    for (const role of [desired.planner, desired.deployer]) this.role(role, tags, provider);
    // The validator's trust names the provider too: IAM refuses a trust policy whose
    // federated principal does not exist yet.
    const validator = scope.node.tryFindChild(VALIDATOR_ROLE_ID);
    if (provider && validator instanceof IamRole)
      validator.dependsOn = [`${provider.terraformResourceType}.${provider.friendlyUniqueId}`];
  }

  private role(
    desired: GithubRoleDesired,
    tags: Record<string, string>,
    provider: IamOpenidConnectProvider | undefined,
  ): void {
    // The trust policy names the provider by its deterministic ARN; the dependency orders the
    // creation when this stack creates the provider.
    const role = new IamRole(this, `${desired.id}_role`, {
      name: desired.name,
      description: desired.description,
      assumeRolePolicy: policyJson(desired.trust),
      tags,
      ...(provider ? { dependsOn: [provider] } : {}),
    });
    role.overrideLogicalId(`${desired.id}_role`);
    const permissions = new IamRolePolicy(this, `${desired.id}_policy`, {
      name: `${desired.name}-permissions`,
      role: role.name,
      policy: policyJson(desired.permissions),
    });
    permissions.overrideLogicalId(`${desired.id}_policy`);
  }
}
