/**
 * All-or-nothing multi-document writes, from the user's point of view (docs/data-model.md
 * "Writes that span several documents"). The local storage has no transactions across documents
 * (nor across collections), so an operation that writes several records — issue, void, delete a
 * draft, generate, record a payment, import, merge, a credit note — does this:
 *
 *   1. build the list of writes (each document before and after) — pure, `intentFromWrites`;
 *   2. store the INTENT first, on this device only (an RxDB local document `intent:<id>`: not
 *      synced, not a collection);
 *   3. write the documents (in any order);
 *   4. delete the intent.
 *
 * If the app stops between 2 and 4 (a crash, quota exceeded, power cut), the intent is still there
 * at next start: `planRecovery(intent, current)` compares each document with its before and after
 * versions and decides to FINISH the operation (write what is missing) or ROLL IT BACK (restore
 * what was written), never leaving half of it. A document that somebody else changed meanwhile
 * (a sync pulled another version) is never overwritten blindly: when neither way is clean, the
 * intent goes to a person, with the documents concerned.
 *
 * The executor (data layer) runs the steps and then plans again: planning is idempotent, so a crash
 * during recovery is recovered the same way. Pure.
 */
import { META_FIELDS, type ChangeContext, type SyncMeta } from '../model/meta';
import type { CollectionName } from '../model/schemas';
import { formOf } from '../locale/count';

export const INTENT_OPERATIONS = [
  'issue',
  'void',
  'delete_draft',
  'edit_draft',
  'generate',
  'payment',
  'edit_payment',
  'refund',
  'credit_note',
  'import',
  'merge',
  'claims_repair',
] as const;
export type IntentOperation = (typeof INTENT_OPERATIONS)[number];

export interface IntentWrite {
  collection: CollectionName;
  id: string;
  /** The document before the operation (null = it did not exist). Kept whole: a roll-back restores it. */
  before: SyncMeta | null;
  /** The document the operation writes (null = it deletes it). */
  after: SyncMeta | null;
}

export interface Intent {
  id: string;
  operation: IntentOperation;
  /** For the person, if it comes to that: "Void INV-2026-K7Q-0042". */
  description: string;
  createdAt: string;
  deviceId: string;
  staffId: string;
  /** Which way to recover when both are clean. */
  prefer: 'finish' | 'roll_back';
  writes: IntentWrite[];
}

/** The local-document key of an intent. */
export function intentKey(intentId: string): string {
  return `intent:${intentId}`;
}

/**
 * The intent of an operation from its writes (same id twice = an error in the caller). Writes
 * that change nothing are dropped. Most operations prefer to FINISH: their result is what the
 * person asked for, and every half of it is consistent only when complete.
 */
export function intentFromWrites(
  operation: IntentOperation,
  description: string,
  writes: readonly IntentWrite[],
  ctx: ChangeContext,
  newId: () => string,
  prefer: Intent['prefer'] = 'finish',
): Intent {
  const seen = new Set<string>();
  const kept: IntentWrite[] = [];
  for (const w of writes) {
    const key = `${w.collection}/${w.id}`;
    if (seen.has(key)) throw new Error(`The operation writes ${key} twice`);
    seen.add(key);
    if (w.before === null && w.after === null) continue;
    if (w.before && w.after && sameContent(w.before, w.after)) continue;
    kept.push(w);
  }
  return {
    id: newId(),
    operation,
    description,
    createdAt: ctx.now.toISOString(),
    deviceId: ctx.deviceId,
    staffId: ctx.staffId,
    prefer,
    writes: kept,
  };
}

/** Shorthands for building writes. */
export const put = (collection: CollectionName, before: SyncMeta | null | undefined, after: SyncMeta): IntentWrite => ({
  collection,
  id: after.id,
  before: before ?? null,
  after,
});
export const remove = (collection: CollectionName, before: SyncMeta): IntentWrite => ({ collection, id: before.id, before, after: null });

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([k]) => !k.startsWith('_'))
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}

