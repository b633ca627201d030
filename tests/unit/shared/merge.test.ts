import { describe, expect, it } from 'vitest';
import { buildBillingState, generateDraftInvoice } from '../../../src-shared/billing/generate';
import { checkInvoiceChange } from '../../../src-shared/billing/lifecycle';
import { familyBalance } from '../../../src-shared/billing/payments';
import { detectDoubleBilling } from '../../../src-shared/billing/claims';
import type { Invoice } from '../../../src-shared/model/types';
import { MergeError, planFamilyMerge, planStudentMerge, resolveMerged } from '../../../src-shared/students/merge';
import { lesson } from '../billing/fixtures';
import { applyWrites, ctx, practice, settings } from './practice-fixture';

/** Every place a document names `id` (besides its own record). */
function references(docs: ReturnType<typeof practice>, id: string): string[] {
  const out: string[] = [];
  for (const s of docs.students) if (s.familyId === id) out.push(`students/${s.id}.familyId`);
  for (const l of docs.lessons) if (l.studentIds.includes(id)) out.push(`lessons/${l.id}.studentIds`);
  for (const o of docs.occurrences) if (id in o.studentStatus) out.push(`occurrences/${o.id}.studentStatus`);
  for (const n of docs.notes) if (n.studentIds.includes(id)) out.push(`notes/${n.id}.studentIds`);
  for (const i of docs.invoices) {
    if (i.familyId === id) out.push(`invoices/${i.id}.familyId`);
    for (const l of i.lines) if (l.studentId === id) out.push(`invoices/${i.id}.lines.${l.id}`);
  }
  for (const p of docs.payments) if (p.familyId === id) out.push(`payments/${p.id}.familyId`);
  for (const c of docs.billingclaims) if (c.familyId === id || c.studentId === id) out.push(`billingclaims/${c.id}`);
  return out;
}

describe('merging two families', () => {
  const docs = practice();
  const plan = planFamilyMerge('f1', 'f2', docs, ctx);
  const after = applyWrites(docs, plan.writes);

  it('moves every reference: students, invoices (issued too), payments and claims', () => {
    expect(references(docs, 'f2').length).toBeGreaterThan(0);
    expect(references(after, 'f2')).toEqual([]);
    expect(plan.counts).toEqual({ families: 2, students: 2, invoices: 1, payments: 1, billingclaims: 2 });
    const f2 = after.families.find((f) => f.id === 'f2')!;
    expect(f2).toMatchObject({ archived: true, mergedInto: 'f1' });
    expect(resolveMerged('f2', new Map(after.families.map((f) => [f.id, f])))).toBe('f1');
  });

  it('keeps the survivor’s values, fills the gaps from the duplicate, keeps both notes', () => {
    const f1 = after.families.find((f) => f.id === 'f1')!;
    expect(f1).toMatchObject({ name: 'Patel family', email: 'raj@example.com', phone: '+44 7700 900123', contactName: 'Pat Parent' });
    expect(f1.notes).toBe('Pays by bank transfer.\n\nFrom the merged record “The Patel Family”:\nPrefers e-mail.');
    expect(plan.decisions.map((d) => [d.field, d.kept, d.needsPerson])).toEqual([
      ['contactName', 'survivor', true],
      ['phone', 'duplicate', false],
      ['notes', 'both', false],
    ]);
    // The person may pick the duplicate's contact name instead.
    const chosen = applyWrites(docs, planFamilyMerge('f1', 'f2', docs, ctx, { contactName: 'duplicate' }).writes);
    expect(chosen.families.find((f) => f.id === 'f1')!.contactName).toBe('Raj Patel');
  });

  it('an issued invoice keeps every amount, line and number: only its family changes', () => {
    const before = docs.invoices.find((i) => i.id === 'I1')!;
    const moved = after.invoices.find((i) => i.id === 'I1')!;
    expect({ ...moved, familyId: 'f2', updatedAt: '', fieldClock: {} }).toEqual({ ...before, updatedAt: '', fieldClock: {} });
    // The rewrite allowance is exactly that: an amount changed with it is still refused.
    const rewrite = { kind: 'family' as const, from: 'f2', to: 'f1' };
    expect(checkInvoiceChange(before, moved, { merge: rewrite })).toEqual([]);
    expect(checkInvoiceChange(before, moved)).toEqual(['familyId cannot change after the invoice is issued']);
    expect(checkInvoiceChange(before, { ...moved, total: 1 }, { merge: rewrite })).toEqual([
      'total cannot change after the invoice is issued',
    ]);
  });

  it('the money follows: the survivor owes what both owed', () => {
    const owed = familyBalance('f1', docs.invoices, docs.payments) + familyBalance('f2', docs.invoices, docs.payments);
    expect(familyBalance('f1', after.invoices, after.payments)).toBe(owed);
    expect(familyBalance('f2', after.invoices, after.payments)).toBe(0);
  });

  it('is done when planning again finds nothing; a record another laptop wrote late is moved then', () => {
    expect(planFamilyMerge('f1', 'f2', after, ctx).writes).toEqual([]);
    const late = { ...after, students: [...after.students, { ...after.students[0]!, id: 's9', familyId: 'f2' }] };
    expect(planFamilyMerge('f1', 'f2', late, ctx).writes.map((w) => w.id)).toEqual(['s9']);
  });

  it('refuses nonsense', () => {
    expect(() => planFamilyMerge('f1', 'f1', docs, ctx)).toThrow(MergeError);
    expect(() => planFamilyMerge('f1', 'nope', docs, ctx)).toThrow('One of the two families no longer exists');
    expect(() => planFamilyMerge('f2', 'f3', after, ctx)).toThrow('The Patel Family was itself merged into another family');
  });
});

