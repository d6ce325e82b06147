import type { PlatformContext } from './platform-context.js';
import { policy, type PolicyDocument } from './policy-document.js';
import { administratorArns, distinct } from './principals.js';

/**
 * A key secret's resource policy: denies reading the key to every principal but the publisher
 * and validator roles and the administrators. The publisher role's own policy narrows it
 * further to its session's customer.
 */
export function customerSecretPolicy(ctx: PlatformContext): PolicyDocument {
  const readers = distinct([
    ctx.names.publisherRoleArn,
    ctx.names.validatorRoleArn,
    ...administratorArns(ctx),
  ]);
  return policy({
    Sid: 'OnlyPublisherValidatorAndAdministratorsRead',
    Effect: 'Deny',
    Principal: '*',
    Action: 'secretsmanager:GetSecretValue',
    Resource: '*',
    Condition: { ArnNotEquals: { 'aws:PrincipalArn': readers } },
  });
}
