import { describe, expect, test } from 'vitest';
import { UsageError } from '../../lib/errors.js';
import { parseIntakeEvent } from '../../lib/requests/intake-event.js';

describe('parseIntakeEvent', () => {
  test('a payload that is no issues or issue_comment event is a usage error of the step (exit 2) that says what intake reads', () => {
    for (const json of [{}, null, { action: 'opened', issue: { number: -1 } }, 'text']) {
      let err: unknown;
      try {
        parseIntakeEvent(json);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect(err).toMatchObject({ code: 'USAGE', exitCode: 2 });
      expect((err as Error).message).toMatch(
        /^the event is not an "issues" or "issue_comment" event of GitHub \(.+\); intake reads the event file of an "issues" or "issue_comment" workflow run: give --event "\$GITHUB_EVENT_PATH"$/,
      );
    }
  });
});
