import type { Report } from '../reports/report.js';
import { KEY_ORDER } from '../model/key-version.js';
import { exitCodeOf, type ImportResult } from './import-result.js';

/** The text for a person, import's JSON (docs/contract.md), and one JUnit case. */
export function importReport(r: ImportResult): Report & { readonly importExitCode: number } {
  const exit = exitCodeOf(r.code);
  return {
    command: 'import',
    text: text(r),
    json: {
      customer: r.customer,
      keyId: r.keyId,
      fingerprint: r.fingerprint,
      secret: r.secret,
      action: r.action,
      record: r.record,
      code: r.code,
      message: r.message,
    },
    markdown: `| customer | key ID | action | code |\n| --- | --- | --- | --- |\n| ${r.customer} | ${r.keyId} | ${r.action} | ${r.code} |\n\n${r.message}\n`,
    cases: [
      {
        name: r.customer,
        ...(r.record && { file: r.record }),
        outcome: exit === 0 ? 'passed' : exit === 3 ? 'inconclusive' : 'failed',
        code: r.code,
        message: r.message,
      },
    ],
    annotations: [],
    exitCode: exit === 0 ? 0 : exit === 3 ? 3 : 1,
    importExitCode: exit,
  };
}

/** What is left on this machine once the key is current, per where it came from. */
const CLEAN_UP: Readonly<Record<NonNullable<ImportResult['source']>, string>> = {
  p8: 'Once the deploy has made it current, delete the .p8 file from this machine (and from the download folder, the email or the ticket it came in): the key then lives in Secrets Manager only.',
  zip: 'Once the deploy has made it current, delete the zip from this machine, with any .p8 taken out of it (and the email or ticket it came in): the key then lives in Secrets Manager only.',
  sealed:
    'Once the deploy has made it current, delete the email or file that held the sealed block: it holds the key, sealed, and nobody needs it any more; the key then lives in Secrets Manager only.',
};

function text(r: ImportResult): string {
  const lines: string[] = [];
  for (const w of r.warnings) lines.push(`warning: ${w.file}:${w.line}:${w.column} ${w.code} ${w.message}`);
  if (r.action === 'refused') {
    // Ctrl-C is the engineer's own doing, not a refusal of the key.
    lines.push(
      r.code === 'INTERRUPTED'
        ? `${r.customer}: import interrupted (Ctrl-C), INTERRUPTED: ${r.message}`
        : `${r.customer}: import refused, ${r.code}: ${r.message}`,
    );
    // The message ends with its next step (for an outage: the same command again later).
    return lines.join('\n');
  }
  const verb = { created: 'Onboarded', rotated: 'Rotated', unchanged: 'Already imported' }[r.action];
  lines.push(`${verb} ${r.customer}: ${r.message}.`);
  lines.push(`  fingerprint ${r.fingerprint}`);
  lines.push(
    r.verified
      ? `  App Store Connect accepts the key for the app.`
      : `  App Store Connect was not asked (--no-verify); run "asc-keys check keys --customer ${r.customer}" once it can be.`,
  );
  if (r.action === 'unchanged') return lines.join('\n');
  lines.push('', `Next steps (${KEY_ORDER}):`);
  lines.push(
    `  1. git add ${r.record} && git commit -m "${r.action === 'created' ? 'Onboard' : 'Rotate the key of'} ${r.customer}"`,
  );
  lines.push(
    `  2. Open the pull request and merge it. Until then the key is only staged: publishing and the checks of the default branch keep ${r.action === 'created' ? 'not knowing it' : 'the current key'}.`,
  );
  lines.push(
    `  3. The deploy of the merge applies customer-${r.customer} (${r.action === 'created' ? 'it adopts the secret and adds its policy and reminders' : "it moves the reminders and updates the secret's tags"}; it never touches the value), then makes the pending version current${r.previousKeyId ? ` and the old one AWSPREVIOUS` : ''}.`,
  );
  let n = 4;
  if (r.previousKeyId)
    lines.push(
      `  ${n++}. Once publishing uses the new key ("asc-keys check keys --customer ${r.customer}" says OK after the deploy), ask the customer to revoke the old key ${r.previousKeyId} in App Store Connect (Users and Access > Integrations).`,
    );
  lines.push(`  ${n}. ${CLEAN_UP[r.source ?? 'p8']}`);
  lines.push(
    `  If the pull request is abandoned instead: "asc-keys import --discard --customer ${r.customer}" removes the staged key.`,
  );
  return lines.join('\n');
}
