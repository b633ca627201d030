/**
 * The journal of sent messages (docs/email.md "Never twice"): an append-only file of JSON lines
 * in userData, one line per step of a send, each written and flushed to disk (fsync) before the
 * step that depends on it:
 *
 *   {"id":"…","state":"sending","messageId":"<…>","at":"…"}      before talking to the server
 *   {"id":"…","state":"sent","messageId":"<…>","acceptedAt":"…","response":"250 …"}  after it took it
 *   {"id":"…","state":"failed","messageId":"<…>","at":"…","kind":"auth"}             it did not
 *
 * Reading folds the lines per id: 'sent' is final (a late line of an abandoned attempt cannot undo
 * it), and the Message-ID is the one of the first attempt, so every later attempt of the same id
 * carries the same header. A line torn by a crash (no newline at the end) is ignored.
 */
import { open, readFile } from 'node:fs/promises';
import type { MailFailureKind } from '../../src-shared/mail/contract';

export type JournalLine =
  | { id: string; state: 'sending'; messageId: string; at: string }
  | { id: string; state: 'sent'; messageId: string; acceptedAt: string; response: string }
  | { id: string; state: 'failed'; messageId: string; at: string; kind: MailFailureKind };

export type JournalEntry =
  | { state: 'sending' | 'failed'; messageId: string; attempts: number }
  | { state: 'sent'; messageId: string; acceptedAt: string; response: string; attempts: number };

function isLine(v: unknown): v is JournalLine {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  if (typeof o['id'] !== 'string' || typeof o['messageId'] !== 'string') return false;
  if (o['state'] === 'sent') return typeof o['acceptedAt'] === 'string' && typeof o['response'] === 'string';
  return o['state'] === 'sending' || o['state'] === 'failed';
}

export class MailJournal {
  private entries: Map<string, JournalEntry> | null = null;
  /** Appends one after another, so lines never interleave. */
  private tail: Promise<unknown> = Promise.resolve();
  /** The file ended without a newline (a torn last line): the next append starts a new line. */
  private needsNewline = false;

  constructor(private readonly file: string) {}

  async get(id: string): Promise<JournalEntry | undefined> {
    return (await this.load()).get(id);
  }

  /** Appends a line and flushes it to disk before resolving. */
  async append(line: JournalLine): Promise<void> {
    const entries = await this.load();
    const run = this.tail.then(async () => {
      const fh = await open(this.file, 'a', 0o600);
      try {
        await fh.write(`${this.needsNewline ? '\n' : ''}${JSON.stringify(line)}\n`);
        this.needsNewline = false;
        await fh.sync();
      } finally {
        await fh.close();
      }
      fold(entries, line);
    });
    this.tail = run.catch(() => undefined);
    await run;
  }

  private async load(): Promise<Map<string, JournalEntry>> {
    if (this.entries) return this.entries;
    const entries = new Map<string, JournalEntry>();
    let content = '';
    try {
      content = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.needsNewline = content.length > 0 && !content.endsWith('\n');
    for (const raw of content.split('\n')) {
      if (!raw.trim()) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        continue; // torn by a crash mid-write
      }
      if (isLine(parsed)) fold(entries, parsed);
    }
    // Another call may have loaded meanwhile; keep the first map (appends fold into it).
    this.entries ??= entries;
    return this.entries;
  }
}

function fold(entries: Map<string, JournalEntry>, line: JournalLine): void {
  const before = entries.get(line.id);
  if (before?.state === 'sent') return;
  const messageId = before?.messageId ?? line.messageId;
  const attempts = (before?.attempts ?? 0) + (line.state === 'sending' ? 1 : 0);
  if (line.state === 'sent') {
    entries.set(line.id, { state: 'sent', messageId, acceptedAt: line.acceptedAt, response: line.response, attempts });
  } else {
    entries.set(line.id, { state: line.state, messageId, attempts });
  }
}
