/**
 * Passwords for the server scripts (`sync-server`, `server:setup`) come from a file or from a
 * prompt on the terminal (not echoed), never from the command line (every user of the machine
 * can read other processes' arguments) or the environment (inherited by every child process,
 * readable in /proc by the same user and often logged).
 */
import { readFileSync, statSync } from 'node:fs';

/** A password given on the command line (`name:password`): refused with this message. */
export const NO_PASSWORDS_IN_ARGV =
  'passwords are read from a file (--admin-password-file, --passwords-file) or asked for on the terminal, never on the command line';

function warnIfShared(path: string, warn: (line: string) => void): void {
  try {
    const mode = statSync(path).mode & 0o777;
    if (process.platform !== 'win32' && mode & 0o077)
      warn(`${path} can be read by other users of this computer (mode ${mode.toString(8)}); run chmod 600 ${path}`);
  } catch {
    // reported by the read below
  }
}

/** The first line of a file, without its line ending. */
export function readPasswordFile(path: string, warn: (line: string) => void = (l) => console.error(l)): string {
  warnIfShared(path, warn);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the password file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const first = text.split(/\r?\n/)[0] ?? '';
  if (!first) throw new Error(`the password file ${path} is empty`);
  return first;
}

/** `name:password` lines (blank lines and lines starting with # are skipped). */
export function readPasswordsFile(path: string, warn: (line: string) => void = (l) => console.error(l)): Map<string, string> {
  warnIfShared(path, warn);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the passwords file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const out = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.trimStart().startsWith('#')) return;
    const c = line.indexOf(':');
    if (c <= 0 || c === line.length - 1) throw new Error(`${path}, line ${i + 1}: expected name:password`);
    out.set(line.slice(0, c).trim(), line.slice(c + 1));
  });
  return out;
}

/** Whether a prompt can be shown (stdin and stderr are a terminal). */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Reads one line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  if (!canPrompt()) return Promise.reject(new Error('no terminal to ask for the password on'));
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    let value = '';
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err: Error | null) => {
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u0004') return done(value ? null : new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Asks twice for a new password until both answers match and it is long enough. */
export async function promptNewPassword(label: string, minLength = 8): Promise<string> {
  for (;;) {
    const a = await promptHidden(`Password for ${label}: `);
    if (a === '' && minLength === 0) return '';
    if (a.length < minLength) {
      process.stderr.write(`At least ${minLength} characters, please.\n`);
      continue;
    }
    const b = await promptHidden('Again: ');
    if (a === b) return a;
    process.stderr.write('The two passwords differ; try again.\n');
  }
}
