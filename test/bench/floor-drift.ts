// The floor of the drift benchmark: a bare script that makes only the AWS calls no drift check
// can avoid (list the secrets, read every value in batches, each secret's policy and replicas,
// each schedule), with the same concurrency, and compares nothing. What check drift costs above
// it is ours. The sealing key's secret (`<prefix>/_sealing-key`) is no customer's: its value is
// never read.
import { GetScheduleCommand, paginateListSchedules, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  BatchGetSecretValueCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  paginateListSecrets,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import pLimit from 'p-limit';

const [namePrefix, scheduleGroup] = process.argv.slice(2);
if (!namePrefix || !scheduleGroup) throw new Error('usage: floor-drift <namePrefix> <scheduleGroup>');

const secrets = new SecretsManagerClient({});
const scheduler = new SchedulerClient({});
const limit = pLimit(16);

const arns: string[] = [];
for await (const page of paginateListSecrets(
  { client: secrets, pageSize: 100 },
  { Filters: [{ Key: 'name', Values: [namePrefix] }] },
))
  arns.push(
    ...(page.SecretList ?? []).filter((s) => !s.Name!.startsWith(`${namePrefix}_`)).map((s) => s.ARN!),
  );

const batches: string[][] = [];
for (let i = 0; i < arns.length; i += 20) batches.push(arns.slice(i, i + 20));
let values = 0;
await Promise.all(
  batches.map((ids) =>
    limit(async () => {
      const r = await secrets.send(new BatchGetSecretValueCommand({ SecretIdList: ids }));
      values += r.SecretValues?.length ?? 0;
    }),
  ),
);
await Promise.all(
  arns.map((arn) => limit(() => secrets.send(new GetResourcePolicyCommand({ SecretId: arn })))),
);
await Promise.all(arns.map((arn) => limit(() => secrets.send(new DescribeSecretCommand({ SecretId: arn })))));

const names: string[] = [];
for await (const page of paginateListSchedules(
  { client: scheduler, pageSize: 100 },
  { GroupName: scheduleGroup },
))
  names.push(...(page.Schedules ?? []).map((s) => s.Name!));
await Promise.all(
  names.map((Name) =>
    limit(() => scheduler.send(new GetScheduleCommand({ Name, GroupName: scheduleGroup }))),
  ),
);
process.stdout.write(`${JSON.stringify({ secrets: arns.length, values, schedules: names.length })}\n`);
