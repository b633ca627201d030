/**
 * The intent log's executor (docs/data-model.md "Writes that span several documents"): an
 * operation that writes several documents stores its INTENT first (each document before and after,
 * `src-shared/integrity/intent-log.ts`), then writes the documents, then forgets the intent. If the
 * writes stop half-way (quota exceeded, a crash, a closed window), the intent is still stored, and
 * `recoverIntents` — at the next start, or at once when the storage answers again — finishes or
 * rolls back the operation with `planRecovery`, or keeps it for a person when another device
 * changed one of its documents meanwhile.
 *
 * The intents live in ONE local document of this database (`pending-intents`: device-only, never
 * replicated), keyed by `intent:<id>`; a call of `runIntents` with several intents (a month's drafts,
 * one intent per family) stores them in one write. Changes of that list are serialised per database.
 */
import { isQuotaError } from '../../../src-shared/validation/storage-errors';
import {
  docKey,
  intentKey,
  planRecovery,
  writeState,
  type Intent,
  type Recovery,
  type RecoveryStep,
} from '../../../src-shared/integrity/intent-log';
import type { ChangeContext, SyncMeta } from '../../../src-shared/model/meta';
import type { CollectionName } from '../../../src-shared/model/schemas';
import { stampDeletion, type AnyDoc } from '../../../src-shared/sync/merge';
import type { TutorDatabase } from './database';
import { localDoc$ } from './local-docs';
import { map, type Observable } from 'rxjs';
import { countOf, formOf } from '../../../src-shared/locale/count';
import { NOUNS, VERBS } from '../../../src-shared/locale/wording';

export const PENDING_INTENTS_DOC = 'pending-intents';

/** An intent kept for a person: planRecovery said `needs_person`. */
export interface HeldIntent {
  key: string;
  intent: Intent;
  message: string;
  changed: { collection: CollectionName; id: string }[];
}

interface PendingList {
  /** `intent:<id>` of a stored batch → its intents (several for a month's drafts). */
  batches: Record<string, Intent[]>;
  /** Intents that need a person (not retried at start). */
  held: HeldIntent[];
}

/**
 * Why an operation did not complete, in a sentence a person can act on:
 * - `nothing_saved`: nothing of it was written (a document changed meanwhile, or the intent itself
 *   could not be stored);
 * - `pending`: part of it was written and the storage refused the rest; it is completed (or undone)
 *   when TutorDesk next starts, or it waits for a person when that is not clean.
 */
export class IntentError extends Error {
  constructor(
    message: string,
    readonly outcome: 'nothing_saved' | 'pending',
    /** Documents found changed before anything was written (`collection/id`). */
    readonly conflicts: string[] = [],
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'IntentError';
  }
}

/** What a storage error means for a person (quota exceeded is the usual one). */
export function storageReason(e: unknown): string {
  const err = e as { name?: string; message?: string } | null;
  if (isQuotaError(e) || /quota/i.test(`${err?.name ?? ''} ${err?.message ?? String(e)}`))
    return 'the computer’s storage for TutorDesk is full';
  return (err?.message ?? String(e)).split('\n')[0]!.slice(0, 200);
}

const queues = new WeakMap<TutorDatabase, Promise<unknown>>();

/** Runs `fn` after every earlier change of the pending list of this database (one at a time). */
function serialised<T>(db: TutorDatabase, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(db) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  queues.set(
    db,
    next.catch(() => undefined),
  );
  return next;
}

async function readList(db: TutorDatabase): Promise<PendingList> {
  const doc = await db.getLocal<PendingList>(PENDING_INTENTS_DOC);
  const data = doc?.toJSON().data as Partial<PendingList> | undefined;
  return { batches: { ...(data?.batches ?? {}) }, held: [...(data?.held ?? [])] };
}

function changeList(db: TutorDatabase, fn: (list: PendingList) => void): Promise<void> {
  return serialised(db, async () => {
    const list = await readList(db);
    fn(list);
    await db.upsertLocal<PendingList>(PENDING_INTENTS_DOC, list);
  });
}

type AnyColl = {
  findOne(id: string): {
    exec(): Promise<{ deleted: boolean; toJSON(): unknown; incrementalModify(fn: (d: AnyDoc) => AnyDoc): Promise<unknown> } | null>;
  };
  insert(doc: SyncMeta): Promise<unknown>;
  bulkInsert(docs: SyncMeta[]): Promise<{ success: unknown[]; error: { documentId: string; status: number }[] }>;
};

function coll(db: TutorDatabase, name: CollectionName): AnyColl {
  const c = (db.collections as unknown as Record<string, AnyColl | undefined>)[name];
  if (!c) throw new Error(`This database has no ${name} collection`);
  return c;
}

