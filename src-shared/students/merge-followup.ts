/**
 * Merges finished after sync (docs/data-model.md "Merging duplicates", "After sync"). Another
 * laptop may write a lesson, a note, a payment or an invoice draft for a duplicate before it
 * receives the merge; those references still point at the duplicate. `planMergeFollowUps` runs the
 * merge plan again for every family and student with `mergedInto` — towards the FINAL survivor of
 * a chain (A merged into B, B into C: A's late references go to C, `resolveMerged`) — and keeps
 * only the writes this laptop's user may make: exactly the server rules' decision (`checkWrite`,
 * src-shared/sync/permissions.ts), so a laptop never pushes a write the server refuses. What it may
 * not make is left for a laptop that may (an admin's, or the tutor's who owns the lesson or note):
 *
 * - a practice admin may move every reference;
 * - a tutor may move students, draft invoices, billing claims, and their OWN lessons, occurrences
 *   and notes; never payments (a payment's family is fixed except by an admin's merge), issued
 *   invoices or credit notes, nor another tutor's lessons, occurrences and notes.
 *
 * Pure: the data layer loads the documents and writes the result as one intent.
 */
import type { ChangeContext, SyncMeta } from '../model/meta';
import type { CollectionName } from '../model/schemas';
import { checkWrite, type PracticeRole, type WriteIdentity } from '../sync/permissions';
import { MergeError, planFamilyMerge, planStudentMerge, resolveMerged, type MergeDocs, type PlannedWrite } from './merge';

/** Who writes, as the server will see them. */
export interface MergeWriter {
  role: PracticeRole;
  /** The user's staff record ('' when none: `own` grants then refuse). */
  staffId: string;
}

/** A write the merge needs that this laptop's user may not make (another laptop will). */
export interface LeftWrite {
  collection: CollectionName;
  id: string;
  reason: string;
}

export interface MergeFollowUp {
  /** What to write now (each document once: before as stored, after as finally planned). */
  writes: PlannedWrite[];
  /** What the server would refuse from this user. */
  left: LeftWrite[];
  /** Merged records the plans could not finish (a cycle, a missing survivor), for the log. */
  problems: string[];
}

type Kind = 'family' | 'student';

/** The merged records, oldest id first so the result does not depend on the order docs came in. */
function mergedRecords(docs: MergeDocs): { kind: Kind; id: string; survivorId: string }[] {
  const out: { kind: Kind; id: string; survivorId: string }[] = [];
  const families = new Map(docs.families.map((f) => [f.id, f]));
  const students = new Map(docs.students.map((s) => [s.id, s]));
  for (const f of [...docs.families].sort((a, b) => a.id.localeCompare(b.id)))
    if (f.mergedInto) out.push({ kind: 'family', id: f.id, survivorId: resolveMerged(f.id, families) });
  for (const s of [...docs.students].sort((a, b) => a.id.localeCompare(b.id)))
    if (s.mergedInto) out.push({ kind: 'student', id: s.id, survivorId: resolveMerged(s.id, students) });
  return out;
}

/** The documents with the writes applied (the next plan starts from them). */
function withWrites(docs: MergeDocs, writes: readonly PlannedWrite[]): MergeDocs {
  const out = { ...docs } as unknown as Record<string, readonly SyncMeta[]>;
  for (const w of writes) {
    const list = (out[w.collection] ?? []).filter((d) => d.id !== w.id);
    out[w.collection] = w.after ? [...list, w.after] : list;
  }
  return out as unknown as MergeDocs;
}

/** CouchDB's form of a document for the rules (`_id`; a deletion is the stored document with `_deleted`). */
function asStored(id: string, doc: SyncMeta | null, deleted = false): Record<string, unknown> {
  return { ...(doc as unknown as Record<string, unknown>), _id: id, ...(deleted ? { _deleted: true } : {}) };
}

/** The server rules' refusal of one planned write by `writer`, or null when it may. */
export function mergeWriteRefusal(w: Pick<PlannedWrite, 'collection' | 'id' | 'before' | 'after'>, writer: MergeWriter): string | null {
  const who: WriteIdentity = {
    practice: '',
    isServerAdmin: false,
    isMember: true,
    isAdmin: writer.role === 'admin',
    staffId: writer.staffId,
  };
  const newDoc = w.after ? asStored(w.id, w.after) : asStored(w.id, w.before, true);
  const refusal = checkWrite(w.collection, who, w.before ? asStored(w.id, w.before) : null, newDoc);
  return refusal ? refusal.reason : null;
}

/**
 * Every write that moves references still pointing at a merged family or student to its final
 * survivor, and that `writer` may make. No writes = nothing to do. A document touched by several
 * merges (an invoice of a merged family with a line of a merged student) is written once.
 */
export function planMergeFollowUps(docs: MergeDocs, ctx: ChangeContext, writer: MergeWriter): MergeFollowUp {
  const problems: string[] = [];
  const planned = new Map<string, PlannedWrite>();
  let current = docs;
  for (const m of mergedRecords(docs)) {
    if (m.survivorId === m.id) {
      problems.push(`${m.kind} ${m.id} is merged in a circle; a person must choose which record to keep`);
      continue;
    }
    let writes: PlannedWrite[];
    try {
      writes = (m.kind === 'family' ? planFamilyMerge : planStudentMerge)(m.survivorId, m.id, current, ctx).writes;
    } catch (e) {
      if (!(e instanceof MergeError)) throw e;
      problems.push(`${m.kind} ${m.id}: ${e.message}`);
      continue;
    }
    for (const w of writes) {
      const key = `${w.collection}/${w.id}`;
      const first = planned.get(key);
      planned.set(key, first ? { ...w, before: first.before, why: `${first.why}; ${w.why}` } : w);
    }
    current = withWrites(current, writes);
  }
  const out: MergeFollowUp = { writes: [], left: [], problems };
  for (const w of planned.values()) {
    if (w.before === null && w.after === null) continue;
    const reason = mergeWriteRefusal(w, writer);
    if (reason) out.left.push({ collection: w.collection, id: w.id, reason });
    else out.writes.push(w);
  }
  return out;
}
