/**
 * The merge follow-up after sync (src-shared/students/merge-followup.ts): what another laptop wrote
 * for a duplicate before it received the merge moves to the final survivor, each document once,
 * and only as far as the server rules let this laptop's user write it.
 */
import { describe, expect, it } from 'vitest';
import { makeLine, newDraftValues } from '../../../src-shared/billing/drafts';
import { createPayment } from '../../../src-shared/billing/payments';
import { stampChange } from '../../../src-shared/model/meta';
import type { Invoice, Lesson, Note, Payment } from '../../../src-shared/model/types';
import { createLesson } from '../../../src-shared/schedule/edit';
import { planFamilyMerge, planStudentMerge, type MergeDocs } from '../../../src-shared/students/merge';
import { mergeWriteRefusal, planMergeFollowUps } from '../../../src-shared/students/merge-followup';
import { ctxAt, idGen } from '../billing/fixtures';
import { applyWrites, ctx, practice, settings } from './practice-fixture';

const later = ctxAt('2026-03-02T09:00:00Z', 'dev-b', 't2');

/** f2 merged into f1 and s2 into s1, as laptop A did. */
function merged(): MergeDocs {
  let docs = practice();
  docs = applyWrites(docs, planFamilyMerge('f1', 'f2', docs, ctx).writes);
  return applyWrites(docs, planStudentMerge('s1', 's2', docs, ctx).writes);
}

/** What laptop B wrote offline for the duplicates (tutor `tutorId`). */
function lateWrites(tutorId: string) {
  const lesson: Lesson = createLesson(
    { tutorId, studentIds: ['s2'], subject: 'Physics', start: '2026-03-09T16:00:00.000Z', durationMinutes: 60, timeZone: 'Europe/London' },
    later,
    () => 'L9',
  );
  const note = stampChange<Note>(
    undefined,
    {
      kind: 'progress',
      studentIds: ['s2'],
      lessonId: '',
      occurrenceId: '',
      authorId: tutorId,
      title: 'Mock exam',
      body: 'Ready',
      covered: '',
      homework: '',
      nextSteps: '',
      conflicts: [],
    },
    later,
    () => 'N9',
  );
  const payment: Payment = createPayment(
    { familyId: 'f2', date: '2026-03-06', amount: 4500, method: 'cash', reference: '' },
    'GBP',
    later,
    idGen('p'),
  );
  const draft = stampChange<Invoice>(
    undefined,
    newDraftValues({
      familyId: 'f2',
      settings,
      periodStart: '2026-03-01',
      periodEnd: '2026-03-31',
      lines: [
        makeLine({
          id: 'D9-a',
          kind: 'lesson',
          description: 'Physics · 9 Mar',
          unitAmount: 4500,
          occurrenceIds: ['L9@2026-03-09T16:00:00.000Z'],
          studentId: 's2',
          serviceDate: '2026-03-09',
          tutorId,
          subject: 'Physics',
        }),
      ],
    }),
    later,
    () => 'D9',
  );
  return { lesson, note, payment, draft };
}

function withLate(docs: MergeDocs, tutorId = 't1'): MergeDocs {
  const l = lateWrites(tutorId);
  return {
    ...docs,
    lessons: [...docs.lessons, l.lesson],
    notes: [...docs.notes, l.note],
    payments: [...docs.payments, l.payment],
    invoices: [...docs.invoices, l.draft],
  };
}

/** Where a document still names a merged id. */
function stale(docs: MergeDocs): string[] {
  const out: string[] = [];
  for (const l of docs.lessons) if (l.studentIds.includes('s2')) out.push(`lessons/${l.id}`);
  for (const n of docs.notes) if (n.studentIds.includes('s2')) out.push(`notes/${n.id}`);
  for (const p of docs.payments) if (p.familyId === 'f2') out.push(`payments/${p.id}`);
  for (const i of docs.invoices) {
    if (i.familyId === 'f2') out.push(`invoices/${i.id}.familyId`);
    if (i.lines.some((x) => x.studentId === 's2')) out.push(`invoices/${i.id}.lines`);
  }
  return out.sort();
}

