import type { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias/index.js';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key/index.js';
import type { DesiredKmsKey } from '../model/desired-resources.js';
import { policyJson } from './policy-json.js';

/** A customer-managed key of the platform and its alias, as the model describes them. */
export function platformKey(scope: Construct, k: DesiredKmsKey): KmsAlias {
  const key = new KmsKey(scope, k.id, {
    description: k.description,
    enableKeyRotation: k.enableKeyRotation,
    isEnabled: k.isEnabled,
    deletionWindowInDays: k.deletionWindowInDays,
    policy: policyJson(k.policy),
    tags: { ...k.tags },
    lifecycle: { preventDestroy: k.preventDestroy },
  });
  return new KmsAlias(scope, k.alias.id, { name: k.alias.name, targetKeyId: key.keyId });
}
