import type { PlatformContext } from './platform-context.js';
import { policy, type PolicyDocument, type PolicyStatement } from './policy-document.js';
import { administratorArns, deployerArns, distinct, importerArns } from './principals.js';
import { PREVIOUS_STAGE, requesterArns } from './requester-role.js';

/** What only the deployer (Terraform) and the administrators may do to a key secret. */
export const MANAGE_SECRET_ACTIONS = [
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
  'secretsmanager:TagResource',
  'secretsmanager:UntagResource',
  'secretsmanager:UpdateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:RestoreSecret',
  'secretsmanager:ReplicateSecretToRegions',
  'secretsmanager:RemoveRegionsFromReplication',
  'secretsmanager:StopReplicationToReplica',
  'secretsmanager:RotateSecret',
  'secretsmanager:CancelRotateSecret',
];

/** Swapping or rolling back the key: the importer (asc-keys import) too. */
export const WRITE_VALUE_ACTIONS = [
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];

/**
 * A key secret's resource policy. Deny statements only: they bind every principal of the
 * account, whatever its IAM policies allow (an explicit deny wins).
 * - reading the key: all but the publisher, the validator and the administrators (the
 *   publisher's own policy narrows it to its session's customer), and the requester, which
 *   reads the version a rotation replaced (AWSPREVIOUS) and no other;
 * - the policy, tags, description, KMS key, replication, rotation and deletion: all but the
 *   deployer and the administrators, so that Terraform never locks itself out;
 * - a new value: all but the importer and the administrators;
 * - moving version stages: those and the deployer (promotion of a staged import);
 * - deleting without a recovery window: everyone.
 */
export function customerSecretPolicy(ctx: PlatformContext): PolicyDocument {
  const admins = administratorArns(ctx);
  const requester = requesterArns(ctx);
  const readers = distinct([ctx.names.publisherRoleArn, ctx.names.validatorRoleArn, ...requester, ...admins]);
  const managers = distinct([...deployerArns(ctx), ...admins]);
  const writers = distinct([...importerArns(ctx), ...admins]);
  // Promotion of a staged import moves AWSCURRENT; the deployer never writes a value.
  const stageMovers = distinct([...importerArns(ctx), ...deployerArns(ctx), ...admins]);
  return policy(
    {
      Sid: 'OnlyPublisherValidatorAndAdministratorsRead',
      Effect: 'Deny',
      Principal: '*',
      Action: 'secretsmanager:GetSecretValue',
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': readers } },
    },
    // The nightly's key requests prove a replaced key revoked: that version, never the key in use.
    ...requester.map((arn): PolicyStatement => ({
      Sid: 'TheRequesterReadsReplacedKeysOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 'secretsmanager:GetSecretValue',
      Resource: '*',
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': arn },
        StringNotEquals: { 'secretsmanager:VersionStage': PREVIOUS_STAGE },
      },
    })),
    {
      Sid: 'OnlyDeployerAndAdministratorsManage',
      Effect: 'Deny',
      Principal: '*',
      Action: MANAGE_SECRET_ACTIONS,
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': managers } },
    },
    {
      Sid: 'OnlyImporterAndAdministratorsWriteValues',
      Effect: 'Deny',
      Principal: '*',
      Action: 'secretsmanager:PutSecretValue',
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': writers } },
    },
    {
      Sid: 'OnlyImporterDeployerAndAdministratorsMoveStages',
      Effect: 'Deny',
      Principal: '*',
      Action: 'secretsmanager:UpdateSecretVersionStage',
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': stageMovers } },
    },
    {
      Sid: 'NobodyDeletesWithoutRecovery',
      Effect: 'Deny',
      Principal: '*',
      Action: 'secretsmanager:DeleteSecret',
      Resource: '*',
      Condition: { Bool: { 'secretsmanager:ForceDeleteWithoutRecovery': 'true' } },
    },
  );
}
