/**
 * Merging two families or two students that are the same (docs/data-model.md "Merging
 * duplicates"). `planFamilyMerge` / `planStudentMerge` are pure: from the documents as they are,
 * they list EVERY write the merge needs — each with the document before and after — and the
 * decisions taken field by field, so the data layer can apply the plan as one intent-logged
 * operation (src-shared/integrity/intent-log.ts `intentFromWrites`) and show the decisions first.
 *
 * What moves from the duplicate to the survivor:
 * - family merge: students' `familyId`, invoices' and credit notes' `familyId` (issued ones too:
 *   only that reference changes, see lifecycle `ReferenceRewrite`), payments' (and refunds' and
 *   reversals') `familyId`, billing claims' `familyId`;
 * - student merge: lessons' `studentIds`, occurrences' `studentStatus` keys, notes' `studentIds`,
 *   invoice lines' `studentId` (issued invoices too, the same way), billing claims (their id holds
 *   the student id: the claim is re-created under the survivor's id and the old one deleted),
 *   prepaid packages.
 *
 * The duplicate is not deleted: it is archived with `mergedInto` = the survivor, so a record that
 * another laptop wrote before it synced the merge still resolves (`resolveMerged`), and running
 * the plan again after sync moves those late references too (a plan with no writes = done; the
 * data layer does it after every sync, ./merge-followup.ts). Planning with a duplicate already
 * merged into another record (a chain: A into B, then B into C; planned as C ← A) moves only the
 * references: the duplicate's own record keeps its `mergedInto`, which never changes.
 *
 * Field rules (the survivor keeps what), each reported as a FieldDecision:
 * - names and kind: the survivor's;
 * - e-mail, phone, contact name, year/level, address, rates, billing model, monthly fee: the
 *   survivor's when set, else the duplicate's; when both are set and differ the survivor's is kept
 *   and the decision `needsPerson` (the dialog offers the other; `choices` flips it);
 * - notes: both, the duplicate's under a heading naming it;
 * - subjects and packages: the union;
 * - status: the more active of the two (active, then paused, then archived).
 */
import { stampChange, type ChangeContext, type SyncMeta } from '../model/meta';
import type { CollectionName } from '../model/schemas';
import type { BillingClaim, Family, Invoice, Lesson, Note, Occurrence, Payment, Student } from '../model/types';
import { claimId } from '../billing/claims';
import { updateInvoice, type ReferenceRewrite } from '../billing/lifecycle';
import { normaliseEmail, normaliseName, normalisePhone } from './duplicates';

export interface MergeDocs {
  families: readonly Family[];
  students: readonly Student[];
  lessons: readonly Lesson[];
  occurrences: readonly Occurrence[];
  notes: readonly Note[];
  invoices: readonly Invoice[];
  payments: readonly Payment[];
  billingclaims: readonly BillingClaim[];
}

export interface PlannedWrite {
  collection: CollectionName;
  id: string;
  /** The document as it is now (null = created by the merge). */
  before: SyncMeta | null;
  /** The document to write (null = deleted by the merge). */
  after: SyncMeta | null;
  /** Why, for the log and the confirmation dialog. */
  why: string;
}

export interface FieldDecision {
  field: string;
  /** The field's name for people ("E-mail"). */
  label: string;
  survivorValue: unknown;
  duplicateValue: unknown;
  kept: 'survivor' | 'duplicate' | 'both';
  /** Both records had a different value: the dialog shows both and lets the person choose. */
  needsPerson: boolean;
}

export interface MergePlan {
  kind: 'family' | 'student';
  survivorId: string;
  duplicateId: string;
  writes: PlannedWrite[];
  decisions: FieldDecision[];
  /** What the merge cannot settle alone (shown to the person before and after). */
  conflicts: string[];
  /** Documents changed per collection (for "Moves 12 lessons, 3 invoices, …"). */
  counts: Partial<Record<CollectionName, number>>;
}

export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

/** Field choices of the person: keep the survivor's or the duplicate's value. */
export type MergeChoices = Partial<Record<string, 'survivor' | 'duplicate'>>;

type Values<T> = Omit<T, keyof SyncMeta>;

