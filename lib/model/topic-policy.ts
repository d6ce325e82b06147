import type { PlatformContext } from './platform-context.js';
import { policy, type PolicyDocument, type PolicyStatement } from './policy-document.js';
import { administratorArns, deployerArns, distinct } from './principals.js';

/** Changing who receives a topic's messages, or the topic itself: administrators and deployers only. */
export const MANAGE_TOPIC_ACTIONS = [
  'sns:Subscribe',
  'sns:SetTopicAttributes',
  'sns:AddPermission',
  'sns:RemovePermission',
  'sns:DeleteTopic',
  'sns:TagResource',
  'sns:UntagResource',
  'sns:PutDataProtectionPolicy',
];

/**
 * A topic's policy: its one sender may publish (`allowSender`, which also names who it is in
 * the Deny), everyone else is denied publishing; subscribing and managing the topic are denied
 * to all but the administrators and the deployers. Explicit denies, as in the secrets' policies:
 * they bind every principal of the account whatever its IAM policies allow. Reading the topic's
 * attributes (drift) is left to IAM.
 */
export function topicPolicy(
  ctx: PlatformContext,
  topicArn: string,
  sender: { readonly allow: PolicyStatement; readonly denyOthers: PolicyStatement['Condition'] },
  /** Whether the deployers manage it too (the reminders topic); the alerts topic is the administrators' only. @default true */
  deployersManage = true,
): PolicyDocument {
  const managers = distinct([...administratorArns(ctx), ...(deployersManage ? deployerArns(ctx) : [])]);
  return policy(
    { ...sender.allow, Resource: topicArn },
    {
      Sid: 'OnlyTheSenderPublishes',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: sender.denyOthers!,
    },
    {
      Sid: deployersManage ? 'OnlyAdministratorsAndDeployersManage' : 'OnlyAdministratorsManage',
      Effect: 'Deny',
      Principal: '*',
      Action: MANAGE_TOPIC_ACTIONS,
      Resource: topicArn,
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': managers } },
    },
  );
}
