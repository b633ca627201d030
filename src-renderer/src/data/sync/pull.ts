/**
 * Pulling a collection: what the server's `_changes` feed gives RxDB (the pull handler of
 * `replicateRxCollection`, and the live poll's pages, live-poll.ts).
 *
 * Of each page it keeps the rows RxDB should see, in app form:
 * - never a design document (`_design/…`: the server's rules, not a record);
 * - never the echo of this session's own writes (echo.ts);
 * - a record written by an older TutorDesk is first brought to the current schema (`upgrade`:
 *   upgradeDocument in src-shared/model/migrations.ts), as the local migration would;
 * - never a record the local schema refuses: it is reported (`onInvalid`, listed next to the
 *   refused changes with its id and reason) and skipped, and the rest of the pull goes on. Its
 *   next valid version arrives as usual (`onValid` takes it off the list).
 * RxDB takes a page shorter than it asked for as the end of the feed, so a page that lost rows is
 * topped up from the following changes.
 */
import type { AppDoc, ChangeRow, CouchDatabase } from './couchdb';
import { fromCouch } from './couchdb';
import type { OwnWrites } from './echo';
import { EncryptionError } from '../../../../src-shared/sync/encryption';
import type { DocCodec } from './keyring';

export interface CouchCheckpoint {
  sequence: unknown;
}

export interface PulledRecordRefused {
  id: string;
  reason: string;
  doc: AppDoc;
}

export interface PullContext {
  db: CouchDatabase;
  echo: OwnWrites;
  /** End-to-end encryption (keyring.ts): decrypts the personal fields; none when the practice does not encrypt. */
  codec?: DocCodec;
  /** Brings a record written by an older TutorDesk to the current schema (unchanged when current). */
  upgrade?: (doc: AppDoc) => AppDoc;
  /** The local schema check (localValidatorFor): the reason a record cannot be stored, or null. */
  validate: ((doc: AppDoc) => string | null) | null;
  onInvalid(records: PulledRecordRefused[]): void;
  onValid(ids: string[]): void;
}

/** The rows of a page RxDB should see, in app form (see the file comment). */
export function keepRows(ctx: PullContext, rows: readonly ChangeRow[]): AppDoc[] {
  const out: AppDoc[] = [];
  const invalid: PulledRecordRefused[] = [];
  const valid: string[] = [];
  for (const row of rows) {
    if (row.id.startsWith('_design/') || !row.doc) continue;
    if (ctx.echo.isEcho(row)) continue;
    let pulled: AppDoc;
    try {
      pulled = fromCouch(ctx.codec ? ctx.codec.decode(row.doc) : row.doc);
    } catch (e) {
      // A field encrypted with another key (or damaged on the server): listed like a record the
      // local schema refuses; "needs a passphrase" stops the session instead.
      if (!(e instanceof EncryptionError)) throw e;
      invalid.push({ id: row.id, reason: e.message, doc: fromCouch(row.doc) });
      continue;
    }
    const doc = ctx.upgrade ? ctx.upgrade(pulled) : pulled;
    const reason = ctx.validate?.(doc) ?? null;
    if (reason) {
      invalid.push({ id: doc.id, reason, doc });
      continue;
    }
    valid.push(doc.id);
    out.push(doc);
  }
  if (invalid.length) ctx.onInvalid(invalid);
  if (valid.length) ctx.onValid(valid);
  return out;
}

/** At most this many more pages are read to top up one page. */
const MAX_TOP_UPS = 100;

/**
 * The pull handler: up to `limit` changes after `checkpoint`, filtered (keepRows) and topped up
 * while whole pages came back, with the checkpoint after the last change read.
 */
export async function pullChanges(
  ctx: PullContext,
  checkpoint: CouchCheckpoint | undefined,
  limit: number,
): Promise<{ documents: AppDoc[]; checkpoint: CouchCheckpoint }> {
  let since = checkpoint?.sequence ?? 0;
  const documents: AppDoc[] = [];
  for (let i = 0; i <= MAX_TOP_UPS; i++) {
    const want = limit - documents.length;
    const page = await ctx.db.changes(since, want);
    documents.push(...keepRows(ctx, page.results));
    if (page.last_seq !== undefined && page.last_seq !== null) since = page.last_seq;
    // A short page is the end of the feed; a full page that kept everything fills the batch.
    if (page.results.length < want || documents.length >= limit) break;
  }
  return { documents, checkpoint: { sequence: since } };
}
