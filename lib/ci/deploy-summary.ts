import type { DeployPart } from './deploy-selection.js';
import type { StackAction, StackOutcome } from './deploy.js';

/** What needs a person comes first. */
const ORDER: readonly StackAction[] = ['failed', 'skipped', 'destroyed', 'applied', 'unchanged'];

const WORDS: Record<StackAction, string> = {
  failed: 'failed',
  skipped: 'skipped',
  destroyed: 'destroyed',
  applied: 'applied',
  unchanged: 'unchanged (already applied)',
};

function title(part: DeployPart): string {
  if (part.kind === 'platform') return '## Deploy: platform';
  if (part.kind === 'shard') return `## Deploy: shard ${part.shard.index} of ${part.shard.count}`;
  return '## Deploy';
}

/** The job's step summary: counts, then each stack, failures first. */
export function deploySummary(outcomes: readonly StackOutcome[], part: DeployPart = { kind: 'all' }): string {
  if (!outcomes.length) return `${title(part)}\n\nNo stack of this job is affected by the merge.\n`;
  const counts = ORDER.map((a) => `${outcomes.filter((o) => o.action === a).length} ${a}`).join(', ');
  const lines = ORDER.flatMap((action) =>
    outcomes.filter((o) => o.action === action).map((o) => `- ${stackLine(o)}`),
  );
  const next = outcomes.some((o) => o.action === 'failed' || o.action === 'skipped')
    ? '\n\nThe failed and skipped stacks did not land. Re-running the failed jobs, or the next deploy, applies them; the stacks that landed only plan.'
    : '';
  return `${title(part)}\n\n${outcomes.length} stack${outcomes.length === 1 ? '' : 's'}: ${counts}.${next}\n\n${lines.join('\n')}\n`;
}

function stackLine(o: StackOutcome): string {
  if (o.action !== 'destroyed') return `\`${o.stack}\`: ${WORDS[o.action]}${o.reason ? `: ${o.reason}` : ''}`;
  const secrets = o.restorable ?? [];
  return secrets.length
    ? `\`${o.stack}\`: destroyed (record removed). ${secrets
        .map(
          (s) =>
            `The secret \`${s.secret}\` can be restored until ${s.until}: \`aws secretsmanager restore-secret --secret-id ${s.secret}\`, then put the record back.`,
        )
        .join(' ')}`
    : `\`${o.stack}\`: destroyed (record removed; it held no secret)`;
}
