import { App, TerraformStack } from 'cdktf';
import { customerDesiredState } from '../model/customer-desired.js';
import { platformContext } from '../model/platform-context.js';
import { platformDesiredState } from '../model/platform-desired.js';
import type { CustomerRecord } from '../records/customer-record.js';
import type { PlatformConfig } from '../records/platform-schema.js';
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
}

/** The CDKTF app: the platform stack and one stack per customer. */
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
  new PlatformStack(app, { platform: props.platform, desired: platformDesiredState(props.platform) });
  for (const record of props.records) {
    new CustomerStack(app, {
      platform: props.platform,
      desired: customerDesiredState(record, ctx, now),
    });
  }
  return app;
}
