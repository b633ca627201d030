/**
 * A small practice with a document in every collection a merge or a multi-document write touches:
 * two families that are the same payer ("Patel family" twice), a student entered twice ("Aisha
 * Patel"), lessons (one a group lesson with both records), attendance, a note, an issued invoice
 * and a draft with their billing claims, and a payment. Built with the real domain functions.
 */
import { buildClaimDocs } from '../../../src-shared/billing/claims';
import { makeLine, newDraftValues } from '../../../src-shared/billing/drafts';
import { issueInvoices } from '../../../src-shared/billing/lifecycle';
import { allocatePayment, createPayment } from '../../../src-shared/billing/payments';
import { stampChange } from '../../../src-shared/model/meta';
import type { BillingClaim, Invoice, Lesson, Note, Occurrence, Payment } from '../../../src-shared/model/types';
import { createLesson, writeOccurrence } from '../../../src-shared/schedule/edit';
import type { MergeDocs } from '../../../src-shared/students/merge';
import { ctxAt, idGen, makeFamily, makeSettings, makeStudent } from '../billing/fixtures';

export const settings = makeSettings();
export const ctx = ctxAt('2026-03-01T09:00:00Z');

export function practice(): MergeDocs {
  const newId = idGen('w');
  const families = [
    makeFamily('f1', { name: 'Patel family', email: 'raj@example.com', phone: '', notes: 'Pays by bank transfer.' }),
    makeFamily('f2', {
      name: 'The Patel Family',
      email: 'RAJ@example.com',
      phone: '+44 7700 900123',
      contactName: 'Raj Patel',
      notes: 'Prefers e-mail.',
    }),
    makeFamily('f3', { name: 'Lee family', email: 'lee@example.com' }),
  ];
  const students = [
    makeStudent('s1', 'f1', { firstName: 'Aisha', lastName: 'Patel', email: '', subjects: ['Maths'] }),
    makeStudent('s2', 'f2', {
      firstName: 'aïsha',
      lastName: 'PATEL',
      email: 'aisha@example.com',
      subjects: ['Maths', 'Physics'],
      notes: 'Exam in June.',
      packages: [{ id: 'pk1', lessons: 10, price: 40000, purchasedOn: '2026-01-01', description: '10 lessons' }],
    }),
    makeStudent('s3', 'f2', { firstName: 'Ravi', lastName: 'Patel' }),
    makeStudent('s4', 'f3', { firstName: 'Sam', lastName: 'Lee' }),
  ];
  const lesson = (id: string, studentIds: string[], start: string): Lesson =>
    createLesson({ tutorId: 't1', studentIds, subject: 'Maths', start, durationMinutes: 60, timeZone: 'Europe/London' }, ctx, () => id);
  const lessons = [
    lesson('L1', ['s1'], '2026-02-02T16:00:00.000Z'),
    lesson('L2', ['s2'], '2026-02-03T16:00:00.000Z'),
    lesson('L3', ['s1', 's2', 's4'], '2026-02-04T16:00:00.000Z'),
  ];
  const occurrences: Occurrence[] = [
    writeOccurrence(lessons[1]!, lessons[1]!.start, null, { status: 'attended', statusChangedAt: '2026-02-03T17:00:00.000Z' }, ctx),
    writeOccurrence(
      lessons[2]!,
      lessons[2]!.start,
      null,
      { studentStatus: { s1: 'attended', s2: 'no_show', s4: 'attended' }, statusChangedAt: '2026-02-04T17:00:00.000Z' },
      ctx,
    ),
  ];
  const notes: Note[] = [
    stampChange<Note>(
      undefined,
      {
        kind: 'progress',
        studentIds: ['s2'],
        lessonId: '',
        occurrenceId: '',
        authorId: 't1',
        title: 'Term report',
        body: 'Good progress',
        covered: '',
        homework: '',
        nextSteps: '',
        conflicts: [],
      },
      ctx,
      () => 'N1',
    ),
  ];
  const occ2 = occurrences[0]!.id;
  const occ3 = occurrences[1]!.id;
  const draftOf = (id: string, familyId: string, lines: ReturnType<typeof makeLine>[]) =>
    stampChange<Invoice>(
      undefined,
      newDraftValues({ familyId, settings, periodStart: '2026-02-01', periodEnd: '2026-02-28', lines }),
      ctx,
      () => id,
    );
  const issuedDraft = draftOf('I1', 'f2', [
    makeLine({
      id: 'I1-a',
      kind: 'lesson',
      description: 'Maths · 3 Feb — Aisha',
      unitAmount: 4500,
      occurrenceIds: [occ2],
      studentId: 's2',
      serviceDate: '2026-02-03',
      tutorId: 't1',
      subject: 'Maths',
    }),
    makeLine({
      id: 'I1-b',
      kind: 'lesson',
      description: 'Maths · 4 Feb — Aisha\nNo-show: the lesson was missed without notice',
      unitAmount: 4500,
      occurrenceIds: [occ3],
      studentId: 's2',
      serviceDate: '2026-02-04',
      tutorId: 't1',
      subject: 'Maths',
    }),
  ]);
  const [issued] = issueInvoices([issuedDraft], { issueDate: '2026-03-01', deviceCode: 'AAA', invoices: [], settings, ctx });
  const draft = draftOf('D1', 'f1', [
    makeLine({
      id: 'D1-a',
      kind: 'lesson',
      description: 'Maths · 4 Feb — Aisha',
      unitAmount: 4500,
      occurrenceIds: [occ3],
      studentId: 's1',
      serviceDate: '2026-02-04',
      tutorId: 't1',
      subject: 'Maths',
    }),
  ]);
  const invoices = [issued!, draft];
  const billingclaims: BillingClaim[] = [...buildClaimDocs(issued!, ctx), ...buildClaimDocs(draft, ctx)];
  const payment: Payment = allocatePayment(
    createPayment({ familyId: 'f2', date: '2026-03-05', amount: 5000, method: 'bank_transfer', reference: 'PATEL' }, 'GBP', ctx, newId),
    { invoices, payments: [] },
  );
  return { families, students, lessons, occurrences, notes, invoices, payments: [payment], billingclaims };
}

/** Applies planned writes to the documents (what the data layer will do, minus the storage). */
export function applyWrites<D extends MergeDocs>(
  docs: D,
  writes: readonly { collection: string; id: string; after: { id: string } | null }[],
): D {
  const out = { ...docs } as unknown as Record<string, { id: string }[]>;
  for (const w of writes) {
    const list = (out[w.collection] ?? []).filter((d) => d.id !== w.id);
    out[w.collection] = w.after ? [...list, w.after] : list;
  }
  return out as unknown as D;
}