describe('merging two students', () => {
  const docs = practice();
  const plan = planStudentMerge('s1', 's2', docs, ctx);
  const after = applyWrites(docs, plan.writes);

  it('moves every reference: lessons, attendance keys, notes, invoice lines, claims', () => {
    expect(references(docs, 's2').length).toBe(8);
    expect(references(after, 's2')).toEqual([]);
    expect(plan.counts).toEqual({ students: 2, lessons: 2, occurrences: 1, notes: 1, invoices: 1, billingclaims: 3 });
    expect(after.lessons.find((l) => l.id === 'L3')!.studentIds).toEqual(['s1', 's4']);
    expect(after.billingclaims.map((c) => c.id).sort()).toEqual(
      [...new Set(docs.billingclaims.map((c) => c.id.replace('#s2', '#s1')))].sort(),
    );
  });

  it('says what it cannot settle alone: both were in the group lesson, with different attendance', () => {
    expect(plan.conflicts).toEqual(
      [
        'Both records were in the lesson “Maths” (2026-02-04T16:00:00.000Z): Aisha Patel stays in it once.',
        "The lesson of 2026-02-04T16:00:00.000Z has attendance for both records (attended and no_show): Aisha Patel's is kept; check it.",
      ]
        .slice(0, 2)
        .concat(['L3@2026-02-04T16:00:00.000Z was billed for both records: the double-billing check shows which invoice keeps it.']),
    );
  });

  it('keeps both records’ details by the rules', () => {
    const s1 = after.students.find((s) => s.id === 's1')!;
    expect(s1).toMatchObject({
      firstName: 'Aisha',
      familyId: 'f1',
      email: 'aisha@example.com',
      subjects: ['Maths', 'Physics'],
      status: 'active',
    });
    expect(s1.packages!.map((p) => p.id)).toEqual(['pk1']);
    expect(s1.notes).toBe('From the merged record “aïsha PATEL”:\nExam in June.');
    expect(after.students.find((s) => s.id === 's2')).toMatchObject({ status: 'archived', mergedInto: 's1' });
    expect(plan.decisions.find((d) => d.field === 'familyId')).toMatchObject({ kept: 'survivor', needsPerson: true });
  });

  it('the moved lessons are not billed again; a lesson billed for both records is reported', () => {
    const state = buildBillingState(after.billingclaims, after.invoices);
    const lessons = [lesson(docs.occurrences[0]!.id, 's1', 'f1', '2026-02-03T16:00:00.000Z')];
    const r = generateDraftInvoice(
      { family: after.families[0]!, students: after.students, lessons },
      { periodStart: '2026-02-01', periodEnd: '2026-02-28' },
      state,
      {
        settings,
        ctx,
        newId: () => 'x',
      },
    );
    // Only the package the duplicate bought (never sold yet) is billed; the lesson is not.
    expect(r.invoice?.lines.map((l) => l.kind)).toEqual(['package']);
    expect(r.lessonsBilled).toBe(0);
    expect(r.lessonsAlreadyBilled).toBe(1);
    // Both records had the group lesson billed (I1 for s2, draft D1 for s1): it is reported as a
    // double billing of the survivor, for a person to fix (the draft's line goes).
    const findings = detectDoubleBilling(after.billingclaims, after.invoices as Invoice[]);
    expect(findings.map((f) => [f.kind, f.invoices.map((i) => i.action)])).toEqual([['billed_twice', ['keep', 'remove_line_from_draft']]]);
    expect(plan.conflicts.some((c) => c.includes('was billed for both records'))).toBe(true);
  });

  it('is done when planning again finds nothing', () => {
    expect(planStudentMerge('s1', 's2', after, ctx).writes).toEqual([]);
  });
});