const BOOKKEEPING = new Set<string>(META_FIELDS.filter((f) => f !== 'id'));

/**
 * Same document content: the user data and the id, ignoring storage fields (`_rev`, `_meta`, …)
 * and the sync bookkeeping (`updatedAt`, `fieldClock`, …), which a store or a re-stamp may change.
 */
export function sameContent(a: SyncMeta | null, b: SyncMeta | null): boolean {
  if (a === null || b === null) return a === b;
  const strip = (d: SyncMeta) => Object.fromEntries(Object.entries(d).filter(([k]) => !BOOKKEEPING.has(k)));
  return stable(strip(a)) === stable(strip(b));
}

export type WriteState = 'applied' | 'pending' | 'changed';

/** Where one write stands: done (the document is its after), not done (its before), or neither. */
export function writeState(w: IntentWrite, current: SyncMeta | null): WriteState {
  if (sameContent(current, w.after)) return 'applied';
  if (sameContent(current, w.before)) return 'pending';
  return 'changed';
}

export interface RecoveryStep {
  collection: CollectionName;
  id: string;
  /** The document to store (null = delete it). */
  doc: SyncMeta | null;
}

export type Recovery =
  | { action: 'done'; steps: []; message: string }
  | { action: 'not_started'; steps: []; message: string }
  | { action: 'finish'; steps: RecoveryStep[]; message: string }
  | { action: 'roll_back'; steps: RecoveryStep[]; message: string }
  | { action: 'needs_person'; steps: []; message: string; changed: { collection: CollectionName; id: string }[] };

/** The current version of every document an intent names (absent key or null = not in storage). */
export type CurrentDocs = ReadonlyMap<string, SyncMeta | null>;

export function docKey(collection: CollectionName, id: string): string {
  return `${collection}/${id}`;
}

/**
 * What to do with an intent found at start: 'done' and 'not_started' only clear it; 'finish' and
 * 'roll_back' list the documents to store (then clear it); 'needs_person' keeps it and says which
 * documents another device changed meanwhile. Deterministic and idempotent: planning again after
 * some of the steps were stored gives the rest.
 */
export function planRecovery(intent: Intent, current: CurrentDocs): Recovery {
  const states = intent.writes.map((w) => ({ w, state: writeState(w, current.get(docKey(w.collection, w.id)) ?? null) }));
  const applied = states.filter((s) => s.state === 'applied').length;
  const pending = states.filter((s) => s.state === 'pending').length;
  const changed = states.filter((s) => s.state === 'changed');
  const what = intent.description;
  if (applied === states.length) return { action: 'done', steps: [], message: `${what}: completed.` };
  if (pending === states.length) return { action: 'not_started', steps: [], message: `${what} was not saved: nothing of it was written.` };
  if (changed.length === 0) {
    if (intent.prefer === 'finish') {
      return {
        action: 'finish',
        steps: states.filter((s) => s.state === 'pending').map(({ w }) => ({ collection: w.collection, id: w.id, doc: w.after })),
        message: `${what} had stopped half-way: it was completed.`,
      };
    }
    return {
      action: 'roll_back',
      steps: states.filter((s) => s.state === 'applied').map(({ w }) => ({ collection: w.collection, id: w.id, doc: w.before })),
      message: `${what} had stopped half-way: it was undone.`,
    };
  }
  return {
    action: 'needs_person',
    steps: [],
    message: `${what} had stopped half-way, and ${formOf(changed.length, { one: 'one of its records was', other: `${changed.length} of its records were` })} changed on another device since: check ${changed.map(({ w }) => `${w.collection} ${w.id}`).join(', ')} before finishing or undoing it.`,
    changed: changed.map(({ w }) => ({ collection: w.collection, id: w.id })),
  };
}

/** The ids of the documents that pending intents still own (orphan checks leave them to recovery). */
export function pendingIntentDocs(intents: Iterable<Intent>): Set<string> {
  const out = new Set<string>();
  for (const i of intents) for (const w of i.writes) out.add(docKey(w.collection, w.id));
  return out;
}
