import { describe, expect, it } from 'vitest';
import { manualLine, newDraftValues } from '../../../src-shared/billing/drafts';
import { issueInvoices, voidInvoice } from '../../../src-shared/billing/lifecycle';
import {
  agingBucket,
  agingReport,
  allocatePayment,
  applyFamilyCredit,
  checkPaymentAllocations,
  createPayment,
  familyBalance,
  familyCredit,
  familyLedger,
  familyStatement,
  openInvoices,
  unallocatedAmount,
  validatePaymentInput,
} from '../../../src-shared/billing/payments';
import { stampChange } from '../../../src-shared/model/meta';
import type { Invoice, Payment } from '../../../src-shared/model/types';
import { ctxAt, idGen, makeSettings } from './fixtures';

const settings = makeSettings({ billing: { paymentTermsDays: 14 } });
const newId = idGen('p');

/** Issued invoices for family f1 with the given totals, issued on the given dates (one per date). */
function issued(specs: { total: number; date: string; familyId?: string }[]): Invoice[] {
  const out: Invoice[] = [];
  for (const s of specs) {
    const ctx = ctxAt(`${s.date}T09:00:00Z`);
    const draft = stampChange<Invoice>(
      undefined,
      newDraftValues({
        familyId: s.familyId ?? 'f1',
        settings,
        periodStart: '2026-01-01',
        periodEnd: '2026-01-31',
        lines: [manualLine({ kind: 'manual', description: 'Lessons', unitAmount: s.total }, newId())],
      }),
      ctx,
      newId,
    );
    out.push(...issueInvoices([draft], { issueDate: s.date, deviceCode: 'AAA', invoices: out, settings, ctx }));
  }
  return out;
}

function pay(amount: number, date: string, familyId = 'f1'): Payment {
  return createPayment(
    { familyId, date, amount, method: 'bank_transfer', reference: `REF-${amount}` },
    'GBP',
    ctxAt(`${date}T12:00:00Z`),
    newId,
  );
}

describe('recording payments', () => {
  it('validates the form', () => {
    expect(validatePaymentInput({ familyId: '', date: '2026-02-30', amount: 0, method: 'cash', reference: '' })).toEqual({
      familyId: 'Choose who paid',
      date: 'Enter the payment date',
      amount: 'Enter an amount greater than zero',
    });
    expect(() => pay(12.5, '2026-01-01')).toThrow(/greater than zero/);
    expect(pay(1250, '2026-01-01')).toMatchObject({ amount: 1250, currency: 'GBP', allocations: [], method: 'bank_transfer' });
  });
});

