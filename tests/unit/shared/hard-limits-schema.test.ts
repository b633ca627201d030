/**
 * The schemas with issue 15's additions (students v2, families v1, staff v1, settings v2, lessons
 * v2, occurrences v2, invoices v1, payments v2) accept what the correction and merge functions
 * write and every document the app wrote before, and refuse the absurd amounts of issue 15.
 */
import { describe, expect, it } from 'vitest';
import { createPartialCreditNote, editPayment, refundCredit, reverseRecord } from '../../../src-shared/billing/corrections';
import { voidInvoice } from '../../../src-shared/billing/lifecycle';
import { rxdbAjv } from '../../../scripts/gen-validators';
import { createPayment } from '../../../src-shared/billing/payments';
import { COLLECTION_NAMES, collectionSchemas, type CollectionName } from '../../../src-shared/model/schemas';
import { planFamilyMerge, planStudentMerge } from '../../../src-shared/students/merge';
import { idGen } from '../billing/fixtures';
import { applyWrites, ctx, practice, settings } from './practice-fixture';

/** RxDB's own Ajv set-up (the one the precompiled validators are built with). */
function validator(schema: unknown) {
  return rxdbAjv(false).compile(schema as object);
}
const schemas = Object.fromEntries(COLLECTION_NAMES.map((c) => [c, validator(collectionSchemas[c])])) as Record<
  CollectionName,
  ReturnType<typeof validator>
>;

describe('the schemas with the correction fields and hard limits', () => {
  const docs = practice();
  const newId = idGen('ps');

  it('accept every document the app writes today', () => {
    for (const [collection, list] of Object.entries(docs) as [CollectionName, unknown[]][]) {
      for (const d of list) expect(schemas[collection](d), `${collection}: ${JSON.stringify(schemas[collection].errors)}`).toBe(true);
    }
  });

  it('accept the correction and merge records', () => {
    const [payment] = docs.payments;
    const edited = editPayment(payment!, { amount: 6000, reason: 'typo' }, { invoices: docs.invoices, payments: docs.payments, ctx });
    const reversal = reverseRecord(edited, { payments: [edited], reason: 'bounced', date: '2026-03-08', ctx });
    const over = createPayment({ familyId: 'f3', date: '2026-03-01', amount: 5000, method: 'cash', reference: '' }, 'GBP', ctx, newId);
    const refund = refundCredit(
      { familyId: 'f3', amount: 2000, date: '2026-03-02', method: 'cash', reference: '', reason: 'Overpaid' },
      { payments: [over], currency: 'GBP', ctx, newId },
    );
    const inv = docs.invoices.find((i) => i.id === 'I1')!;
    const args = { issueDate: '2026-03-10', deviceCode: 'AAA', invoices: docs.invoices, settings, ctx, newId, payments: docs.payments };
    const partial = createPartialCreditNote(inv, { amount: 1000, reason: 'Goodwill' }, args).creditNote;
    const voidAfter = voidInvoice(inv, { ...args, invoices: [...docs.invoices, partial], reason: 'x', claims: [] }).creditNote;
    const families = applyWrites(docs, planFamilyMerge('f1', 'f2', docs, ctx).writes).families;
    const students = applyWrites(docs, planStudentMerge('s1', 's2', docs, ctx).writes).students;
    const records: [CollectionName, unknown][] = [
      ['payments', edited],
      ['payments', reversal],
      ['payments', refund],
      ['invoices', partial],
      ['invoices', voidAfter],
      ['families', families.find((f) => f.id === 'f2')],
      ['students', students.find((s) => s.id === 's2')],
    ];
    for (const [collection, doc] of records) {
      expect(schemas[collection](doc), `${collection}: ${JSON.stringify(schemas[collection].errors)}`).toBe(true);
    }
    // The new fields are really there (an unknown field is refused: additionalProperties false).
    expect(partial.lines.some((l) => l.creditsLineId)).toBe(true);
    expect(families.find((f) => f.id === 'f2')?.mergedInto).toBe('f1');
    expect(schemas.families({ ...families.find((f) => f.id === 'f2')!, mergedIntoo: 'f1' })).toBe(false);
  });

  it('refuse the amounts no tutoring practice has', () => {
    const huge = { ...docs.payments[0]!, amount: 9_999_999_999_900, allocations: [] };
    expect(schemas.payments(huge)).toBe(false);
    expect(schemas.payments.errors?.[0]).toMatchObject({ instancePath: '/amount', keyword: 'maximum' });
    expect(schemas.payments({ ...huge, amount: 1_000_000_000_000 })).toBe(true);
    const line = { ...docs.invoices[0]!.lines[0]!, unitAmount: 9_999_999_999_900 };
    expect(schemas.invoices({ ...docs.invoices[0]!, lines: [line] })).toBe(false);
    const student = { ...docs.students[0]!, defaultRate: { amount: -1, currency: 'GBP' } };
    expect(schemas.students(student)).toBe(false);
  });
});
