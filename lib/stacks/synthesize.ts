import { App, TerraformStack } from 'cdktf';
import { customerDesiredState, customerStackName } from '../model/customer-desired.js';
import { platformContext } from '../model/platform-context.js';
import { PLATFORM_STACK, platformDesiredState } from '../model/platform-desired.js';
import type { CustomerRecord } from '../records/customer-record.js';
import type { PlatformConfig } from '../records/platform-schema.js';
import { AwsStack } from './aws-stack.js';
import { CUSTODY_STACK } from '../model/trust-zones.js';
import { CustodyStack } from './custody-stack.js';
import { CustomerStack } from './customer-stack.js';
import { PlatformStack } from './platform-stack.js';
import { withoutCreationStacks } from './without-creation-stacks.js';

export interface BuildAppProps {
  readonly records: readonly CustomerRecord[];
  readonly platform: PlatformConfig;
  /** Where cdktf writes the stacks. @default "cdktf.out" */
  readonly outdir?: string;
  /** The clock: reminders already past at this moment are left out. @default new Date() */
  readonly now?: Date;
  /**
   * Only these stacks (`custody`, `platform`, `customer-<slug>`). A customer stack with no record is
   * synthesized empty, so that applying it destroys what its state still holds.
   * @default every stack
   */
  readonly stacks?: readonly string[];
}

/** The CDKTF app: the custody and platform stacks, and one stack per customer. */
export function buildApp(props: BuildAppProps): App {
  return withoutCreationStacks(() => build(props));
}

/** Builds and synthesizes the app, writing every stack to its outdir; returns the stacks' names. */
export function synthesize(props: BuildAppProps): string[] {
  return withoutCreationStacks(() => {
    const app = build(props);
    app.synth();
    return app.node.children
      .filter((c): c is TerraformStack => c instanceof TerraformStack)
      .map((s) => s.node.id);
  });
}

function build(props: BuildAppProps): App {
  // Without an outdir, App honours CDKTF_OUTDIR from the cdktf CLI, then cdktf.out.
  const app = new App(props.outdir === undefined ? {} : { outdir: props.outdir });
  const ctx = platformContext(props.platform);
  const now = props.now ?? new Date();
  const only = props.stacks && new Set(props.stacks);
  const shared = (): { platform: PlatformConfig; desired: ReturnType<typeof platformDesiredState> } => ({
    platform: props.platform,
    desired: platformDesiredState(props.platform),
  });
  if (!only || only.has(CUSTODY_STACK)) new CustodyStack(app, shared());
  if (!only || only.has(PLATFORM_STACK)) new PlatformStack(app, shared());
  const built = new Set<string>();
  for (const record of props.records) {
    const name = customerStackName(record.customer);
    if (only && !only.has(name)) continue;
    built.add(name);
    new CustomerStack(app, { platform: props.platform, desired: customerDesiredState(record, ctx, now) });
  }
  // A selected customer without a record: removed, its stack empty so that an apply destroys it.
  for (const name of only ?? [])
    if (name !== PLATFORM_STACK && name !== CUSTODY_STACK && !built.has(name))
      new AwsStack(app, name, props.platform);
  return app;
}
