import { S3Backend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import type { PlatformConfig } from '../records/platform-schema.js';

/** The AWS provider versions the stacks accept. */
export const AWS_PROVIDER_VERSIONS = '>= 5.100.0, < 7.0.0';

/**
 * A stack in the platform's account and region, with its own state: local by default, or one
 * S3 object per stack (with a lock file) when the platform names a state bucket.
 */
export class AwsStack extends TerraformStack {
  constructor(scope: Construct, name: string, platform: PlatformConfig) {
    super(scope, name);
    // allowed_account_ids stops an apply with credentials for the wrong account.
    new AwsProvider(this, 'aws', { region: platform.region, allowedAccountIds: [platform.accountId] });
    // The provider bindings are generated for 6.x, and the stacks use only what 5.100.0 knows
    // too (a test checks every attribute against its schema): either major version applies them.
    this.addOverride('terraform.required_providers.aws.version', AWS_PROVIDER_VERSIONS);
    const backend = platform.stateBackend;
    // Import blocks (the customer stacks adopt the secret that import created) need 1.5; the
    // S3 backend's lock file needs 1.10.
    this.addOverride('terraform.required_version', backend ? '>= 1.10' : '>= 1.5');
    if (backend) {
      const s3 = new S3Backend(this, {
        bucket: backend.bucket,
        key: `${backend.keyPrefix}/${name}.tfstate`,
        region: backend.region ?? platform.region,
        encrypt: true,
      });
      // S3-native locking (Terraform 1.10+); cdktf 0.21 predates the typed option.
      s3.addOverride('use_lockfile', true);
    }
  }
}
