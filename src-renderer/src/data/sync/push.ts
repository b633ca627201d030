/**
 * Pushing a collection: the push handler of `replicateRxCollection`. RxDB hands it a batch of
 * local changes, each with the server version it was based on (`assumedMasterState`), and wants
 * back the server's current version of every document that conflicts; it then runs the
 * collection's conflict handler (docs/sync.md, "Conflict policy") and pushes the result.
 *
 * 1. Pre-check: the server's current state of the batch (`_all_docs` with the ids in the body),
 *    with the tombstones of deleted documents (`_bulk_get`), because a deletion can carry a
 *    stamp and merged fields that decide delete versus edit. A document whose server state is not
 *    the one the change was based on is a conflict: its server state goes back to RxDB.
 * 2. Write (`_bulk_docs`) by CouchDB's revision rules:
 *    | server has            | we send                         | how                                   |
 *    | nothing               | the document                    | without `_rev`                        |
 *    | a live revision r     | the document                    | `_rev: r`, its `_attachments` stubs   |
 *    | a tombstone, ours live| the document (recreates it)     | without `_rev` (CouchDB 3.5 answers 409 to a write naming a tombstone's `_rev`) |
 *    | a tombstone, ours deleted | our tombstone               | a child revision of the tombstone (`new_edits: false`), then read back |
 *    Attachments added on the server survive a laptop's edit: the stubs of the server version
 *    are sent along (the app itself stores no attachments).
 * 3. Answers: `ok` → accepted (recorded for the echo filter and the pending count); `conflict` →
 *    the server's current version goes back to RxDB; any other refusal (validate_doc_update's
 *    `forbidden` / `unauthorized`, or an HTTP 4xx for the request, narrowed down to the document
 *    by halving the batch) → the document is listed for a person with the server's reason
 *    (`onRefused`) and not sent again until it changes, while the rest flows.
 * A write the server keeps refusing with the same answer (a conflict against the same server
 * revision, MAX_SAME_ANSWER times in a row) is listed the same way instead of being retried for
 * ever.
 */
import type { RxReplicationWriteToMasterRow } from 'rxdb';
import { SyncError } from './errors';
import { fromCouch, readCurrent, toCouch, type AppDoc, type BulkDocsRow, type CouchDatabase, type CouchDoc } from './couchdb';
import type { OwnWrites } from './echo';
import type { DocCodec } from './keyring';

/** A write refused for good: listed for a person with the server's reason. */
export interface RefusedWrite {
  id: string;
  error: string;
  reason: string;
  doc: AppDoc;
}

/** After this many identical refusals of one document in a row, it is listed instead of sent again. */
export const MAX_SAME_ANSWER = 5;

/**
 * Counts, per document, how often in a row the server gave the same refusal. Lives as long as
 * the sync (across reconnections), so retries by reconnecting count too.
 */
export class RepeatedRefusals {
  private readonly last = new Map<string, { answer: string; count: number }>();

  /** Records a refusal; returns how many times in a row this same answer was given. */
  record(key: string, answer: string): number {
    const prev = this.last.get(key);
    const count = prev && prev.answer === answer ? prev.count + 1 : 1;
    this.last.set(key, { answer, count });
    return count;
  }

  clear(key: string): void {
    this.last.delete(key);
  }
}

export interface PushContext {
  db: CouchDatabase;
  echo: OwnWrites;
  /** End-to-end encryption (keyring.ts): encrypts on the way out, decrypts the server's versions. */
  codec?: DocCodec;
  /** The collection's conflict handler's `isEqual`. */
  isEqual(a: AppDoc, b: AppDoc): boolean;
  refusals: RepeatedRefusals;
  onAccepted(docs: AppDoc[]): void;
  onRefused(rows: RefusedWrite[]): void;
  /** Marks a push under way (the live poll waits for pushes to go quiet). */
  activity?: { begin(): void; end(): void };
}

type Row = RxReplicationWriteToMasterRow<AppDoc>;