/** The current version of every document the intents name (one query per collection). */
async function currentDocs(db: TutorDatabase, intents: readonly Intent[]): Promise<Map<string, SyncMeta | null>> {
  const ids = new Map<CollectionName, Set<string>>();
  for (const i of intents) for (const w of i.writes) ids.set(w.collection, (ids.get(w.collection) ?? new Set()).add(w.id));
  const out = new Map<string, SyncMeta | null>();
  for (const [collection, set] of ids) {
    const found = await (
      db.collections[collection] as unknown as { findByIds(ids: string[]): { exec(): Promise<Map<string, { toJSON(): unknown }>> } }
    )
      .findByIds([...set])
      .exec();
    for (const id of set) {
      const doc = found.get(id);
      out.set(docKey(collection, id), doc ? (doc.toJSON() as SyncMeta) : null);
    }
  }
  return out;
}

/** Writes one document as `doc` (null = deletes it, with the sync stamp of a deletion). */
async function writeOne(
  db: TutorDatabase,
  collection: CollectionName,
  id: string,
  doc: SyncMeta | null,
  ctx: ChangeContext,
): Promise<void> {
  const existing = await coll(db, collection).findOne(id).exec();
  if (doc === null) {
    if (!existing || existing.deleted) return;
    await existing.incrementalModify((d) => stampDeletion(d, { ...ctx, now: new Date() }));
    return;
  }
  if (!existing || existing.deleted) {
    // RxDB inserts over a deleted version (a released claim billed again).
    await coll(db, collection).insert(doc);
    return;
  }
  await existing.incrementalModify((prev) => {
    const storage = Object.fromEntries(Object.entries(prev).filter(([k]) => k.startsWith('_')));
    return { ...storage, ...doc, _deleted: false } as unknown as AnyDoc;
  });
}

/**
 * The documents of `intents`, written: new documents in bulk per collection (billing claims
 * first), then changes and deletions one by one.
 */
async function writeAll(db: TutorDatabase, intents: readonly Intent[], ctx: ChangeContext): Promise<void> {
  const inserts = new Map<CollectionName, SyncMeta[]>();
  const others: { collection: CollectionName; id: string; doc: SyncMeta | null }[] = [];
  for (const i of intents) {
    for (const w of i.writes) {
      if (w.before === null && w.after !== null) inserts.set(w.collection, [...(inserts.get(w.collection) ?? []), w.after]);
      else others.push({ collection: w.collection, id: w.id, doc: w.after });
    }
  }
  // Claims first: a lesson claimed meanwhile (a sync) stops the operation before its invoice.
  const order = [...inserts.keys()].sort((a, b) => Number(b === 'billingclaims') - Number(a === 'billingclaims'));
  for (const collection of order) {
    const docs = inserts.get(collection)!;
    const result = await coll(db, collection).bulkInsert(docs);
    if (result.error.length > 0) {
      const first = result.error[0]!;
      throw new Error(`Could not save ${collection} ${first.documentId} (status ${first.status})`);
    }
  }
  for (const o of others) await writeOne(db, o.collection, o.id, o.doc, ctx);
}

function describe(intents: readonly Intent[]): string {
  const first = intents[0]!.description;
  return intents.length > 1 ? `${first} and ${intents.length - 1} more` : first;
}

/**
 * Runs an operation's intents all or nothing from the user's point of view. Before anything is
 * written, every document must still be what the operation was computed from (else nothing is
 * written: `IntentError` 'nothing_saved', with the changed documents). When the writes fail part of
 * the way, the operation is recovered at once if the storage answers again (then this resolves as if
 * nothing happened); otherwise it stays for the next start and this throws 'pending'.
 */
export async function runIntents(db: TutorDatabase, intents: readonly Intent[], ctx: ChangeContext): Promise<void> {
  const todo = intents.filter((i) => i.writes.length > 0);
  if (todo.length === 0) return;
  const what = describe(todo);
  const current = await currentDocs(db, todo);
  const conflicts = todo.flatMap((i) =>
    i.writes
      .filter((w) => writeState(w, current.get(docKey(w.collection, w.id)) ?? null) !== 'pending')
      .map((w) => docKey(w.collection, w.id)),
  );
  if (conflicts.length > 0) {
    throw new IntentError(
      `${what} was not saved: ${conflicts.length > 1 ? `${countOf(conflicts.length, NOUNS.record)} ${formOf(conflicts.length, VERBS.was)}` : `${conflicts[0]} was`} changed meanwhile (perhaps in another window or by a sync). Nothing was saved; try again.`,
      'nothing_saved',
      conflicts,
    );
  }
  const key = intentKey(todo[0]!.id);
  try {
    await changeList(db, (list) => {
      list.batches[key] = [...todo];
    });
  } catch (e) {
    throw new IntentError(`${what} was not saved: ${storageReason(e)}. Nothing was saved.`, 'nothing_saved', [], e);
  }
  try {
    await writeAll(db, todo, ctx);
  } catch (e) {
    // Undo what was written at once: the person is told it failed, so nothing of it should stay.
    let outcome: RecoverySummary | null = null;
    try {
      outcome = await recoverBatch(db, key, ctx, 'roll_back');
    } catch {
      outcome = null;
    }
    if (outcome && outcome.held.length === 0) {
      throw new IntentError(`${what} was not saved: ${storageReason(e)}. Nothing was saved.`, 'nothing_saved', [], e);
    }
    throw new IntentError(
      outcome
        ? `${what} stopped half-way (${storageReason(e)}), and one of its records was changed meanwhile: it is listed under “Needs your attention” on the Invoices screen.`
        : `${what} stopped half-way: ${storageReason(e)}. What was written is kept safe, and TutorDesk completes it the next time it starts (free some space first).`,
      'pending',
      [],
      e,
    );
  }
  try {
    await changeList(db, (list) => {
      delete list.batches[key];
    });
  } catch {
    // The documents are written; at next start the intent is found complete and forgotten.
  }
}

