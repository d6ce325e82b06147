// Control characters are exactly what this matches.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text from a record, a stored value, a file name or a remote answer, made safe to print:
 * control characters and line breaks become visible escapes, so that no such text can start
 * a line of output (where the GitHub runner would obey a workflow command) or break a format.
 * With `max`, text longer than that (after escaping) is cut and ends with an ellipsis, for
 * names from archives and messages from libraries that can be any length.
 */
export function printable(text: string, { max }: { readonly max?: number } = {}): string {
  const escaped = text.replace(
    CONTROL,
    (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return max !== undefined && escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

// The GitHub runner obeys "::command::" (and the older "##[command]") at the start of a line.
const WORKFLOW_COMMAND = /^(\s*)(::|##\[)/gm;

/**
 * The last guard for text that goes to stdout or stderr: a line that would start with a
 * workflow command is prefixed with a backslash, so the runner prints it instead of obeying it.
 * Every field is escaped with `printable` already; this catches a value that is the first
 * thing on its line (a customer slug in a table, say).
 */
export function withoutWorkflowCommands(text: string): string {
  return text.replace(WORKFLOW_COMMAND, '$1\\$2');
}