function stripMeta<T extends SyncMeta>(doc: T): Values<T> {
  const { id: _i, createdAt: _c, updatedAt: _u, updatedBy: _b, deviceId: _d, fieldClock: _f, ...rest } = doc;
  return rest as Values<T>;
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).every((x) => typeof x === 'string' && x.trim() === '');
  return false;
}

function sameValue(field: string, a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    if (field === 'email') return normaliseEmail(a) === normaliseEmail(b);
    if (field === 'phone') return normalisePhone(a) === normalisePhone(b);
    return normaliseName(a) === normaliseName(b);
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One "survivor's when set, else the duplicate's" field, with the decision taken. */
function pick<T>(field: string, label: string, survivor: T, duplicate: T, choices: MergeChoices, decisions: FieldDecision[]): T {
  const s = isEmpty(survivor);
  const d = isEmpty(duplicate);
  if (d || sameValue(field, survivor, duplicate)) return survivor;
  if (s) {
    decisions.push({ field, label, survivorValue: survivor, duplicateValue: duplicate, kept: 'duplicate', needsPerson: false });
    return duplicate;
  }
  const kept = choices[field] ?? 'survivor';
  decisions.push({ field, label, survivorValue: survivor, duplicateValue: duplicate, kept, needsPerson: true });
  return kept === 'duplicate' ? duplicate : survivor;
}

function mergeNotes(survivor: string, duplicate: string, duplicateName: string, decisions: FieldDecision[]): string {
  if (!duplicate.trim() || survivor.includes(duplicate.trim())) return survivor;
  decisions.push({ field: 'notes', label: 'Notes', survivorValue: survivor, duplicateValue: duplicate, kept: 'both', needsPerson: false });
  return `${survivor.trim() ? `${survivor.trimEnd()}\n\n` : ''}From the merged record “${duplicateName}”:\n${duplicate.trim()}`;
}

function write(writes: PlannedWrite[], collection: CollectionName, before: SyncMeta | null, after: SyncMeta | null, why: string): void {
  writes.push({ collection, id: (after ?? before)!.id, before, after, why });
}

function count(writes: PlannedWrite[]): Partial<Record<CollectionName, number>> {
  const out: Partial<Record<CollectionName, number>> = {};
  for (const w of writes) out[w.collection] = (out[w.collection] ?? 0) + 1;
  return out;
}

/** Re-points an invoice; an issued one only through the reference-rewrite allowance. */
function rewriteInvoice(inv: Invoice, next: Invoice, ctx: ChangeContext, merge: ReferenceRewrite): Invoice {
  return updateInvoice(inv, next, ctx, { merge });
}

/** The record a possibly merged id now stands for (follows `mergedInto`, cycles stopped). */
export function resolveMerged<T extends { id: string; mergedInto?: string }>(id: string, records: ReadonlyMap<string, T>): string {
  const seen = new Set<string>();
  let cur = id;
  for (;;) {
    const next = records.get(cur)?.mergedInto;
    if (!next || seen.has(next)) return cur;
    seen.add(cur);
    cur = next;
  }
}

// ───────────────────────────── Families ─────────────────────────────

/**
 * Every write that merges family `duplicateId` into `survivorId`, and the field decisions. Throws
 * MergeError when either is missing or they are the same.
 */
export function planFamilyMerge(
  survivorId: string,
  duplicateId: string,
  docs: MergeDocs,
  ctx: ChangeContext,
  choices: MergeChoices = {},
): MergePlan {
  if (survivorId === duplicateId) throw new MergeError('Choose two different families');
  const survivor = docs.families.find((f) => f.id === survivorId);
  const duplicate = docs.families.find((f) => f.id === duplicateId);
  if (!survivor || !duplicate) throw new MergeError('One of the two families no longer exists');
  if (survivor.mergedInto) throw new MergeError(`${survivor.name} was itself merged into another family`);
  const writes: PlannedWrite[] = [];
  const decisions: FieldDecision[] = [];
  const conflicts: string[] = [];

  const merged: Values<Family> = {
    ...stripMeta(survivor),
    contactName: pick('contactName', 'Parent / guardian', survivor.contactName, duplicate.contactName, choices, decisions),
    email: pick('email', 'E-mail', survivor.email, duplicate.email, choices, decisions),
    phone: pick('phone', 'Phone', survivor.phone, duplicate.phone, choices, decisions),
    address: pick('address', 'Address', survivor.address, duplicate.address, choices, decisions),
    defaultRate: pick('defaultRate', 'Lesson rate', survivor.defaultRate, duplicate.defaultRate, choices, decisions),
    notes: mergeNotes(survivor.notes, duplicate.notes, duplicate.name, decisions),
    archived: survivor.archived && duplicate.archived,
  };
  const billingModel = pick('billingModel', 'Billing model', survivor.billingModel ?? '', duplicate.billingModel ?? '', choices, decisions);
  if (billingModel) merged.billingModel = billingModel;
  const monthlyFee = pick('monthlyFee', 'Monthly fee', survivor.monthlyFee ?? null, duplicate.monthlyFee ?? null, choices, decisions);
  if (monthlyFee) merged.monthlyFee = monthlyFee;
  // The records themselves: once, or again when the duplicate came back from the archive. A
  // duplicate merged into another record (a chain) stays as it is: `mergedInto` is set once.
  if (!duplicate.mergedInto || (duplicate.mergedInto === survivorId && !duplicate.archived)) {
    write(
      writes,
      'families',
      survivor,
      stampChange<Family>(survivor, merged, ctx, () => survivor.id),
      'keeps the details of both families',
    );
    write(
      writes,
      'families',
      duplicate,
      stampChange<Family>(duplicate, { ...stripMeta(duplicate), archived: true, mergedInto: survivorId }, ctx, () => duplicate.id),
      `merged into ${survivor.name}`,
    );
  }

  for (const s of docs.students) {
    if (s.familyId === duplicateId)
      write(
        writes,
        'students',
        s,
        stampChange<Student>(s, { ...stripMeta(s), familyId: survivorId }, ctx, () => s.id),
        `${s.firstName} ${s.lastName} now belongs to ${survivor.name}`,
      );
  }
  const rewrite: ReferenceRewrite = { kind: 'family', from: duplicateId, to: survivorId };
  for (const inv of docs.invoices) {
    if (inv.familyId !== duplicateId) continue;
    write(
      writes,
      'invoices',
      inv,
      rewriteInvoice(inv, { ...inv, familyId: survivorId }, ctx, rewrite),
      `${inv.number || 'draft'} now addressed to ${survivor.name}`,
    );
  }
  for (const p of docs.payments) {
    if (p.familyId === duplicateId)
      write(
        writes,
        'payments',
        p,
        stampChange<Payment>(p, { ...stripMeta(p), familyId: survivorId }, ctx, () => p.id),
        `${p.kind ?? 'payment'} of ${p.date} now ${survivor.name}'s`,
      );
  }
  for (const c of docs.billingclaims) {
    if (c.familyId === duplicateId)
      write(
        writes,
        'billingclaims',
        c,
        stampChange<BillingClaim>(c, { ...stripMeta(c), familyId: survivorId }, ctx, () => c.id),
        'billing claim follows its invoice',
      );
  }
  if (survivor.kind !== duplicate.kind)
    conflicts.push(
      `${survivor.name} is ${survivor.kind === 'self' ? 'an adult paying for themselves' : 'a family'} and ${duplicate.name} is not: the merged payer stays ${survivor.kind === 'self' ? 'self-paying' : 'a family'}.`,
    );
  return { kind: 'family', survivorId, duplicateId, writes, decisions, conflicts, counts: count(writes) };
}

// ───────────────────────────── Students ─────────────────────────────

const STATUS_RANK: Record<Student['status'], number> = { active: 0, paused: 1, archived: 2 };

function replaceId(ids: readonly string[], from: string, to: string): string[] {
  const out: string[] = [];
  for (const id of ids) {
    const v = id === from ? to : id;
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/**
 * Every write that merges student `duplicateId` into `survivorId`, the field decisions, and what a
 * person must settle (the two were both in a group lesson with different attendance; the same
 * lesson was billed for both).
 */
export function planStudentMerge(
  survivorId: string,
  duplicateId: string,
  docs: MergeDocs,
  ctx: ChangeContext,
  choices: MergeChoices = {},
): MergePlan {
  if (survivorId === duplicateId) throw new MergeError('Choose two different students');
  const survivor = docs.students.find((s) => s.id === survivorId);
  const duplicate = docs.students.find((s) => s.id === duplicateId);
  if (!survivor || !duplicate) throw new MergeError('One of the two students no longer exists');
  if (survivor.mergedInto) throw new MergeError(`${survivor.firstName} ${survivor.lastName} was itself merged into another student`);
  const writes: PlannedWrite[] = [];
  const decisions: FieldDecision[] = [];
  const conflicts: string[] = [];
  const survivorName = `${survivor.firstName} ${survivor.lastName}`.trim();
  const duplicateName = `${duplicate.firstName} ${duplicate.lastName}`.trim();

  const status = STATUS_RANK[duplicate.status] < STATUS_RANK[survivor.status] ? duplicate.status : survivor.status;
  if (status !== survivor.status)
    decisions.push({
      field: 'status',
      label: 'Status',
      survivorValue: survivor.status,
      duplicateValue: duplicate.status,
      kept: 'duplicate',
      needsPerson: false,
    });
  const subjects = [...survivor.subjects];
  for (const sub of duplicate.subjects) if (!subjects.some((x) => normaliseName(x) === normaliseName(sub))) subjects.push(sub);
  if (subjects.length !== survivor.subjects.length)
    decisions.push({
      field: 'subjects',
      label: 'Subjects',
      survivorValue: survivor.subjects,
      duplicateValue: duplicate.subjects,
      kept: 'both',
      needsPerson: false,
    });
  const packages = [...(survivor.packages ?? [])];
  for (const p of duplicate.packages ?? []) if (!packages.some((x) => x.id === p.id)) packages.push(p);
  if (packages.length !== (survivor.packages ?? []).length)
    decisions.push({
      field: 'packages',
      label: 'Prepaid packages',
      survivorValue: survivor.packages ?? [],
      duplicateValue: duplicate.packages ?? [],
      kept: 'both',
      needsPerson: false,
    });
  const familyId = pick('familyId', 'Who pays', survivor.familyId, duplicate.familyId, choices, decisions);
  const merged: Values<Student> = {
    ...stripMeta(survivor),
    familyId,
    status,
    archivedAt: status === 'archived' ? survivor.archivedAt || duplicate.archivedAt || ctx.now.toISOString() : '',
    subjects,
    email: pick('email', 'E-mail', survivor.email, duplicate.email, choices, decisions),
    phone: pick('phone', 'Phone', survivor.phone, duplicate.phone, choices, decisions),
    gradeLevel: pick('gradeLevel', 'Year / level', survivor.gradeLevel, duplicate.gradeLevel, choices, decisions),
    defaultRate: pick('defaultRate', 'Lesson rate', survivor.defaultRate, duplicate.defaultRate, choices, decisions),
    notes: mergeNotes(survivor.notes, duplicate.notes, duplicateName, decisions),
  };
  if (packages.length) merged.packages = packages;
  const billingModel = pick('billingModel', 'Billing model', survivor.billingModel ?? '', duplicate.billingModel ?? '', choices, decisions);
  if (billingModel) merged.billingModel = billingModel;
  const monthlyFee = pick('monthlyFee', 'Monthly fee', survivor.monthlyFee ?? null, duplicate.monthlyFee ?? null, choices, decisions);
  if (monthlyFee) merged.monthlyFee = monthlyFee;
  if (!duplicate.mergedInto || (duplicate.mergedInto === survivorId && duplicate.status !== 'archived')) {
    write(
      writes,
      'students',
      survivor,
      stampChange<Student>(survivor, merged, ctx, () => survivor.id),
      'keeps the details of both records',
    );
    write(
      writes,
      'students',
      duplicate,
      stampChange<Student>(
        duplicate,
        { ...stripMeta(duplicate), status: 'archived', archivedAt: duplicate.archivedAt || ctx.now.toISOString(), mergedInto: survivorId },
        ctx,
        () => duplicate.id,
      ),
      `merged into ${survivorName}`,
    );
  }

  for (const l of docs.lessons) {
    if (!l.studentIds.includes(duplicateId)) continue;
    if (l.studentIds.includes(survivorId))
      conflicts.push(`Both records were in the lesson “${l.subject}” (${l.start}): ${survivorName} stays in it once.`);
    write(
      writes,
      'lessons',
      l,
      stampChange<Lesson>(l, { ...stripMeta(l), studentIds: replaceId(l.studentIds, duplicateId, survivorId) }, ctx, () => l.id),
      `${l.subject} lesson now ${survivorName}'s`,
    );
  }
  for (const o of docs.occurrences) {
    if (!(duplicateId in o.studentStatus)) continue;
    const studentStatus = { ...o.studentStatus };
    const moved = studentStatus[duplicateId]!;
    delete studentStatus[duplicateId];
    if (survivorId in studentStatus && studentStatus[survivorId] !== moved) {
      conflicts.push(
        `The lesson of ${o.start || o.originalStart} has attendance for both records (${studentStatus[survivorId]} and ${moved}): ${survivorName}'s is kept; check it.`,
      );
    } else {
      studentStatus[survivorId] = moved;
    }
    write(
      writes,
      'occurrences',
      o,
      stampChange<Occurrence>(o, { ...stripMeta(o), studentStatus }, ctx, () => o.id),
      'attendance moved',
    );
  }
  for (const n of docs.notes) {
    if (!n.studentIds.includes(duplicateId)) continue;
    write(
      writes,
      'notes',
      n,
      stampChange<Note>(n, { ...stripMeta(n), studentIds: replaceId(n.studentIds, duplicateId, survivorId) }, ctx, () => n.id),
      `note “${n.title || n.kind}” now ${survivorName}'s`,
    );
  }
  const rewrite: ReferenceRewrite = { kind: 'student', from: duplicateId, to: survivorId };
  for (const inv of docs.invoices) {
    if (!inv.lines.some((l) => l.studentId === duplicateId)) continue;
    const next = { ...inv, lines: inv.lines.map((l) => (l.studentId === duplicateId ? { ...l, studentId: survivorId } : l)) };
    write(writes, 'invoices', inv, rewriteInvoice(inv, next, ctx, rewrite), `lines of ${inv.number || 'a draft'} now ${survivorName}'s`);
  }
  const claimIds = new Set(docs.billingclaims.map((c) => c.id));
  for (const c of docs.billingclaims) {
    if (c.studentId !== duplicateId) continue;
    const id = claimId(c.occurrenceId, survivorId);
    if (claimIds.has(id)) {
      // Billed for both records: the survivor's claim stays, the duplicate's goes, and the
      // double-billing check (claims.detectDoubleBilling) shows which invoice to keep.
      conflicts.push(`${c.occurrenceId} was billed for both records: the double-billing check shows which invoice keeps it.`);
      write(writes, 'billingclaims', c, null, 'billing claim of the merged-away record (the item is claimed for the survivor)');
      continue;
    }
    const moved = stampChange<BillingClaim>(
      undefined,
      { id, occurrenceId: c.occurrenceId, studentId: survivorId, invoiceId: c.invoiceId, familyId: c.familyId },
      ctx,
      () => id,
    );
    write(writes, 'billingclaims', null, moved, 'billing claim under the merged student');
    write(writes, 'billingclaims', c, null, 'billing claim of the merged-away record');
  }
  if (familyId !== duplicate.familyId && !docs.students.some((s) => s.id !== duplicateId && s.familyId === duplicate.familyId)) {
    const f = docs.families.find((x) => x.id === duplicate.familyId);
    if (f)
      conflicts.push(
        `${f.name} has no other student: archive it or merge it with ${docs.families.find((x) => x.id === familyId)?.name ?? 'the survivor’s family'}.`,
      );
  }
  return { kind: 'student', survivorId, duplicateId, writes, decisions, conflicts, counts: count(writes) };
}
