/**
 * Merges finished after sync (docs/data-model.md "Merging duplicates", "After sync"): a lesson,
 * note, payment, invoice draft or claim another laptop wrote for a duplicate before it received
 * the merge is moved to the survivor — at start, and after each completed sync cycle in which a
 * collection a merge touches changed. The decision is `planMergeFollowUps`
 * (src-shared/students/merge-followup.ts): only the writes the server would accept from this
 * laptop's user are made, the rest are left for a laptop that may (a practice admin's).
 *
 * Who the user is: after a sync, the identity the server gave the connection (its roles decide
 * every write); at start, the identity of the last sync (kept in the device-only local document
 * `merge-writer`), or for a laptop that never synced the role of the staff record chosen on it
 * (as the UI decides: a tutor's record = tutor, an administrator's or none = admin).
 */
import type { RxChangeEvent } from 'rxdb';
import type { ChangeContext } from '../../../src-shared/model/meta';
import type { Staff } from '../../../src-shared/model/types';
import { planMergeFollowUps, type LeftWrite, type MergeWriter } from '../../../src-shared/students/merge-followup';
import type { TutorDatabase } from './database';
import { IntentError } from './intents';
import { loadMergeDocs, MERGE_COLLECTIONS, writeMergePlan, type MergeCollection } from './merge';
import type { StatusStore } from './sync/status';

export const MERGE_WRITER_DOC = 'merge-writer';

export interface MergeFollowUpResult {
  /** Documents moved to their survivor. */
  moved: string[];
  /** What this laptop's user may not move (left for another laptop). */
  left: LeftWrite[];
  problems: string[];
  /** Merged families and students in the practice (0: nothing to follow, nothing else was read). */
  merged: number;
}

/** `all`: every document; else only these documents of the collections named (families and students always whole). */
export type FollowUpScope = 'all' | ReadonlyMap<MergeCollection, ReadonlySet<string>>;

const NOTHING: MergeFollowUpResult = { moved: [], left: [], problems: [], merged: 0 };
const running = new WeakMap<TutorDatabase, Promise<MergeFollowUpResult>>();

/**
 * Moves what still points at merged families and students to their final survivor, as far as
 * `writer` may; one intent. One run at a time per database. Throws IntentError when a document
 * changed between reading and writing (nothing is written then; run again).
 */
export function followUpMerges(
  db: TutorDatabase,
  ctx: ChangeContext,
  writer: MergeWriter,
  scope: FollowUpScope = 'all',
): Promise<MergeFollowUpResult> {
  const prev = running.get(db);
  const next = (prev ?? Promise.resolve()).catch(() => undefined).then(() => run(db, ctx, writer, scope));
  running.set(db, next);
  return next;
}

/** How many families and students are merged into another. */
async function countMerged(db: TutorDatabase): Promise<number> {
  let n = 0;
  for (const c of ['families', 'students'] as const) {
    const coll = (db.collections as unknown as Record<string, { find(q: unknown): { exec(): Promise<{ get(f: string): unknown }[]> } }>)[c];
    if (!coll) continue;
    const docs = await coll.find({ selector: { mergedInto: { $exists: true } } }).exec();
    n += docs.filter((d) => Boolean(d.get('mergedInto'))).length;
  }
  return n;
}

async function run(db: TutorDatabase, ctx: ChangeContext, writer: MergeWriter, scope: FollowUpScope): Promise<MergeFollowUpResult> {
  if (db.closed) return NOTHING;
  const merged = await countMerged(db);
  if (merged === 0) return NOTHING;
  let only: Map<MergeCollection, ReadonlySet<string>> | undefined;
  if (scope !== 'all') {
    only = new Map();
    // Families and students whole (chains, a family's students); claims whole when one changed
    // (the survivor's claim for the same lesson decides what a moved claim becomes).
    for (const c of MERGE_COLLECTIONS) {
      if (c === 'families' || c === 'students') continue;
      const ids = scope.get(c);
      if (c === 'billingclaims' && ids?.size) continue;
      only.set(c, ids ?? new Set());
    }
  }
  const docs = await loadMergeDocs(db, only);
  const plan = planMergeFollowUps(docs, ctx, writer);
  if (plan.problems.length) console.warn(`Merged records a person must look at: ${plan.problems.join('; ')}`);
  if (plan.writes.length > 0) await writeMergePlan(db, { kind: 'follow-up', writes: plan.writes }, ctx);
  return { moved: plan.writes.map((w) => `${w.collection}/${w.id}`), left: plan.left, problems: plan.problems, merged };
}

