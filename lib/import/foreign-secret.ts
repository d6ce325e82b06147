import { AscKeysError, type AscKeysErrorOptions, type ErrorCatalogue } from '../errors.js';
import { canonicalPolicy } from '../checks/policy-equality.js';
import type { DesiredSecret } from '../model/desired-resources.js';
import type { VersionStages } from '../model/key-version.js';
import { TAG } from '../model/tags.js';

/** What an existing secret shows of its custody: metadata and policy, never a value. */
export interface SecretCustody {
  /** As Secrets Manager names it; absent when the AWS managed key (aws/secretsmanager) encrypts it. */
  readonly kmsKeyId?: string;
  /** The regions it is replicated to. */
  readonly replicaRegions: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly stages: VersionStages;
  /** Its resource policy, as text; absent when it has none. */
  readonly policy?: string;
}

export interface CustodyExpectation {
  /** The secret as the model makes it. */
  readonly desired: DesiredSecret;
  /** Every way AWS may name the platform key: alias name and ARN, key ID and ARN. */
  readonly kmsKeyIds: readonly string[];
  /**
   * No record names the secret yet: then it holds no value but this very key's version (an
   * import run again after its answer was lost), and its key-id tag is this key's. A rotation
   * finds the current key in it, tagged with that key's ID.
   */
  readonly newCustomer: boolean;
  /** The version this import stores. */
  readonly version: string;
}

/**
 * Why an existing secret is not one asc-keys made, or none: anyone who may create a secret
 * under the prefix could have made it first, to receive the next key. A secret under another
 * KMS key (the AWS managed one opens to any principal Secrets Manager serves), with a replica
 * (a copy under another region's key policy), with tags an IAM policy may grant on, or with a
 * resource policy that lets someone read, is refused before anything is written to it.
 */
export function foreignSecretProblems(live: SecretCustody, expect: CustodyExpectation): string[] {
  const { desired } = expect;
  const problems: string[] = [];
  if (live.kmsKeyId === undefined)
    problems.push(`it is encrypted with the AWS managed key aws/secretsmanager, not ${desired.kmsKeyId}`);
  else if (!expect.kmsKeyIds.includes(live.kmsKeyId))
    problems.push(`it is encrypted with ${live.kmsKeyId}, not ${desired.kmsKeyId}`);
  if (live.replicaRegions.length)
    problems.push(`it is replicated to ${[...live.replicaRegions].sort().join(', ')}`);
  const tagProblems = Object.keys({ ...desired.tags, ...live.tags })
    .sort()
    .filter((key) => {
      if (!(key in live.tags) || !(key in desired.tags)) return true;
      // A rotation's secret is tagged with the current key until the deploy retags it.
      return !(key === TAG.keyId && !expect.newCustomer) && live.tags[key] !== desired.tags[key];
    });
  if (tagProblems.length)
    problems.push(`its tags differ from the model's in ${tagProblems.map((k) => `"${k}"`).join(', ')}`);
  if (expect.newCustomer) {
    const values = Object.keys(live.stages).filter((v) => v !== expect.version);
    if (values.length)
      problems.push(
        `it already holds a value (${values.length === 1 ? 'one version' : `${values.length} versions`}) that no record names`,
      );
  }
  if (live.policy !== undefined && canonicalPolicy(parse(live.policy)) !== canonicalPolicy(desired.policy))
    problems.push("it has a resource policy that is not the model's");
  return problems;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A secret import did not make, refused before anything is written to it: exit 2. */
export const FOREIGN_SECRET_ERRORS = {
  SECRET_NOT_OURS: {
    exitCode: 2,
    nextStep:
      'an administrator looks at its KMS key, its replica regions and its resource policy (and, in CloudTrail, who created or changed it: the secret-creations and secret-changes alerts name them); once the administrator is satisfied that nobody else can reach it, or has removed it, the same import stores the key',
  },
} as const satisfies ErrorCatalogue<string>;

/** A rotation's secret holds the current key: it is put back as the model says, never removed. */
const ROTATION_NEXT =
  "an administrator looks at its KMS key, its replica regions and its resource policy (and, in CloudTrail, who changed it: the secret-changes alert names them); once the administrator has put it back as the model says (the customer's stack applied, any replica removed), the same import stores the key";

const foreignWhat = (name: string, problems: readonly string[]): string =>
  `the secret ${name} exists, but not as asc-keys makes it: ${problems.join('; ')}. Someone may have made or changed it to receive the key`;

/**
 * The refusal: what differs, and the three things an operator looks at before anything is
 * stored in it. Never "delete it" first: whoever made or changed it may be waiting for a key.
 */
export function foreignSecretMessage(
  name: string,
  problems: readonly string[],
  newCustomer: boolean,
): string {
  const next = newCustomer ? FOREIGN_SECRET_ERRORS.SECRET_NOT_OURS.nextStep : ROTATION_NEXT;
  return `${foreignWhat(name, problems)}; ${next}`;
}

/** Thrown by a write that finds such a secret where it was about to create one. */
export class ForeignSecretError extends AscKeysError<keyof typeof FOREIGN_SECRET_ERRORS> {
  constructor(name: string, problems: readonly string[], options?: AscKeysErrorOptions) {
    super(FOREIGN_SECRET_ERRORS, 'SECRET_NOT_OURS', foreignWhat(name, problems), options);
    this.name = 'ForeignSecretError';
  }
}