function randomRevId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A deleted revision that extends the tombstone `parentRev` (CouchDB's replication form). */
function childOfTombstone(doc: CouchDoc, parentRev: string): CouchDoc {
  const dash = parentRev.indexOf('-');
  const height = Number(parentRev.slice(0, dash));
  const id = randomRevId();
  return { ...doc, _deleted: true, _rev: `${height + 1}-${id}`, _revisions: { start: height + 1, ids: [id, parentRev.slice(dash + 1)] } };
}

const isClientError = (e: unknown): e is SyncError =>
  e instanceof SyncError && e.kind === 'server-error' && (e.details.status ?? 0) >= 400 && (e.details.status ?? 0) < 500;

/**
 * `_bulk_docs` for `docs`; a request the server refuses as a whole with a 4xx (e.g. 400 for a
 * malformed document, 413 too large) is split in halves until the refused documents are found,
 * each answered as a refused row. 5xx and authentication failures are thrown.
 */
async function writeDocs(db: CouchDatabase, docs: CouchDoc[]): Promise<BulkDocsRow[]> {
  if (docs.length === 0) return [];
  try {
    return await db.bulkDocs(docs);
  } catch (e) {
    if (!isClientError(e)) throw e;
    if (docs.length === 1) return [{ id: docs[0]!._id, error: `http_${e.details.status}`, reason: e.details.serverReason || e.message }];
    const half = Math.ceil(docs.length / 2);
    return [...(await writeDocs(db, docs.slice(0, half))), ...(await writeDocs(db, docs.slice(half)))];
  }
}

export async function pushRows(ctx: PushContext, rows: readonly Row[]): Promise<AppDoc[]> {
  ctx.activity?.begin();
  try {
    return await push(ctx, rows);
  } finally {
    ctx.activity?.end();
  }
}

async function push(ctx: PushContext, rows: readonly Row[]): Promise<AppDoc[]> {
  const { db } = ctx;
  const encode = (d: CouchDoc) => (ctx.codec ? ctx.codec.encode(d) : d);
  const decode = (d: CouchDoc) => (ctx.codec ? ctx.codec.decode(d) : d);
  const byId = new Map(rows.map((r) => [String(r.newDocumentState.id), r]));
  const conflicts: AppDoc[] = [];
  const accepted: AppDoc[] = [];
  const refused: RefusedWrite[] = [];

  // 1. pre-check
  const current = await readCurrent(db, [...byId.keys()]);
  const writes: CouchDoc[] = [];
  const tombstoneUpdates: CouchDoc[] = [];
  for (const [id, row] of byId) {
    const doc = row.newDocumentState;
    const cur = current.get(id);
    if (cur) {
      const real = fromCouch(decode(cur.doc));
      if (!row.assumedMasterState || !ctx.isEqual(real, row.assumedMasterState as AppDoc)) {
        conflicts.push(
          ...conflictOrRefusal(ctx, id, `the server's version ${cur.rev} is not the one this change was based on`, real, doc, refused),
        );
        continue;
      }
    }
    const out = encode(toCouch(doc));
    if (!cur) writes.push(out);
    else if (!cur.doc._deleted) {
      out._rev = cur.rev;
      if (cur.doc._attachments && !doc._deleted) out._attachments = cur.doc._attachments;
      writes.push(out);
    } else if (!doc._deleted) writes.push(out);
    else tombstoneUpdates.push(childOfTombstone(out, cur.rev));
  }

  // 2. write
  const conflictIds: string[] = [];
  const conflictReasons = new Map<string, string>();
  // The revision each write was based on (none for a new document).
  const basedOn = new Map<string, string | null>(
    [...writes, ...tombstoneUpdates].map((d) => [d._id, current.get(d._id)?.rev ?? null] as const),
  );
  // Refusals to look at again: another laptop may have written the document between the pre-check
  // and this write. PouchDB Server runs the rules against that newer version before it checks the
  // revision, so a plain conflict can come back as "forbidden" (e.g. "A payment's history of edits
  // cannot be rewritten" when two laptops edited one payment at once).
  const refusedMaybeStale: { row: BulkDocsRow; write: RefusedWrite }[] = [];
  const answer = (r: BulkDocsRow) => {
    const row = byId.get(r.id);
    if (!row) return;
    if (r.ok) {
      if (r.rev) ctx.echo.wrote(r.id, r.rev);
      ctx.refusals.clear(r.id);
      accepted.push(row.newDocumentState);
    } else if (r.error === 'conflict') {
      conflictIds.push(r.id);
      if (r.reason) conflictReasons.set(r.id, r.reason);
    } else {
      const write = {
        id: r.id,
        error: r.error ?? 'error',
        reason: r.reason ?? 'The server could not store it.',
        doc: row.newDocumentState,
      };
      if (r.error === 'forbidden' && basedOn.has(r.id)) refusedMaybeStale.push({ row: r, write });
      else refused.push(write);
    }
  };
  for (const r of await writeDocs(db, writes)) answer(r);
  if (tombstoneUpdates.length) {
    // With new_edits: false CouchDB lists only failures; whether our revision is now the
    // document's winner (someone may have written it in between) is read back.
    const failed = new Map((await db.bulkDocs(tombstoneUpdates, { newEdits: false })).filter((r) => r.error).map((r) => [r.id, r]));
    const ids = tombstoneUpdates.map((d) => d._id).filter((id) => !failed.has(id));
    const now = new Map((await db.allDocs(ids, false)).map((r) => [r.key, r.value?.rev]));
    for (const d of tombstoneUpdates) {
      const f = failed.get(d._id);
      if (f) answer(f);
      else answer(now.get(d._id) === d._rev ? { id: d._id, ok: true, rev: String(d._rev) } : { id: d._id, error: 'conflict' });
    }
  }

  // A refusal of a write whose base is no longer the server's version is a conflict: the policy
  // merges with the newer version first, and the rules judge the merged result.
  if (refusedMaybeStale.length) {
    const now = await readCurrent(
      db,
      refusedMaybeStale.map((x) => x.row.id),
    );
    for (const { row, write } of refusedMaybeStale) {
      if ((now.get(row.id)?.rev ?? null) !== basedOn.get(row.id)) {
        conflictIds.push(row.id);
        conflictReasons.set(row.id, `the server's version changed while this change was sent (${write.reason})`);
      } else refused.push(write);
    }
  }

  // 3. conflicts found by the write: the server's version now
  if (conflictIds.length) {
    const again = await readCurrent(db, conflictIds);
    let unexplained: string | null = null;
    for (const id of conflictIds) {
      const cur = again.get(id);
      const ours = byId.get(id)!.newDocumentState;
      if (cur) {
        conflicts.push(
          ...conflictOrRefusal(
            ctx,
            id,
            `conflict: ${conflictReasons.get(id) ?? 'Document update conflict.'} The server's revision: ${cur.rev}`,
            fromCouch(decode(cur.doc)),
            ours,
            refused,
          ),
        );
      } else if (
        conflictOrRefusal(
          ctx,
          id,
          `conflict: ${conflictReasons.get(id) ?? 'Document update conflict.'} The server has no such document`,
          ours,
          ours,
          refused,
        ).length
      ) {
        // Nothing RxDB could resolve against: the batch is tried again later (counted, so not for ever).
        unexplained = id;
      }
    }
    if (unexplained) {
      if (refused.length) ctx.onRefused(refused);
      if (accepted.length) ctx.onAccepted(accepted);
      throw new SyncError('server-error', `The server refused ${unexplained} with a conflict, but has no such document.`);
    }
  }

  if (refused.length) ctx.onRefused(refused);
  if (accepted.length) ctx.onAccepted(accepted);
  return conflicts;
}

/**
 * The server's version as a conflict for RxDB, unless the server gave this same answer for this
 * document MAX_SAME_ANSWER times in a row: then the change is refused for good (listed).
 */
function conflictOrRefusal(ctx: PushContext, id: string, answer: string, real: AppDoc, ours: AppDoc, refused: RefusedWrite[]): AppDoc[] {
  const times = ctx.refusals.record(id, answer);
  if (times < MAX_SAME_ANSWER) return [real];
  ctx.refusals.clear(id);
  refused.push({
    id,
    error: 'conflict',
    reason: `The server refused this change ${times} times in a row with the same answer (${answer}), so TutorDesk stopped sending it. Edit the record or choose Retry to send it again.`,
    doc: ours,
  });
  return [];
}
