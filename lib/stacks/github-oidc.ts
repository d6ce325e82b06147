import type { Construct } from 'constructs';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import type { DesiredOidcProvider } from '../model/desired-resources.js';
import { GITHUB_OIDC_HOST } from '../model/github-oidc.js';

/**
 * The account's GitHub OIDC provider, when the platform owns it (`github.oidcProvider` is
 * "create"): the model's, as drift compares it. The GitHub roles themselves are roles of the
 * platform model (lib/model/github-oidc.ts) and the stack builds them with the others; this
 * orders them after the provider, because IAM refuses a trust policy whose federated principal
 * does not exist yet.
 */
export function addGithubOidcProvider(scope: Construct, p: DesiredOidcProvider | undefined): void {
  if (!p) return;
  const provider = new IamOpenidConnectProvider(scope, p.id, {
    url: p.url,
    clientIdList: [...p.clientIds],
    thumbprintList: [...p.thumbprints],
    tags: { ...p.tags },
  });
  const dependency = `${provider.terraformResourceType}.${provider.friendlyUniqueId}`;
  for (const child of scope.node.children)
    if (child instanceof IamRole && trusts(child, p.arn)) child.dependsOn = [dependency];
}

/** Whether the role's trust policy (plain JSON, no tokens) names the GitHub provider. */
function trusts(role: IamRole, providerArn: string): boolean {
  const policy = role.assumeRolePolicyInput ?? '';
  return providerArn.endsWith(GITHUB_OIDC_HOST) && policy.includes(`"Federated":"${providerArn}"`);
}