describe('the merge follow-up after sync', () => {
  it('has nothing to do right after a merge', () => {
    expect(planMergeFollowUps(merged(), later, { role: 'admin', staffId: 'staff-admin' })).toEqual({ writes: [], left: [], problems: [] });
  });

  it('an admin laptop moves every late reference, each document once (the draft of the merged family with a line of the merged student)', () => {
    const docs = withLate(merged());
    expect(stale(docs)).toHaveLength(5);
    const r = planMergeFollowUps(docs, later, { role: 'admin', staffId: 'staff-admin' });
    expect(r.left).toEqual([]);
    expect(r.writes.map((w) => `${w.collection}/${w.id}`).sort()).toEqual(
      ['invoices/D9', 'lessons/L9', 'notes/N9', `payments/${docs.payments.at(-1)!.id}`].sort(),
    );
    const d9 = r.writes.find((w) => w.id === 'D9')!;
    expect(d9.before).toBe(docs.invoices.at(-1));
    const after = applyWrites(docs, r.writes);
    expect(stale(after)).toEqual([]);
    expect(after.invoices.find((i) => i.id === 'D9')).toMatchObject({ familyId: 'f1', lines: [{ studentId: 's1' }] });
    // Done: planning again finds nothing.
    expect(planMergeFollowUps(after, later, { role: 'admin', staffId: 'staff-admin' }).writes).toEqual([]);
  });

  it('a tutor laptop moves only what the server lets it write, and leaves the rest for an admin', () => {
    const docs = withLate(merged(), 't1');
    const r = planMergeFollowUps(docs, later, { role: 'tutor', staffId: 't1' });
    const paymentId = docs.payments.at(-1)!.id;
    // Its own lesson and note, the draft; never a payment's family (admin-only).
    expect(r.writes.map((w) => `${w.collection}/${w.id}`).sort()).toEqual(['invoices/D9', 'lessons/L9', 'notes/N9']);
    expect(r.left).toEqual([{ collection: 'payments', id: paymentId, reason: 'Only a practice admin may change payments.' }]);
    for (const w of r.writes) expect(mergeWriteRefusal(w, { role: 'tutor', staffId: 't1' })).toBeNull();
    expect(stale(applyWrites(docs, r.writes))).toEqual([`payments/${paymentId}`]);

    // Another tutor's lesson and note are left too.
    const other = planMergeFollowUps(docs, later, { role: 'tutor', staffId: 't2' });
    expect(other.writes.map((w) => `${w.collection}/${w.id}`)).toEqual(['invoices/D9']);
    expect(other.left.map((l) => `${l.collection}/${l.id}: ${l.reason}`).sort()).toEqual([
      'lessons/L9: A tutor may only change their own lessons.',
      'notes/N9: A tutor may only change their own notes.',
      `payments/${paymentId}: Only a practice admin may change payments.`,
    ]);
  });

  it('an issued invoice still addressed to the duplicate is re-pointed by an admin only', () => {
    const docs = merged();
    const issued = docs.invoices.find((i) => i.id === 'I1')!;
    const late = { ...docs, invoices: docs.invoices.map((i) => (i.id === 'I1' ? { ...issued, familyId: 'f2' } : i)) };
    expect(planMergeFollowUps(late, later, { role: 'admin', staffId: 'staff-admin' }).writes.map((w) => w.id)).toEqual(['I1']);
    const tutor = planMergeFollowUps(late, later, { role: 'tutor', staffId: 't1' });
    expect(tutor.writes).toEqual([]);
    expect(tutor.left.map((l) => l.id)).toEqual(['I1']);
  });

  it('a chain ends at the final survivor, and the middle record keeps its mergedInto', () => {
    // s1 (which s2 was merged into) is merged into s4 later.
    let docs = merged();
    docs = applyWrites(docs, planStudentMerge('s4', 's1', docs, ctx).writes);
    docs = withLate(docs);
    const r = planMergeFollowUps(docs, later, { role: 'admin', staffId: 'staff-admin' });
    expect(r.problems).toEqual([]);
    const after = applyWrites(docs, r.writes);
    expect(after.lessons.find((l) => l.id === 'L9')!.studentIds).toEqual(['s4']);
    expect(after.notes.find((n) => n.id === 'N9')!.studentIds).toEqual(['s4']);
    expect(after.invoices.find((i) => i.id === 'D9')!.lines[0]!.studentId).toBe('s4');
    expect(after.students.find((s) => s.id === 's2')!.mergedInto).toBe('s1');
    expect(r.writes.some((w) => w.collection === 'students')).toBe(false);
    expect(planMergeFollowUps(after, later, { role: 'admin', staffId: 'staff-admin' }).writes).toEqual([]);
  });

  it('a circle (two laptops merged each into the other) is reported, not followed', () => {
    const docs = practice();
    const circle = {
      ...docs,
      students: docs.students.map((s) => (s.id === 's1' ? { ...s, mergedInto: 's2' } : s.id === 's2' ? { ...s, mergedInto: 's1' } : s)),
    };
    const r = planMergeFollowUps(circle, later, { role: 'admin', staffId: 'staff-admin' });
    expect(r.writes).toEqual([]);
    expect(r.problems).toHaveLength(2);
  });
});