type DeviceDoc = { deviceId?: string; meStaffId?: string };

async function device(db: TutorDatabase): Promise<DeviceDoc | undefined> {
  return (await db.getLocal<DeviceDoc>('device'))?.toJSON().data as DeviceDoc | undefined;
}

/** Who writes at start: the last sync's identity, else the role of the staff record chosen on this laptop. */
export async function mergeWriterAtStart(db: TutorDatabase): Promise<MergeWriter> {
  const stored = (await db.getLocal<MergeWriter>(MERGE_WRITER_DOC))?.toJSON().data as MergeWriter | undefined;
  if (stored?.role) return { role: stored.role, staffId: stored.staffId ?? '' };
  const staffId = (await device(db))?.meStaffId ?? '';
  const me = staffId ? ((await db.staff?.findOne(staffId).exec())?.toJSON() as Staff | undefined) : undefined;
  return { role: me?.role === 'tutor' ? 'tutor' : 'admin', staffId };
}

/** At start (main.tsx): the follow-up over every document, as the writer of the last sync. */
export async function followUpMergesAtStart(db: TutorDatabase, ctx: ChangeContext): Promise<MergeFollowUpResult> {
  return followUpMerges(db, ctx, await mergeWriterAtStart(db), 'all');
}

/**
 * After each completed sync cycle (the status reaches up to date with a new `lastSyncedAt`), the
 * follow-up runs over what changed since the last run — every document when a merge itself came
 * or went (and at the first cycle) — so an idle live poll costs nothing, and a practice without a
 * merge reads nothing until one arrives. Used by start-sync.ts.
 */
export function mergesAfterSync(db: TutorDatabase, store: StatusStore): { unsubscribe(): void }[] {
  const names = MERGE_COLLECTIONS.filter((c) => (db.collections as Record<string, unknown>)[c]);
  if (!names.includes('families') || !names.includes('students')) return [];
  let full = true;
  /** The last run found no merged record (a new merge sets `full`). */
  let noneMerged = false;
  let changed = new Map<MergeCollection, Set<string>>();
  const note = (c: MergeCollection, e: RxChangeEvent<unknown>) => {
    if (c === 'families' || c === 'students') {
      const after = (e.documentData as { mergedInto?: string } | undefined)?.mergedInto ?? '';
      const before = (e.previousDocumentData as { mergedInto?: string } | undefined)?.mergedInto ?? '';
      if (after !== before) full = true;
    }
    if (full) return; // every document is looked at anyway
    let set = changed.get(c);
    if (!set) changed.set(c, (set = new Set()));
    set.add(e.documentId);
  };
  const subs: { unsubscribe(): void }[] = names.map((c) =>
    (db.collections as unknown as Record<string, { $: { subscribe(f: (e: RxChangeEvent<unknown>) => void): { unsubscribe(): void } } }>)[
      c
    ]!.$.subscribe((e) => note(c, e)),
  );
  let last = store.get().lastSyncedAt;
  const stopListening = store.listen((s) => {
    if (s.state !== 'up-to-date' || !s.lastSyncedAt || s.lastSyncedAt === last || !s.identity) return;
    last = s.lastSyncedAt;
    if (!full && (changed.size === 0 || noneMerged)) {
      changed = new Map();
      return;
    }
    const scope: FollowUpScope = full ? 'all' : changed;
    full = false;
    changed = new Map();
    const writer: MergeWriter = { role: s.identity.isAdmin ? 'admin' : 'tutor', staffId: s.identity.staffId };
    void (async () => {
      const dev = await device(db);
      if (!dev?.deviceId || db.closed) return;
      const stored = (await db.getLocal<MergeWriter>(MERGE_WRITER_DOC))?.toJSON().data as MergeWriter | undefined;
      if (stored?.role !== writer.role || stored.staffId !== writer.staffId) await db.upsertLocal(MERGE_WRITER_DOC, writer);
      try {
        const r = await followUpMerges(db, { deviceId: dev.deviceId, staffId: dev.meStaffId || 'unknown', now: new Date() }, writer, scope);
        noneMerged = r.merged === 0;
      } catch (e) {
        // A document changed while the follow-up ran (a sync, another window): next cycle, everything.
        full = true;
        if (!(e instanceof IntentError && e.outcome === 'nothing_saved')) throw e;
      }
    })().catch((e: unknown) => console.error('merge follow-up after sync failed', e));
  });
  return [...subs, { unsubscribe: stopListening }];
}
