import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadProject } from '../../lib/records/load-project.js';
import { platformSchema } from '../../lib/records/platform-schema.js';
import { AWS_PROVIDER_VERSIONS } from '../../lib/stacks/aws-stack.js';
import { synthesize } from '../../lib/stacks/synthesize.js';
import { EXAMPLE_CONFIG, REPO } from '../support/project.js';
import {
  awsProviderSchema,
  prepareTerraform,
  TEST_PROVIDER_VERSION,
  type AwsProviderSchema,
  type SchemaBlock,
} from '../support/terraform.js';

/**
 * Users get the AWS provider 6.x; the tests apply with 5.100.0, the one version this machine's
 * mirror has. So every stack must be one that 5.100.0 understands: each argument it sets,
 * nested blocks included, is checked against that provider's own schema.
 */
const META = new Set([
  '//',
  'count',
  'for_each',
  'provider',
  'depends_on',
  'lifecycle',
  'provisioner',
  'connection',
]);

/** Every argument of `body` that `block` does not accept: unknown, or computed only. */
function unknownArguments(where: string, body: unknown, block: SchemaBlock): string[] {
  if (Array.isArray(body)) return body.flatMap((b, i) => unknownArguments(`${where}[${i}]`, b, block));
  if (body === null || typeof body !== 'object') return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (META.has(key)) continue;
    const attribute = block.attributes?.[key];
    const nested = block.block_types?.[key];
    if (attribute) {
      if (!attribute.optional && !attribute.required) out.push(`${where}.${key} (read-only)`);
    } else if (nested) out.push(...unknownArguments(`${where}.${key}`, value, nested.block));
    else out.push(`${where}.${key}`);
  }
  return out;
}

/** What a synthesized stack sets that the provider does not know, as stack:type.name.argument. */
function problemsOf(stack: string, json: Record<string, unknown>, schema: AwsProviderSchema): string[] {
  const out: string[] = [];
  const kinds = [
    ['resource', schema.resources],
    ['data', schema.data],
  ] as const;
  for (const [kind, known] of kinds)
    for (const [type, instances] of Object.entries(
      (json[kind] ?? {}) as Record<string, Record<string, unknown>>,
    ))
      for (const [name, body] of Object.entries(instances)) {
        const block = known[type];
        if (!block) out.push(`${stack}: ${kind === 'data' ? 'data.' : ''}${type} is not in the provider`);
        else
          out.push(
            ...unknownArguments(`${stack}: ${kind === 'data' ? 'data.' : ''}${type}.${name}`, body, block),
          );
      }
  for (const config of ((json.provider as { aws?: unknown[] } | undefined)?.aws ?? []) as Record<
    string,
    unknown
  >[]) {
    // `alias` is Terraform's own meta-argument of a provider block, not the provider's.
    const settings = Object.fromEntries(Object.entries(config).filter(([k]) => k !== 'alias'));
    out.push(...unknownArguments(`${stack}: provider.aws`, settings, schema.provider));
  }
  return out;
}

let schema: AwsProviderSchema;
let stacks: Map<string, Record<string, unknown>>;

/** The stacks of the bundled records, with every platform option that adds resources: GitHub's roles and provider. */
function synthesizedStacks(): Map<string, Record<string, unknown>> {
  const out = join(mkdtempSync(join(tmpdir(), 'asc-keys-schema-')), 'cdktf.out');
  const { records } = loadProject({
    customersDir: join(REPO, 'customers'),
    configFile: join(REPO, 'cdktf.json'),
  });
  const platform = platformSchema.parse({
    ...EXAMPLE_CONFIG.context.platform,
    github: { repository: 'acme/asc-keys', oidcProvider: 'create' },
  });
  const names = synthesize({ records, platform, outdir: out, now: new Date() });
  return new Map(
    names.map((n) => [
      n,
      JSON.parse(readFileSync(join(out, 'stacks', n, 'cdk.tf.json'), 'utf8')) as Record<string, unknown>,
    ]),
  );
}

describe(`the stacks use only what the AWS provider ${TEST_PROVIDER_VERSION} knows`, () => {
  beforeAll(async () => {
    // No AWS is asked: the schema comes from the provider binary in the mirror.
    const work = mkdtempSync(join(tmpdir(), 'asc-keys-schema-tf-'));
    const tf = await prepareTerraform(work, 'http://127.0.0.1:9');
    schema = await awsProviderSchema(tf, join(work, 'schema'));
    stacks = synthesizedStacks();
  });

  test('every resource, data source and provider argument of every stack is in its schema', () => {
    expect([...stacks.keys()].sort()).toEqual(
      expect.arrayContaining(
        [
          'platform',
          ...readdirSync(join(REPO, 'customers'))
            .filter((f) => f.endsWith('.yaml'))
            .map((f) => `customer-${f.slice(0, -5)}`),
        ].sort(),
      ),
    );
    const problems = [...stacks].flatMap(([name, json]) => problemsOf(name, json, schema));
    expect(problems).toEqual([]);
  });

  test('the check finds an argument, a nested argument and a resource type the provider does not know', () => {
    const [name, json] = [...stacks].find(([n]) => n.startsWith('customer-'))!;
    const resource = json.resource as Record<string, Record<string, Record<string, unknown>>>;
    const [type, instances] = Object.entries(resource)[0]!;
    const [id, body] = Object.entries(instances)[0]!;
    const broken = {
      ...json,
      resource: {
        ...resource,
        [type]: { ...instances, [id]: { ...body, only_in_six: true } },
        aws_not_a_type: { x: {} },
      },
    };
    expect(problemsOf(name, broken, schema)).toEqual([
      `${name}: ${type}.${id}.only_in_six`,
      `${name}: aws_not_a_type is not in the provider`,
    ]);
    expect(
      unknownArguments(
        'x',
        { name: 'n', replica: [{ region: 'eu-west-1', no_such: 1 }] },
        schema.resources.aws_secretsmanager_secret!,
      ),
    ).toEqual(['x.replica[0].no_such']);
  });

  test("the stacks' provider constraint admits the mirror's version and the 6.x the bindings were made for", () => {
    for (const json of stacks.values())
      expect(
        (json.terraform as { required_providers: { aws: { version: string } } }).required_providers.aws
          .version,
      ).toBe(AWS_PROVIDER_VERSIONS);
    expect(AWS_PROVIDER_VERSIONS).toBe('>= 5.100.0, < 7.0.0');
  });
});
