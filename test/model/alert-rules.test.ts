import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CLOUDTRAIL_DETAIL_TYPE } from '../../lib/model/alert-rules.js';
import { platformDesiredState } from '../../lib/model/platform-desired.js';
import type { PlatformConfig } from '../../lib/records/platform-schema.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { PLATFORM } from '../support/records.js';

/**
 * The alert rules' event patterns, matched by a real implementation against CloudTrail events
 * of the documented shape: moto's EventBridge (its TestEventPattern is not implemented, so each
 * rule is put on a bus of its own with an SQS queue as target, and an event that the rule
 * matches lands in the queue). The rules are the model's, verbatim.
 */
const ACCOUNT = PLATFORM.accountId;
const role = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const user = (name: string): string => `arn:aws:iam::${ACCOUNT}:user/${name}`;
const platform: PlatformConfig = {
  ...PLATFORM,
  deployers: [role('terraform-deployer'), user('terraform-ci')],
  importerTrustedPrincipals: [role('onboarding')],
  github: {
    repository: 'acme/asc-keys',
    oidcProvider: 'create',
    defaultBranch: 'main',
    deployEnvironment: 'asc-keys',
  },
};
const rules = platformDesiredState(platform).alertRules;
const BUS = 'alert-pattern-test';

type Identity = Record<string, unknown>;