describe('allocation', () => {
  const [jan, feb, mar] = issued([
    { total: 10000, date: '2026-01-31' },
    { total: 8000, date: '2026-02-28' },
    { total: 6000, date: '2026-03-31' },
  ]) as [Invoice, Invoice, Invoice];
  const invoices = [mar, jan, feb]; // order of the input does not matter

  it('allocates oldest first by default; the rest stays as family credit', () => {
    const p = allocatePayment(pay(15000, '2026-04-01'), { invoices, payments: [] });
    expect(p.allocations).toEqual([
      { invoiceId: jan.id, amount: 10000 },
      { invoiceId: feb.id, amount: 5000 },
    ]);
    const over = allocatePayment(pay(30000, '2026-04-02'), { invoices, payments: [p] });
    expect(over.allocations).toEqual([
      { invoiceId: feb.id, amount: 3000 },
      { invoiceId: mar.id, amount: 6000 },
    ]);
    expect(unallocatedAmount(over)).toBe(21000);
    expect(familyCredit('f1', [p, over])).toBe(21000);
    expect(openInvoices('f1', invoices, [p, over])).toEqual([]);
    expect(familyBalance('f1', invoices, [p, over])).toBe(-21000); // in credit
  });

  it('allocates to chosen invoices, in the chosen order, with optional amounts', () => {
    const p = allocatePayment(pay(7000, '2026-04-01'), {
      invoices,
      payments: [],
      targets: [{ invoiceId: mar.id }, { invoiceId: jan.id, amount: 500 }],
    });
    expect(p.allocations).toEqual([
      { invoiceId: mar.id, amount: 6000 },
      { invoiceId: jan.id, amount: 500 },
    ]);
    expect(unallocatedAmount(p)).toBe(500);
    expect(() =>
      allocatePayment(pay(7000, '2026-04-01'), { invoices, payments: [], targets: [{ invoiceId: mar.id, amount: 6001 }] }),
    ).toThrow(/only has/);
    expect(() =>
      allocatePayment(pay(100, '2026-04-01'), { invoices, payments: [], targets: [{ invoiceId: mar.id, amount: 200 }] }),
    ).toThrow(/more than the payment/);
    expect(() => allocatePayment(pay(100, '2026-04-01'), { invoices, payments: [], targets: [{ invoiceId: 'nope' }] })).toThrow(
      /not an open/,
    );
  });

  it('re-allocating a payment replaces its own previous allocations', () => {
    const p = allocatePayment(pay(10000, '2026-04-01'), { invoices, payments: [] });
    const again = allocatePayment(p, { invoices, payments: [p], targets: [{ invoiceId: feb.id }] });
    expect(again.allocations).toEqual([{ invoiceId: feb.id, amount: 8000 }]);
  });

  it('family credit is applied to later invoices oldest first', () => {
    const p1 = allocatePayment(pay(4000, '2026-01-05'), { invoices: [], payments: [] }); // paid in advance
    const p2 = allocatePayment(pay(7000, '2026-01-06'), { invoices: [], payments: [] });
    expect(familyCredit('f1', [p1, p2])).toBe(11000);
    const changed = applyFamilyCredit('f1', { invoices, payments: [p1, p2], ctx: ctxAt('2026-04-01T10:00:00Z') });
    expect(changed.map((p) => p.allocations)).toEqual([
      [{ invoiceId: jan.id, amount: 4000 }],
      [
        { invoiceId: jan.id, amount: 6000 },
        { invoiceId: feb.id, amount: 1000 },
      ],
    ]);
    expect(familyCredit('f1', changed)).toBe(0);
    expect(changed.every((p) => checkPaymentAllocations(p, new Map(invoices.map((i) => [i.id, i]))).length === 0)).toBe(true);
  });

  it('flags allocations to void invoices or other families', () => {
    const other = issued([{ total: 500, date: '2026-01-10', familyId: 'f2' }])[0]!;
    const bad: Payment = {
      ...pay(1000, '2026-04-01'),
      allocations: [
        { invoiceId: other.id, amount: 500 },
        { invoiceId: 'gone', amount: 600 },
      ],
    };
    expect(checkPaymentAllocations(bad, new Map([[other.id, other]]))).toEqual([
      'allocated more than the payment',
      `allocated to another family's invoice ${other.number}`,
      'allocated to unknown invoice gone',
    ]);
  });
});

