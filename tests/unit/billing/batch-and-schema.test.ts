/**
 * Batch generation at scale (correctness, not speed: the timing goal lives in `npm run bench`)
 * and the documents billing produces validated against the real RxDB schemas.
 */
import { describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createTutorDatabase } from '../../../src-renderer/src/data/database';
import { createBillingBenchFixture, runBillingBenchBatch } from '../../../scripts/bench/billing-fixture';
import { buildClaimDocs, claimId, detectDoubleBilling } from '../../../src-shared/billing/claims';
import { buildBillingState, generateMonthDrafts } from '../../../src-shared/billing/generate';
import { issueInvoices, voidInvoice } from '../../../src-shared/billing/lifecycle';
import { allocatePayment, createPayment } from '../../../src-shared/billing/payments';
import { checkTotals } from '../../../src-shared/billing/totals';
import { stampChange } from '../../../src-shared/model/meta';
import type { BillingClaim } from '../../../src-shared/model/types';
import { ctxAt, idGen } from './fixtures';

describe('batch generation at scale', () => {
  const fx = createBillingBenchFixture({ families: 60, lessons: 6000, seed: 7 });
  const result = runBillingBenchBatch(fx);

  it('bills every billable, unclaimed lesson of the month exactly once', () => {
    const billable = new Set(fx.settings.attendance.billable);
    const claimed = new Set(fx.claims.map((c) => c.id));
    const expected = fx.lessons.filter((l) => billable.has(l.status) && !claimed.has(claimId(l.occurrenceId, l.studentId)));
    const billedKeys = result.invoices.flatMap((inv) =>
      inv.lines.flatMap((l) => (l.kind === 'lesson' ? l.occurrenceIds.map((o) => claimId(o, l.studentId)) : [])),
    );
    expect(new Set(billedKeys).size).toBe(billedKeys.length);
    expect(billedKeys.length).toBe(
      expected.length - result.summary.warnings.filter((w) => w.code === 'currency_mismatch' || w.code === 'invalid_lesson').length,
    );
    expect(result.summary.lessonsBilled).toBe(billedKeys.length);
    expect(result.summary.lessonsAlreadyBilled).toBe(
      fx.lessons.filter((l) => billable.has(l.status) && claimed.has(claimId(l.occurrenceId, l.studentId))).length,
    );
  });

  it('every draft is internally consistent and its claims match its lines', () => {
    for (const inv of result.invoices) {
      expect(checkTotals(inv)).toEqual([]);
      expect(inv.status).toBe('draft');
      expect(new Set(inv.lines.map((l) => l.studentId)).size).toBeGreaterThan(0);
    }
    const claimIds = result.claims.map((c) => c.id);
    expect(new Set(claimIds).size).toBe(claimIds.length);
    expect(result.claims.length).toBe(result.invoices.reduce((s, i) => s + i.lines.reduce((n, l) => n + l.occurrenceIds.length, 0), 0));
    expect(result.summary.total).toBe(result.invoices.reduce((s, i) => s + i.total, 0));
    expect(detectDoubleBilling([...fx.claims, ...result.claims], result.invoices)).toEqual([]);
  });

  it('running the batch again after saving bills nothing new', () => {
    const again = generateMonthDrafts(
      {
        month: fx.month,
        families: fx.families,
        students: fx.students,
        lessons: fx.lessons,
        claims: [...fx.claims, ...result.claims],
        invoices: result.invoices,
      },
      { settings: fx.settings, ctx: fx.ctx, newId: idGen('again') },
    );
    // Only packages and monthly fees could appear again, and they are claimed too.
    expect(again.invoices).toEqual([]);
    expect(again.summary.invoicesCreated).toBe(0);
  });

  it('buildClaimDocs produces exactly what stampChange would for a new document', () => {
    const inv = result.invoices[0]!;
    const ctx = ctxAt('2026-04-01T08:00:00Z', 'dev-x', 'staff-x');
    const fast = buildClaimDocs(inv, ctx);
    const slow = inv.lines.flatMap((l) =>
      l.occurrenceIds.map((o) => {
        const id = claimId(o, l.studentId);
        return stampChange<BillingClaim>(
          undefined,
          { id, occurrenceId: o, studentId: l.studentId, invoiceId: inv.id, familyId: inv.familyId },
          ctx,
          () => id,
        );
      }),
    );
    expect(JSON.parse(JSON.stringify(fast))).toEqual(JSON.parse(JSON.stringify(slow)));
  });
});

describe('billing documents against the RxDB schemas', () => {
  it('students with billing fields, drafts, issued invoices, credit notes, claims and payments all validate', async () => {
    const fx = createBillingBenchFixture({ families: 8, lessons: 300, seed: 3 });
    const db = await createTutorDatabase({ name: `billing${Date.now()}`, storage: getRxStorageMemory(), validate: 'ajv' });
    try {
      await db.families.bulkInsert(fx.families).then((r) => expect(r.error).toEqual([]));
      await db.students.bulkInsert(fx.students).then((r) => expect(r.error).toEqual([]));
      const { invoices: drafts, claims } = generateMonthDrafts(
        { month: fx.month, families: fx.families, students: fx.students, lessons: fx.lessons, claims: [], invoices: [] },
        { settings: fx.settings, ctx: fx.ctx, newId: idGen('inv') },
      );
      const [first, ...rest] = drafts;
      const settings = fx.settings;
      const issued = issueInvoices([first!], {
        issueDate: '2026-04-01',
        deviceCode: 'K7Q',
        invoices: [],
        settings,
        ctx: ctxAt('2026-04-01T09:00:00Z'),
      });
      const payment = allocatePayment(
        createPayment(
          { familyId: first!.familyId, date: '2026-04-02', amount: 1000, method: 'cash', reference: 'x' },
          'GBP',
          ctxAt('2026-04-02T09:00:00Z'),
          idGen('pay'),
        ),
        { invoices: issued, payments: [] },
      );
      const v = voidInvoice(issued[0]!, {
        issueDate: '2026-04-03',
        deviceCode: 'K7Q',
        invoices: issued,
        settings,
        ctx: ctxAt('2026-04-03T09:00:00Z'),
        newId: idGen('cn'),
        reason: 'test',
        payments: [payment],
        claims,
      });
      const docs = [...rest, v.invoice, v.creditNote];
      const r1 = await db.invoices.bulkInsert(docs);
      expect(r1.error).toEqual([]);
      const r2 = await db.billingclaims.bulkInsert(claims);
      expect(r2.error).toEqual([]);
      const r3 = await db.payments.bulkInsert([v.payments[0] ?? payment]);
      expect(r3.error).toEqual([]);
      // Inserting the same claim id again (a second laptop's generation on this laptop) is refused.
      const dup = await db.billingclaims.bulkInsert([{ ...claims[0]!, invoiceId: 'other' }]);
      expect(dup.error).toHaveLength(1);
      expect(dup.error[0]!.status).toBe(409);
      // State rebuilt from the database matches.
      const state = buildBillingState(
        (await db.billingclaims.find().exec()).map((d) => d.toJSON() as BillingClaim),
        (await db.invoices.find().exec()).map((d) => d.toMutableJSON()),
      );
      expect(state.claimed.size).toBe(claims.length - v.releasedClaims.length);
    } finally {
      await db.close();
    }
  });
});