/** A role's session, as CloudTrail records it: the session ARN, and the role as session issuer. */
const assumedRole = (name: string): Identity => ({
  type: 'AssumedRole',
  principalId: `AROAEXAMPLEID:${name}-session`,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${name}-session`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAEXAMPLEKEYID',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEID',
      arn: role(name),
      accountId: ACCOUNT,
      userName: name,
    },
    attributes: { creationDate: '2026-11-28T09:00:00Z', mfaAuthenticated: 'false' },
  },
});
/** A session through GitHub's OIDC provider: CloudTrail names the provider in webIdFederationData. */
const githubSession = (name: string): Identity => {
  const session = assumedRole(name);
  const context = session.sessionContext as Record<string, unknown>;
  return {
    ...session,
    type: 'AssumedRole',
    sessionContext: {
      ...context,
      webIdFederationData: {
        federatedProvider: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
        attributes: {},
      },
    },
  };
};
const iamUser = (name: string): Identity => ({
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEID',
  arn: user(name),
  accountId: ACCOUNT,
  accessKeyId: 'AKIAEXAMPLEKEYID',
  userName: name,
});
const root: Identity = {
  type: 'Root',
  principalId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  accountId: ACCOUNT,
};

/** The detail of an "AWS API Call via CloudTrail" event (CloudTrail's record of the call). */
function apiCall(
  service: 'secretsmanager' | 'kms' | 'iam' | 'events' | 'sns' | 'cloudtrail',
  eventName: string,
  userIdentity: Identity,
  requestParameters: Record<string, unknown>,
): { source: string; detail: Record<string, unknown> } {
  return {
    source: `aws.${service}`,
    detail: {
      eventVersion: '1.09',
      userIdentity,
      eventTime: '2026-11-28T10:00:00Z',
      eventSource: `${service}.amazonaws.com`,
      eventName,
      awsRegion: platform.region,
      sourceIPAddress: '203.0.113.7',
      userAgent: 'aws-cli/2.17.0',
      requestParameters,
      responseElements: null,
      requestID: '5d0d7e2a-7c2b-4a4e-9d45-1f1e1b1c1d1e',
      eventID: '0f0e0d0c-0b0a-4909-8807-060504030201',
      readOnly: eventName === 'GetSecretValue',
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
    },
  };
}

const secretArn = (name: string): string =>
  `arn:aws:secretsmanager:${platform.region}:${ACCOUNT}:secret:${name}-AbC123`;
const read = (who: Identity, secretId = 'asc-keys/acme-corp') =>
  apiCall('secretsmanager', 'GetSecretValue', who, { secretId });
const onSecret = (eventName: string, who: Identity, extra: Record<string, unknown> = {}) =>
  apiCall('secretsmanager', eventName, who, { secretId: secretArn('asc-keys/acme-corp'), ...extra });

/** Each sample event and the rules (by name suffix) that must alert on it: [] is no alert. */
const CASES: readonly { what: string; event: ReturnType<typeof apiCall>; alerts: string[] }[] = [
  { what: 'a read by the publisher', event: read(assumedRole('asc-keys-publisher')), alerts: [] },
  {
    what: 'a read by the validator through GitHub (the nightly workflow), by ARN',
    event: read(githubSession('asc-keys-validator'), secretArn('asc-keys/acme-corp')),
    alerts: [],
  },
  {
    what: 'a read by the validator assumed any other way',
    event: read(assumedRole('asc-keys-validator')),
    alerts: ['key-reads'],
  },
  {
    what: 'a read by another role through GitHub',
    event: read(githubSession('asc-keys-deployer')),
    alerts: ['key-reads'],
  },
  { what: 'a read by another role', event: read(assumedRole('Developer')), alerts: ['key-reads'] },
  {
    what: 'a read by another role, by ARN',
    event: read(assumedRole('Developer'), secretArn('asc-keys/globex')),
    alerts: ['key-reads'],
  },
  { what: 'a read by an IAM user', event: read(iamUser('alice')), alerts: ['key-reads'] },
  { what: 'a read by a deployer user', event: read(iamUser('terraform-ci')), alerts: ['key-reads'] },
  { what: 'a read by the account root', event: read(root), alerts: ['key-reads'] },
  {
    what: "an administrator's break-glass read",
    event: read(assumedRole('PlatformAdministrator')),
    alerts: ['key-reads'],
  },
  {
    what: 'a read of a secret outside the prefix',
    event: read(assumedRole('Developer'), 'other/db'),
    alerts: [],
  },
  {
    what: 'the importer reads the sealing key',
    event: read(assumedRole('asc-keys-importer'), 'asc-keys/_sealing-key'),
    alerts: ['key-reads', 'sealing-key-reads'],
  },
  {
    what: 'the nightly validator tries the sealing key',
    event: read(githubSession('asc-keys-validator'), secretArn('asc-keys/_sealing-key')),
    alerts: ['sealing-key-reads'],
  },
  {
    what: 'another role reads the sealing key',
    event: read(assumedRole('Developer'), 'asc-keys/_sealing-key'),
    alerts: ['key-reads', 'sealing-key-reads'],
  },
  {
    what: 'CreateSecret under the prefix by another role (a pre-made secret)',
    event: apiCall('secretsmanager', 'CreateSecret', assumedRole('Developer'), { name: 'asc-keys/newco' }),
    alerts: ['secret-creations'],
  },
  {
    what: 'CreateSecret under the prefix by the deployer',
    event: apiCall('secretsmanager', 'CreateSecret', assumedRole('asc-keys-deployer'), {
      name: 'asc-keys/newco',
    }),
    alerts: ['secret-creations'],
  },
  {
    what: 'CreateSecret by the importer',
    event: apiCall('secretsmanager', 'CreateSecret', assumedRole('asc-keys-importer'), {
      name: 'asc-keys/newco',
    }),
    alerts: [],
  },
  {
    what: 'CreateSecret outside the prefix',
    event: apiCall('secretsmanager', 'CreateSecret', assumedRole('Developer'), { name: 'other/db' }),
    alerts: [],
  },
  {
    what: 'DeleteResourcePolicy by another role',
    event: onSecret('DeleteResourcePolicy', assumedRole('Developer')),
    alerts: ['secret-changes'],
  },
  {
    what: 'DeleteResourcePolicy by an administrator',
    event: onSecret('DeleteResourcePolicy', assumedRole('PlatformAdministrator')),
    alerts: ['secret-changes'],
  },
  {
    what: 'DeleteResourcePolicy by an IAM user',
    event: onSecret('DeleteResourcePolicy', iamUser('alice')),
    alerts: ['secret-changes'],
  },
  {
    what: 'PutResourcePolicy by the deployer role',
    event: onSecret('PutResourcePolicy', assumedRole('terraform-deployer')),
    alerts: [],
  },
  {
    what: 'TagResource by the deployer user',
    event: onSecret('TagResource', iamUser('terraform-ci')),
    alerts: [],
  },
  {
    what: 'TagResource by the importer (a re-tag)',
    event: onSecret('TagResource', assumedRole('asc-keys-importer')),
    alerts: ['secret-changes'],
  },
  {
    what: 'DeleteSecret without recovery by another role',
    event: onSecret('DeleteSecret', assumedRole('Developer'), { forceDeleteWithoutRecovery: true }),
    alerts: ['secret-changes'],
  },
  {
    what: 'PutSecretValue by the importer',
    event: onSecret('PutSecretValue', assumedRole('asc-keys-importer')),
    alerts: [],
  },
  {
    what: 'PutSecretValue by another role',
    event: onSecret('PutSecretValue', assumedRole('Developer')),
    alerts: ['value-writes'],
  },
  {
    what: 'UpdateSecretVersionStage by an IAM user',
    event: onSecret('UpdateSecretVersionStage', iamUser('alice')),
    alerts: ['value-writes'],
  },
  {
    what: 'PutSecretValue by a deployer',
    event: onSecret('PutSecretValue', assumedRole('terraform-deployer')),
    alerts: ['value-writes'],
  },
  {
    what: "UpdateSecretVersionStage by a deployer (a staged import's promotion)",
    event: onSecret('UpdateSecretVersionStage', assumedRole('asc-keys-deployer')),
    alerts: [],
  },
  {
    what: 'KMS DeleteAlias of the secrets key by another role',
    event: apiCall('kms', 'DeleteAlias', assumedRole('Developer'), { aliasName: 'alias/asc-keys' }),
    alerts: ['kms-changes'],
  },
  {
    what: 'KMS UpdateAlias of the topics key by an IAM user',
    event: apiCall('kms', 'UpdateAlias', iamUser('alice'), {
      aliasName: 'alias/asc-keys-sns',
      targetKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
    }),
    alerts: ['kms-changes'],
  },
  {
    what: 'KMS DeleteAlias of an alias of someone else',
    event: apiCall('kms', 'DeleteAlias', assumedRole('Developer'), { aliasName: 'alias/other' }),
    alerts: [],
  },
  {
    what: 'KMS ScheduleKeyDeletion by an administrator',
    event: apiCall('kms', 'ScheduleKeyDeletion', assumedRole('PlatformAdministrator'), {
      keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
      pendingWindowInDays: 7,
    }),
    alerts: ['kms-changes'],
  },
  {
    what: 'KMS PutKeyPolicy by the deployer (no exception)',
    event: apiCall('kms', 'PutKeyPolicy', assumedRole('terraform-deployer'), {
      keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
      policyName: 'default',
    }),
    alerts: ['kms-changes'],
  },
  {
    what: "IAM UpdateAssumeRolePolicy of the validator (the deployer's pivot)",
    event: apiCall('iam', 'UpdateAssumeRolePolicy', assumedRole('asc-keys-deployer'), {
      roleName: 'asc-keys-validator',
      policyDocument: '{}',
    }),
    alerts: ['iam-changes', 'iam-forward'],
  },
  {
    what: 'IAM CreateRole of a role of the prefix (delete and re-create)',
    event: apiCall('iam', 'CreateRole', iamUser('alice'), { roleName: 'asc-keys-publisher' }),
    alerts: ['iam-changes', 'iam-forward'],
  },
  {
    what: 'IAM PutRolePolicy on a role outside the prefix',
    event: apiCall('iam', 'PutRolePolicy', iamUser('alice'), { roleName: 'Developer', policyName: 'x' }),
    alerts: [],
  },
  {
    what: 'IAM UpdateOpenIDConnectProviderThumbprint',
    event: apiCall('iam', 'UpdateOpenIDConnectProviderThumbprint', iamUser('alice'), {
      openIDConnectProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
    }),
    alerts: ['iam-changes', 'iam-forward'],
  },
  {
    what: 'EventBridge DisableRule of an alert rule',
    event: apiCall('events', 'DisableRule', assumedRole('Developer'), { name: 'asc-keys-alert-key-reads' }),
    alerts: ['alert-changes'],
  },
  {
    what: 'EventBridge RemoveTargets of an alert rule (before deleting it, as EventBridge requires)',
    event: apiCall('events', 'RemoveTargets', assumedRole('Developer'), {
      rule: 'asc-keys-alert-alert-changes',
      ids: ['alerts-topic'],
    }),
    alerts: ['alert-changes'],
  },
  {
    what: 'EventBridge PutRule of another rule',
    event: apiCall('events', 'PutRule', assumedRole('Developer'), { name: 'nightly-backup' }),
    alerts: [],
  },
  {
    what: "SNS SetSubscriptionAttributes (a FilterPolicy) on the alerts topic's subscription",
    event: apiCall('sns', 'SetSubscriptionAttributes', assumedRole('Developer'), {
      subscriptionArn: `arn:aws:sns:${platform.region}:${ACCOUNT}:asc-keys-security-alerts:0f0e0d0c-0b0a`,
      attributeName: 'FilterPolicy',
      attributeValue: '{"nothing":["ever"]}',
    }),
    alerts: ['alerts-topic-changes'],
  },
  {
    what: 'SNS Subscribe to the alerts topic',
    event: apiCall('sns', 'Subscribe', assumedRole('Developer'), {
      topicArn: `arn:aws:sns:${platform.region}:${ACCOUNT}:asc-keys-security-alerts`,
      protocol: 'email',
      endpoint: 'eve@example.com',
    }),
    alerts: ['alerts-topic-changes'],
  },
  {
    what: 'SNS Subscribe to the reminders topic',
    event: apiCall('sns', 'Subscribe', assumedRole('asc-keys-deployer'), {
      topicArn: `arn:aws:sns:${platform.region}:${ACCOUNT}:asc-keys-rotation-reminders`,
    }),
    alerts: [],
  },
  {
    what: 'CloudTrail StopLogging',
    event: apiCall('cloudtrail', 'StopLogging', iamUser('alice'), { name: 'management' }),
    alerts: ['cloudtrail-changes'],
  },
];

let moto: MotoServer;
let events: EventBridgeClient;
let sqs: SQSClient;
const queues = new Map<string, string>();

/** The rules (by name suffix) whose queue received the event. */
async function alertsFor(event: ReturnType<typeof apiCall>): Promise<string[]> {
  const put = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: BUS,
          Source: event.source,
          DetailType: CLOUDTRAIL_DETAIL_TYPE,
          Detail: JSON.stringify(event.detail),
        },
      ],
    }),
  );
  expect(put.FailedEntryCount ?? 0).toBe(0);
  const alerted: string[] = [];
  for (const [name, url] of queues) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    if (!got.Messages?.length) continue;
    alerted.push(name.replace(`${platform.namePrefix}-alert-`, ''));
    // Deleted, not left to reappear after the visibility timeout as another case's alert.
    for (const m of got.Messages)
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
  }
  return alerted;
}

describe('the alert rules against sample CloudTrail events (matched by moto)', () => {
  beforeAll(async () => {
    moto = await startMoto({ accountId: ACCOUNT });
    const config = {
      endpoint: moto.url,
      region: platform.region,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    };
    events = new EventBridgeClient(config);
    sqs = new SQSClient(config);
    await events.send(new CreateEventBusCommand({ Name: BUS }));
    for (const r of rules) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: r.name }));
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      queues.set(r.name, QueueUrl!);
      await events.send(
        new PutRuleCommand({
          Name: r.name,
          EventBusName: BUS,
          State: r.state,
          EventPattern: JSON.stringify(r.eventPattern),
        }),
      );
      await events.send(
        new PutTargetsCommand({
          Rule: r.name,
          EventBusName: BUS,
          Targets: [{ Id: r.target.targetId, Arn: Attributes!.QueueArn }],
        }),
      );
    }
  }, 60_000);
  afterAll(() => moto?.stop());

  test.each(CASES)('$what: alerts $alerts', async ({ event, alerts }) => {
    expect(await alertsFor(event)).toEqual(alerts);
  });

  test('rules that match reads see read-only management events; the others write events', () => {
    expect(Object.fromEntries(rules.map((r) => [r.name, r.state]))).toEqual({
      'asc-keys-alert-key-reads': 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      'asc-keys-alert-sealing-key-reads': 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      'asc-keys-alert-secret-creations': 'ENABLED',
      'asc-keys-alert-secret-changes': 'ENABLED',
      'asc-keys-alert-value-writes': 'ENABLED',
      'asc-keys-alert-kms-changes': 'ENABLED',
      'asc-keys-alert-iam-changes': 'ENABLED',
      'asc-keys-alert-iam-forward': 'ENABLED',
      'asc-keys-alert-alert-changes': 'ENABLED',
      'asc-keys-alert-alerts-topic-changes': 'ENABLED',
      'asc-keys-alert-cloudtrail-changes': 'ENABLED',
    });
  });

  test('every home-region rule sends the whole event to the alerts topic; the us-east-1 IAM rule forwards to the home bus', () => {
    const alerts = platformDesiredState(platform).topics.find((t) => t.id === 'alerts')!;
    for (const r of rules.filter((x) => x.region === undefined))
      expect(r.target).toMatchObject({ topicId: alerts.id, arn: alerts.arn });
    const forward = rules.find((r) => r.region !== undefined)!;
    expect(forward).toMatchObject({
      region: 'us-east-1',
      arn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/asc-keys-alert-iam-forward`,
      target: { arn: `arn:aws:events:${platform.region}:${ACCOUNT}:event-bus/default` },
    });
    expect(forward.eventPattern).toEqual(rules.find((r) => r.name.endsWith('iam-changes'))!.eventPattern);
  });

  test('a platform in us-east-1 needs no forwarder: its IAM rule delivers to the topic itself', () => {
    const east = platformDesiredState({ ...platform, region: 'us-east-1' });
    expect(east.alertRules.filter((r) => r.region !== undefined)).toEqual([]);
    expect(east.roles.map((r) => r.name)).not.toContain('asc-keys-alert-forwarder');
  });

  test('without a github block, no validator read is excepted', () => {
    const plain = platformDesiredState({ ...platform, github: undefined });
    const keyReads = JSON.stringify(
      plain.alertRules.find((r) => r.name.endsWith('-key-reads'))!.eventPattern,
    );
    expect(keyReads).not.toContain('webIdFederationData');
    expect(keyReads).not.toContain('asc-keys-validator');
  });
});