describe('ledger and statement', () => {
  it('lists invoices, credit notes and payments with a running balance', () => {
    const [jan, feb] = issued([
      { total: 10000, date: '2026-01-31' },
      { total: 8000, date: '2026-02-28' },
    ]) as [Invoice, Invoice];
    const p1 = allocatePayment(pay(10000, '2026-02-10'), { invoices: [jan, feb], payments: [] });
    const v = voidInvoice(feb, {
      issueDate: '2026-03-05',
      deviceCode: 'AAA',
      invoices: [jan, feb],
      settings,
      ctx: ctxAt('2026-03-05T10:00:00Z'),
      newId,
      reason: 'Duplicate',
      payments: [p1],
      claims: [],
    });
    const p2 = allocatePayment(pay(2500, '2026-03-10'), { invoices: [jan, v.invoice], payments: [p1] });
    const invoices = [jan, v.invoice, v.creditNote];
    const ledger = familyLedger('f1', invoices, [p1, p2]);
    expect(ledger.map((e) => [e.date, e.kind, e.debit, e.credit, e.balance])).toEqual([
      ['2026-01-31', 'invoice', 10000, 0, 10000],
      ['2026-02-10', 'payment', 0, 10000, 0],
      ['2026-02-28', 'invoice', 8000, 0, 8000],
      ['2026-03-05', 'credit_note', 0, 8000, 0],
      ['2026-03-10', 'payment', 0, 2500, -2500],
    ]);
    expect(ledger[2]!.description).toMatch(/\(void\)/);
    expect(ledger[3]!.description).toBe(`Credit note ${v.creditNote.number}: Duplicate`);

    const st = familyStatement('f1', '2026-02-01', '2026-02-28', invoices, [p1, p2]);
    expect(st).toMatchObject({ openingBalance: 10000, closingBalance: 8000, totalInvoiced: 8000, totalPaid: 10000, totalCredited: 0 });
    expect(st.entries.map((e) => e.kind)).toEqual(['payment', 'invoice']);
    const empty = familyStatement('f1', '2026-06-01', '2026-06-30', invoices, [p1, p2]);
    expect(empty).toMatchObject({ openingBalance: -2500, closingBalance: -2500, entries: [] });
    expect(() => familyStatement('f1', '2026-06-30', '2026-06-01', invoices, [])).toThrow(/ends before/);
  });
});

describe('aging', () => {
  it('defines the buckets by days past due: ≤0 current, 1–30, 31–60, 61–90, >90', () => {
    expect([-5, 0, 1, 30, 31, 60, 61, 90, 91, 400].map(agingBucket)).toEqual([
      'current',
      'current',
      'days1to30',
      'days1to30',
      'days31to60',
      'days31to60',
      'days61to90',
      'days61to90',
      'over90',
      'over90',
    ]);
  });

  it('buckets open balances per family on the report date, with credit shown separately', () => {
    // Due dates are issue + 14 days. Report date 2026-06-30.
    const invs = issued([
      { total: 1000, date: '2026-06-20' }, // due 07-04 → current
      { total: 2000, date: '2026-06-02' }, // due 06-16 → 14 days
      { total: 3000, date: '2026-04-17' }, // due 05-01 → 60 days
      { total: 4000, date: '2026-04-16' }, // due 04-30 → 61 days
      { total: 5000, date: '2026-03-03' }, // due 03-17 → 105 days
      { total: 600, date: '2026-05-01', familyId: 'f2' }, // due 05-15 → 46 days
      { total: 999, date: '2026-07-01' }, // issued after the report date → ignored
    ]);
    const partial = allocatePayment(pay(500, '2026-06-25'), { invoices: invs, payments: [], targets: [{ invoiceId: invs[1]!.id }] });
    const credit = pay(700, '2026-06-26', 'f2');
    const report = agingReport(invs, [partial, credit], '2026-06-30');
    expect(report.rows.map((r) => [r.familyId, r.buckets, r.outstanding, r.credit, r.net])).toEqual([
      ['f1', { current: 1000, days1to30: 1500, days31to60: 3000, days61to90: 4000, over90: 5000 }, 14500, 0, 14500],
      ['f2', { current: 0, days1to30: 0, days31to60: 600, days61to90: 0, over90: 0 }, 600, 700, -100],
    ]);
    expect(report.rows[0]!.invoices.map((i) => i.daysOverdue)).toEqual([105, 61, 60, 14, 0]);
    expect(report.totals).toMatchObject({
      current: 1000,
      days1to30: 1500,
      days31to60: 3600,
      days61to90: 4000,
      over90: 5000,
      outstanding: 15100,
      credit: 700,
      net: 14400,
    });
    // The report is as of its date: a payment made later does not count yet.
    const earlier = agingReport(invs, [partial, credit], '2026-06-24');
    expect(earlier.rows.find((r) => r.familyId === 'f1')!.buckets.days1to30).toBe(2000);
    expect(earlier.rows.find((r) => r.familyId === 'f2')!.credit).toBe(0);
  });
});