/** Shorthand for one intent. */
export function runIntent(db: TutorDatabase, intent: Intent, ctx: ChangeContext): Promise<void> {
  return runIntents(db, [intent], ctx);
}

export interface RecoveryReport {
  intent: Intent;
  action: Recovery['action'];
  message: string;
}

export interface RecoverySummary {
  reports: RecoveryReport[];
  held: HeldIntent[];
}

async function applySteps(db: TutorDatabase, steps: readonly RecoveryStep[], ctx: ChangeContext): Promise<void> {
  for (const s of steps) await writeOne(db, s.collection, s.id, s.doc, ctx);
}

/**
 * Recovers one stored batch: each intent planned (its own way, or rolled back), its steps written,
 * then planned again. At start, an intent whose completion the storage refuses for another reason
 * than space (a record the schema refuses) is rolled back instead.
 */
async function recoverBatch(db: TutorDatabase, key: string, ctx: ChangeContext, way: 'as_stored' | 'roll_back'): Promise<RecoverySummary> {
  const list = await readList(db);
  const intents = list.batches[key] ?? [];
  const out: RecoverySummary = { reports: [], held: [] };
  for (const stored of intents) {
    let intent: Intent = way === 'roll_back' ? { ...stored, prefer: 'roll_back' } : stored;
    let plan = planRecovery(intent, await currentDocs(db, [intent]));
    try {
      await applySteps(db, plan.steps, ctx);
    } catch (e) {
      if (plan.action !== 'finish' || /quota/i.test(String((e as Error)?.name) + String((e as Error)?.message))) throw e;
      intent = { ...stored, prefer: 'roll_back' };
      plan = planRecovery(intent, await currentDocs(db, [intent]));
      await applySteps(db, plan.steps, ctx);
    }
    // Planning again must now say there is nothing left to do (idempotence, and a check of the writes).
    const after = plan.steps.length ? planRecovery(intent, await currentDocs(db, [intent])) : plan;
    if (after.action === 'needs_person') {
      out.held.push({ key: intentKey(intent.id), intent, message: after.message, changed: after.changed });
    } else if (after.action !== 'done' && after.action !== 'not_started') {
      throw new Error(`${intent.description}: recovery did not complete`);
    }
    out.reports.push({ intent, action: plan.action, message: plan.message });
  }
  await changeList(db, (l) => {
    delete l.batches[key];
    for (const h of out.held) if (!l.held.some((x) => x.key === h.key)) l.held.push(h);
  });
  return out;
}

/**
 * At start: every intent left by an operation that stopped half-way is finished, rolled back or
 * held for a person (planRecovery). Idempotent: a crash during recovery is recovered the same way.
 * A batch whose recovery fails (the storage still refuses) stays for the next start.
 */
export async function recoverIntents(db: TutorDatabase, ctx: ChangeContext): Promise<RecoverySummary> {
  const list = await readList(db);
  const out: RecoverySummary = { reports: [], held: [] };
  for (const key of Object.keys(list.batches)) {
    try {
      const r = await recoverBatch(db, key, ctx, 'as_stored');
      out.reports.push(...r.reports);
      out.held.push(...r.held);
    } catch (e) {
      console.error(`Could not recover ${key}:`, e);
    }
  }
  return out;
}

/** The intents that need a person, now and after every change. */
export function watchHeldIntents(db: TutorDatabase): Observable<HeldIntent[]> {
  return localDoc$(db, PENDING_INTENTS_DOC).pipe(
    map((d) => ((d?.toJSON().data as Partial<PendingList> | undefined)?.held ?? []) as HeldIntent[]),
  );
}

/** Intents stored and not yet finished (tests, diagnostics). */
export async function pendingIntents(db: TutorDatabase): Promise<Intent[]> {
  return Object.values((await readList(db)).batches).flat();
}

/**
 * A person has looked at a held intent and keeps its records as they are now: it is forgotten.
 * (Its records are left exactly as they are; the orphan-claim check then releases claims that
 * no invoice holds.)
 */
export function dismissHeldIntent(db: TutorDatabase, key: string): Promise<void> {
  return changeList(db, (list) => {
    list.held = list.held.filter((h) => h.key !== key);
  });
}
