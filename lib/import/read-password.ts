import { KeySourceError } from './key-source.js';

/**
 * The zip's password: from stdin with --password-stdin (for scripts and password managers), or
 * from a prompt that does not echo when stdin is a terminal. Never from an argument, which
 * would land in shell history and in `ps`.
 */
export function passwordSource(
  fromStdin: boolean,
  stdin: NodeJS.ReadStream = process.stdin,
  prompt: NodeJS.WriteStream = process.stderr,
): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => (cached ??= fromStdin ? readStdin(stdin) : promptHidden(stdin, prompt));
}

async function readStdin(stdin: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  // One trailing newline is the echo's, not the password's (as `docker login --password-stdin`).
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password === '')
    throw new KeySourceError('PASSWORD_REQUIRED', '--password-stdin read an empty password from stdin', {
      next: 'pipe the password itself, for example from your password manager',
    });
  return password;
}

function promptHidden(stdin: NodeJS.ReadStream, out: NodeJS.WriteStream): Promise<string> {
  if (!stdin.isTTY)
    return Promise.reject(
      new KeySourceError('PASSWORD_REQUIRED', 'the zip is encrypted and stdin is not a terminal to ask on', {
        next: 'pipe the password with --password-stdin',
      }),
    );
  return new Promise((resolve, reject) => {
    let password = '';
    // Echo goes off before the prompt shows, so that nothing typed or pasted at once is echoed.
    stdin.setRawMode(true);
    out.write('Password of the zip (not shown): ');
    stdin.setEncoding('utf8');
    const done = (): void => {
      stdin.setRawMode(false);
      stdin.off('data', onData);
      stdin.pause();
      out.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const c of chunk) {
        if (c === '\r' || c === '\n') {
          done();
          if (password === '')
            reject(
              new KeySourceError('PASSWORD_REQUIRED', 'no password was entered', {
                next: 'run again and type the password the customer gave you',
              }),
            );
          else resolve(password);
          return;
        }
        if (c === '\u0003') {
          // Raw mode turns Ctrl-C into a character; it still means "stop".
          done();
          process.kill(process.pid, 'SIGINT');
          return;
        }
        if (c === '\u007f' || c === '\b') password = password.slice(0, -1);
        else if (c >= ' ') password += c;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
