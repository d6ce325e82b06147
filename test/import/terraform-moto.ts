import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The AWS provider that is in the machine's filesystem mirror (no test reaches the registry). */
export const MIRRORED_AWS_PROVIDER = '5.100.0';
const MIRROR = '/opt/tf-plugins';

/**
 * Real Terraform on a synthesized stack directory, against moto: a CLI configuration that
 * installs the AWS provider from the mirror, and an override file that points the provider at
 * moto (moto's account is not the platform's, so allowed_account_ids is lifted).
 */
export class TerraformOnMoto {
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly dir: string,
    motoUrl: string,
  ) {
    const rc = join(dir, 'terraformrc');
    writeFileSync(
      rc,
      `provider_installation {\n  filesystem_mirror {\n    path = "${MIRROR}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct { exclude = ["registry.terraform.io/hashicorp/aws"] }\n}\n`,
    );
    const endpoints = Object.fromEntries(
      ['secretsmanager', 'scheduler', 'kms', 'sts', 'iam'].map((s) => [s, motoUrl]),
    );
    writeFileSync(
      join(dir, 'zz_moto_override.tf.json'),
      JSON.stringify({
        terraform: {
          required_providers: { aws: { source: 'hashicorp/aws', version: MIRRORED_AWS_PROVIDER } },
        },
        provider: {
          aws: [
            {
              region: 'eu-central-1',
              access_key: 'testing',
              secret_key: 'testing',
              skip_credentials_validation: true,
              skip_requesting_account_id: true,
              skip_metadata_api_check: true,
              allowed_account_ids: null,
              endpoints: [endpoints],
            },
          ],
        },
      }),
    );
    this.env = {
      ...process.env,
      TF_CLI_CONFIG_FILE: rc,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  async tf(...args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run('terraform', [...args, '-no-color'], {
      cwd: this.dir,
      env: this.env,
      maxBuffer: 16 * 1024 * 1024,
    });
  }

  /** `terraform plan` as JSON: the planned change of each resource. */
  async plan(): Promise<{ address: string; actions: string[]; importing: boolean }[]> {
    await this.tf('plan', '-input=false', '-out=plan.bin');
    const { stdout } = await run('terraform', ['show', '-json', 'plan.bin'], {
      cwd: this.dir,
      env: this.env,
      maxBuffer: 16 * 1024 * 1024,
    });
    const plan = JSON.parse(stdout) as {
      resource_changes?: { address: string; change: { actions: string[]; importing?: unknown } }[];
    };
    return (plan.resource_changes ?? []).map((c) => ({
      address: c.address,
      actions: c.change.actions,
      importing: c.change.importing !== undefined,
    }));
  }
}
