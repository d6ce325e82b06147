import { describe, expect, test } from 'vitest';
import { IntakeEventError, parseIntakeEvent } from '../../lib/requests/intake-event.js';

describe('parseIntakeEvent', () => {
  test('a payload that is no issues or issue_comment event is a usage error of the step (exit 2) that says what intake reads', () => {
    for (const json of [{}, null, { action: 'opened', issue: { number: -1 } }, 'text']) {
      let err: unknown;
      try {
        parseIntakeEvent(json);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(IntakeEventError);
      expect(err).toMatchObject({ code: 'INTAKE_EVENT_INVALID', exitCode: 2 });
      expect((err as Error).message).toMatch(
        /^the event is not an "issues" or "issue_comment" event of GitHub \(.+\); intake reads the event file of an "issues" or "issue_comment" workflow run \(\$GITHUB_EVENT_PATH\)$/,
      );
    }
  });
});
