import { PassThrough } from 'node:stream';
import { describe, expect, test, vi } from 'vitest';
import { passwordSource } from '../../lib/import/read-password.js';
import { pipedStdin } from './import-harness.js';

/** A terminal in the test: raw mode recorded, what the user types written to it. */
function terminal(): { stdin: NodeJS.ReadStream; raw: boolean[]; type: (text: string) => void } {
  const raw: boolean[] = [];
  const stream = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: (on: boolean) => raw.push(on),
  });
  return { stdin: stream as unknown as NodeJS.ReadStream, raw, type: (text) => stream.write(text) };
}

/** What the prompt writes on stderr. */
function screen(): { out: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const out = { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  return { out, text: () => text };
}

describe('passwordSource', () => {
  test('--password-stdin with nothing piped: PASSWORD_REQUIRED, exit 2, says what to pipe', async () => {
    for (const input of ['', '\n', '\r\n'])
      await expect(passwordSource(true, pipedStdin(input))()).rejects.toMatchObject({
        code: 'PASSWORD_REQUIRED',
        exitCode: 2,
        message:
          '--password-stdin read an empty password from stdin; pipe the password itself, for example from your password manager',
      });
  });

  test('--password-stdin: one trailing newline is the echo, not the password; asked once however often it is needed', async () => {
    const password = passwordSource(true, pipedStdin('  pass word\n\n'));
    expect(await password()).toBe('  pass word\n');
    expect(await password()).toBe('  pass word\n');
  });

  test('Enter on an empty prompt: PASSWORD_REQUIRED, the terminal back to normal, nothing typed echoed', async () => {
    const tty = terminal();
    const { out, text } = screen();
    const asked = passwordSource(false, tty.stdin, out)();
    tty.type('ab\u007f\b\r');
    await expect(asked).rejects.toMatchObject({
      code: 'PASSWORD_REQUIRED',
      exitCode: 2,
      message: 'no password was entered; run again and type the password the customer gave you',
    });
    expect(tty.raw).toEqual([true, false]);
    expect(text()).toBe('Password of the zip (not shown): \n');
  });

  test('Ctrl-C at the prompt stops the command as Ctrl-C does elsewhere (SIGINT), with the terminal back to normal', async () => {
    const tty = terminal();
    const { out, text } = screen();
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      void passwordSource(false, tty.stdin, out)();
      tty.type('secret\u0003');
      await vi.waitFor(() => expect(kill).toHaveBeenCalledWith(process.pid, 'SIGINT'));
    } finally {
      kill.mockRestore();
    }
    expect(tty.raw).toEqual([true, false]);
    expect(text()).toBe('Password of the zip (not shown): \n');
  });
});
