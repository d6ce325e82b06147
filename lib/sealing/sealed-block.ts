import { SealingError } from './sealing-error.js';

export const BEGIN_LINE = '-----BEGIN ASC-KEYS SEALED KEY-----';
export const END_LINE = '-----END ASC-KEYS SEALED KEY-----';

const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Finds the compact JWE in what the engineer pasted or saved: a whole email is fine. Email
 * clients wrap lines, indent them and quote replies with "> ", so every blank and quote mark
 * inside the block is dropped; a block cut short is told apart from one that was changed.
 */
export function extractCompactJwe(text: string): string {
  const begins = countOf(text, BEGIN_LINE);
  if (begins > 1)
    throw new SealingError('SEALED_MALFORMED', 'the input holds more than one sealed block', {
      next: 'give import one at a time',
    });
  let body: string;
  if (begins === 1) {
    const after = text.slice(text.indexOf(BEGIN_LINE) + BEGIN_LINE.length);
    const end = after.indexOf(END_LINE);
    if (end < 0)
      throw new SealingError(
        'SEALED_TRUNCATED',
        `the sealed block has no "${END_LINE}" line: it was cut short on the way`,
        { next: 'ask the customer to send it again as an attachment (a .txt file), or to paste it whole' },
      );
    body = after.slice(0, end);
  } else {
    // A bare compact JWE, without the armour lines: its header is base64url JSON, so "eyJ".
    body = text;
    if (!/^eyJ[A-Za-z0-9_.-]*$/.test(unquote(body)))
      throw new SealingError('SEALED_NOT_FOUND', 'no sealed block found', {
        next: `give the text that holds it: it starts with the line "${BEGIN_LINE}"`,
      });
  }
  const compact = unquote(body);
  const parts = compact.split('.');
  if (parts.some((p) => !B64URL.test(p)))
    throw new SealingError('SEALED_MALFORMED', 'the sealed block holds characters a sealed block never has', {
      next: 'it was changed on the way (or is not one)',
    });
  // ECDH-ES: header, empty encrypted key, a 12-byte IV (16 characters), ciphertext, a 16-byte tag (22).
  if (parts.length < 5 || parts[4]!.length < 22)
    throw new SealingError('SEALED_TRUNCATED', 'the sealed block is incomplete: part of it is missing', {
      next: 'ask the customer to send it again as an attachment (a .txt file), or to paste it whole',
    });
  if (parts.length > 5 || parts[1] !== '' || parts[2]!.length !== 16 || parts[4]!.length !== 22)
    throw new SealingError(
      'SEALED_MALFORMED',
      'this is not a sealed block of asc-keys (its parts have the wrong shape)',
    );
  return compact;
}

/** Drops reply quoting ("> ") at line starts and every blank: a JWE has neither. */
function unquote(text: string): string {
  return text.replace(/^[ \t]*(>[ \t]*)*/gm, '').replace(/\s+/g, '');
}

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
