import type { PolicyDocument } from '../model/policy-document.js';

/**
 * Policy JSON for a Terraform argument. IAM variables such as ${aws:PrincipalTag/customer}
 * would be read by Terraform as interpolations, so "${" is escaped as "$${"; Terraform turns
 * it back into "${" before the policy reaches AWS. Policies hold no cdktf tokens: cdktf would
 * undo the escape in a string that holds one.
 */
export function policyJson(doc: PolicyDocument): string {
  // A replacer function, because in a replacement string "$$" means a single "$".
  return JSON.stringify(doc).replaceAll('${', () => '$${');
}
