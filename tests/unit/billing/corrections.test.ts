/**
 * Corrections and refunds (docs/billing.md "Corrections and refunds"): every correction is its own
 * record, issued invoices never change, and the ledger, statement, ageing, reports and CSV count
 * reversals, refunds and partial credit notes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCsv } from '../../../src-shared/csv';
import { buildClaimDocs } from '../../../src-shared/billing/claims';
import {
  checkMoneyRecords,
  createPartialCreditNote,
  creditableLines,
  editPayment,
  mergePaymentRevisions,
  paymentEditability,
  refundCredit,
  reverseRecord,
} from '../../../src-shared/billing/corrections';
import { makeLine, manualLine, newDraftValues } from '../../../src-shared/billing/drafts';
import { incomeByMonthCsv, invoicesCsv, paymentsCsv, statementCsv } from '../../../src-shared/billing/exports';
import { invoiceStanding, issueInvoices, paidByInvoice, voidInvoice } from '../../../src-shared/billing/lifecycle';
import { BillingError } from '../../../src-shared/billing/errors';
import {
  agingReport,
  allocatePayment,
  applyFamilyCredit,
  createPayment,
  familyBalance,
  familyCredit,
  familyLedger,
  familyStatement,
  openInvoices,
} from '../../../src-shared/billing/payments';
import { creditedByInvoice } from '../../../src-shared/billing/records';
import { incomeByMonth, tutorReport } from '../../../src-shared/billing/reports';
import { checkTotals } from '../../../src-shared/billing/totals';
import { stampChange } from '../../../src-shared/model/meta';
import type { Invoice, InvoiceLine, Payment, TaxMode } from '../../../src-shared/model/types';
import { parseMoneyInput } from '../../../src-shared/money';
import { ctxAt, idGen, makeSettings } from './fixtures';

const newId = idGen('c');

function settingsFor(taxMode: TaxMode = 'none', taxRateBp = 2000) {
  return makeSettings({ billing: { paymentTermsDays: 14, taxMode, taxRateBp } });
}

/** An issued invoice for f1 with the given line prices (each a manual or lesson line). */
function issue(prices: number[], date: string, existing: Invoice[] = [], taxMode: TaxMode = 'none', familyId = 'f1'): Invoice {
  const settings = settingsFor(taxMode);
  const ctx = ctxAt(`${date}T09:00:00Z`);
  const lines: InvoiceLine[] = prices.map((p, i) =>
    i === 0
      ? makeLine({
          id: newId(),
          kind: 'lesson',
          description: `Maths · lesson ${i + 1}`,
          unitAmount: p,
          occurrenceIds: [`les-1@2026-01-0${i + 1}T16:00:00.000Z`],
          studentId: 's1',
          tutorId: 'tutor-1',
          subject: 'Maths',
          serviceDate: '2026-01-05',
        })
      : manualLine({ kind: 'manual', description: `Item ${i + 1}`, unitAmount: p }, newId()),
  );
  const draft = stampChange<Invoice>(
    undefined,
    newDraftValues({ familyId, settings, periodStart: '2026-01-01', periodEnd: '2026-01-31', lines }),
    ctx,
    newId,
  );
  return issueInvoices([draft], { issueDate: date, deviceCode: 'AAA', invoices: existing, settings, ctx })[0]!;
}

function pay(amount: number, date: string, invoices: Invoice[], payments: Payment[], familyId = 'f1'): Payment {
  const p = createPayment(
    { familyId, date, amount, method: 'bank_transfer', reference: `REF-${date}` },
    'GBP',
    ctxAt(`${date}T12:00:00Z`),
    newId,
  );
  return allocatePayment(p, { invoices, payments });
}

const issueArgs = (date: string, invoices: Invoice[], taxMode: TaxMode = 'none') => ({
  issueDate: date,
  deviceCode: 'AAA',
  invoices,
  settings: settingsFor(taxMode),
  ctx: ctxAt(`${date}T10:00:00Z`),
  newId,
});

/** The accounting identity: the ledger balance is what the invoices still owe less the family's credit. */
function expectBooksBalance(invoices: Invoice[], payments: Payment[], familyId = 'f1') {
  const outstanding = openInvoices(familyId, invoices, payments).reduce((s, o) => s + o.balance, 0);
  expect(familyBalance(familyId, invoices, payments)).toBe(outstanding - familyCredit(familyId, payments));
}

describe('the mistyped payment of issue 15 is reversed, with the history kept', () => {
  const inv = issue([35900], '2026-03-01');
  const typed = parseMoneyInput('99999999999', 'GBP');
  const huge = pay(typed.ok ? typed.amount : 0, '2026-03-05', [inv], []);

  it('before: Paid and a credit of £99,999,999,640', () => {
    expect(familyCredit('f1', [huge])).toBe(9_999_999_964_000);
    expect(invoiceStanding(inv, paidByInvoice([huge]).get(inv.id) ?? 0, '2026-03-06').status).toBe('paid');
  });

  const reversal = reverseRecord(huge, {
    payments: [huge],
    reason: 'Typed 99,999,999,999 instead of 359',
    date: '2026-03-06',
    ctx: ctxAt('2026-03-06T09:00:00Z'),
  });
  const records = [huge, reversal];

  it('after: the invoice owes 359 again, no credit, and the ledger shows both records', () => {
    expect(reversal).toMatchObject({
      id: `reversal:${huge.id}`,
      kind: 'reversal',
      reverses: huge.id,
      amount: huge.amount,
      allocations: [],
      reason: 'Typed 99,999,999,999 instead of 359',
    });
    expect(familyCredit('f1', records)).toBe(0);
    expect(openInvoices('f1', [inv], records)).toEqual([{ invoice: inv, balance: 35900 }]);
    const ledger = familyLedger('f1', [inv], records, { formatDate: (d) => `[${d}]` });
    expect(ledger.map((e) => [e.kind, e.debit, e.credit, e.balance])).toEqual([
      ['invoice', 35900, 0, 35900],
      ['payment', 0, 9_999_999_999_900, 35900 - 9_999_999_999_900],
      ['reversal', 9_999_999_999_900, 0, 35900],
    ]);
    expect(ledger[1]!.reversedBy).toBe(reversal.id);
    expect(ledger[0]!.description).toBe(`Invoice ${inv.number}, due [2026-03-15]`);
    expect(ledger[2]!.description).toBe('Reversal of the payment of [2026-03-05] (REF-2026-03-05): Typed 99,999,999,999 instead of 359');
    expectBooksBalance([inv], records);
    // The payment document itself is untouched.
    expect(huge.allocations).toEqual([{ invoiceId: inv.id, amount: 35900 }]);
  });

  it('the statement, the payments CSV and income by month count the reversal on its date', () => {
    const st = familyStatement('f1', '2026-03-01', '2026-03-31', [inv], records);
    expect(st).toMatchObject({ totalInvoiced: 35900, totalPaid: 0, totalRefunded: 0, closingBalance: 35900 });
    const rows = parseCsv(statementCsv(st, 'GBP')).rows.map((r) => r.values);
    expect(rows.map((r) => r.Type)).toEqual(['Opening balance', 'Invoice', 'Payment', 'Reversal', 'Closing balance']);
    const csv = parseCsv(paymentsCsv(records, { invoices: [inv] })).rows.map((r) => r.values);
    expect(csv.map((r) => [r.Type, r.Amount, r.Allocated, r['Unallocated (credit)'], r.Reversed])).toEqual([
      ['Payment', '99999999999', '0', '0', 'Reversed'],
      ['Reversal', '-99999999999', '0', '0', ''],
    ]);
    expect(csv[1]!.Reason).toBe('Typed 99,999,999,999 instead of 359');
    expect(csv[1]!.Reverses).toBe(`Payment 2026-03-05 REF-2026-03-05 (${huge.id})`);
    const months = incomeByMonth([inv], records, { from: '2026-03-01', to: '2026-03-31' });
    expect(months[0]).toMatchObject({ received: 0, refunded: 0, invoiced: 35900 });
    expect(parseCsv(incomeByMonthCsv(months, 'GBP')).rows[0]!.values.Refunded).toBe('0');
  });

  it('a reversal is refused twice, for a reversal, before the payment, and without a reason', () => {
    const args = { payments: records, reason: 'again', date: '2026-03-07', ctx: ctxAt('2026-03-07T09:00:00Z') };
    expect(() => reverseRecord(huge, args)).toThrow('This payment is already reversed');
    expect(() => reverseRecord(reversal, args)).toThrow('A reversal cannot be reversed');
    expect(() => reverseRecord(huge, { ...args, payments: [huge], date: '2026-03-04' })).toThrow(
      'The reversal cannot be dated before the payment (5 Mar 2026)',
    );
    expect(() => reverseRecord(huge, { ...args, payments: [huge], reason: '  ' })).toThrow('Give a reason for reversing the payment');
  });

  it('correction messages write their dates in the practice locale, never ISO', () => {
    const args = { payments: [huge], reason: 'again', date: '2026-03-04', ctx: ctxAt('2026-03-07T09:00:00Z') };
    expect(() => reverseRecord(huge, { ...args, locale: 'de-DE' })).toThrow(
      'The reversal cannot be dated before the payment (5. März 2026)',
    );
    expect(() => reverseRecord(huge, { ...args, locale: 'en-US' })).toThrow(
      'The reversal cannot be dated before the payment (Mar 5, 2026)',
    );
    expect(paymentEditability(huge, records, 'de-DE')).toMatchObject({ reason: expect.stringContaining('reversed on 6. März 2026') });
    expect(JSON.stringify(checkMoneyRecords([reversal], [], 'en-US'))).toContain('The reversal of Mar 6, 2026 names');
  });

  it('two laptops reversing it offline write the same document id', () => {
    const other = reverseRecord(huge, {
      payments: [huge],
      reason: 'bounced',
      date: '2026-03-08',
      ctx: ctxAt('2026-03-08T09:00:00Z', 'dev-b'),
    });
    expect(other.id).toBe(reversal.id);
  });
});

describe('editing a payment while it is the latest word', () => {
  const jan = issue([10000], '2026-01-31');
  const feb = issue([8000], '2026-02-28', [jan]);
  const invoices = [jan, feb];
  const p = pay(18000, '2026-03-02', invoices, []);

  it('changes the amount, re-allocates, and keeps the old values with who, when and why', () => {
    const edited = editPayment(
      p,
      { amount: 12000, reason: 'Bank statement says 120' },
      { invoices, payments: [p], ctx: ctxAt('2026-03-03T08:00:00Z', 'dev-b', 'staff-2') },
    );
    expect(edited.amount).toBe(12000);
    expect(edited.allocations).toEqual([
      { invoiceId: jan.id, amount: 10000 },
      { invoiceId: feb.id, amount: 2000 },
    ]);
    expect(edited.revisions).toEqual([
      {
        amount: 18000,
        date: '2026-03-02',
        method: 'bank_transfer',
        reference: 'REF-2026-03-02',
        allocations: p.allocations,
        notes: '',
        revisedAt: '2026-03-03T08:00:00.000Z',
        revisedBy: 'staff-2',
        deviceId: 'dev-b',
        reason: 'Bank statement says 120',
      },
    ]);
    expect(edited.fieldClock.amount).not.toBe(p.fieldClock.amount);
    expectBooksBalance(invoices, [edited]);
  });

  it('keeps the allocation when it still fits, or takes the one chosen', () => {
    const dated = editPayment(p, { date: '2026-03-01', method: 'card' }, { invoices, payments: [p], ctx: ctxAt('2026-03-03T08:00:00Z') });
    expect(dated.allocations).toEqual(p.allocations);
    expect(dated.revisions).toHaveLength(1);
    const chosen = editPayment(p, { targets: [{ invoiceId: feb.id }] }, { invoices, payments: [p], ctx: ctxAt('2026-03-03T08:00:00Z') });
    expect(chosen.allocations).toEqual([{ invoiceId: feb.id, amount: 8000 }]);
    // Nothing changed: the same document, no revision.
    expect(editPayment(p, { amount: 18000 }, { invoices, payments: [p], ctx: ctxAt('2026-03-03T08:00:00Z') })).toBe(p);
  });

  it('is refused once something refers to the payment, with what to do instead', () => {
    const reversal = reverseRecord(p, { payments: [p], reason: 'duplicate', date: '2026-03-04', ctx: ctxAt('2026-03-04T09:00:00Z') });
    expect(paymentEditability(p, [p, reversal])).toEqual({
      editable: false,
      reason: 'This payment was reversed on 4 Mar 2026: record a new payment instead.',
    });
    expect(() => editPayment(p, { amount: 1 }, { invoices, payments: [p, reversal], ctx: ctxAt('2026-03-05T09:00:00Z') })).toThrow(
      BillingError,
    );
    const over = pay(20000, '2026-03-02', [], []);
    const refund = refundCredit(
      { familyId: 'f1', amount: 5000, date: '2026-03-05', method: 'bank_transfer', reference: '', reason: 'Overpaid' },
      { payments: [over], currency: 'GBP', ctx: ctxAt('2026-03-05T09:00:00Z'), newId },
    );
    expect(paymentEditability(over, [over, refund]).editable).toBe(false);
    expect(paymentEditability(refund, [over, refund])).toEqual({
      editable: false,
      reason: 'A refund is not edited: reverse it and record the refund again.',
    });
    expect(paymentEditability(reversal, [p, reversal]).editable).toBe(false);
  });

  it('both laptops’ edits stay in the history after a sync conflict', () => {
    const a = editPayment(p, { amount: 17000, reason: 'a' }, { invoices, payments: [p], ctx: ctxAt('2026-03-03T08:00:00Z', 'dev-a') });
    const b = editPayment(p, { date: '2026-03-01', reason: 'b' }, { invoices, payments: [p], ctx: ctxAt('2026-03-03T08:30:00Z', 'dev-b') });
    const merged = mergePaymentRevisions(a.revisions, b.revisions);
    expect(merged.map((r) => r.reason)).toEqual(['a', 'b']);
    expect(mergePaymentRevisions(merged, a.revisions)).toEqual(merged);
  });
});

describe('refunds of family credit', () => {
  const inv = issue([10000], '2026-01-31');
  const p1 = pay(15000, '2026-02-01', [inv], []);
  const p2 = pay(3000, '2026-02-10', [inv], [p1]);
  const records = [p1, p2];
  const refundArgs = { payments: records, currency: 'GBP', ctx: ctxAt('2026-02-15T09:00:00Z'), newId };

  it('pays back the credit from the newest payments first; the ledger shows it as a charge', () => {
    expect(familyCredit('f1', records)).toBe(8000);
    const r = refundCredit(
      { familyId: 'f1', amount: 6000, date: '2026-02-15', method: 'bank_transfer', reference: 'BACS 991', reason: 'Overpayment returned' },
      refundArgs,
    );
    expect(r).toMatchObject({
      kind: 'refund',
      amount: 6000,
      allocations: [],
      refundSources: [
        { paymentId: p2.id, amount: 3000 },
        { paymentId: p1.id, amount: 3000 },
      ],
    });
    const all = [...records, r];
    expect(familyCredit('f1', all)).toBe(2000);
    const ledger = familyLedger('f1', [inv], all);
    expect(ledger.at(-1)).toMatchObject({
      kind: 'refund',
      debit: 6000,
      credit: 0,
      balance: -2000,
      description: 'Refund to the family, Bank transfer (BACS 991): Overpayment returned',
    });
    expectBooksBalance([inv], all);
    const st = familyStatement('f1', '2026-02-01', '2026-02-28', [inv], all);
    expect(st).toMatchObject({ totalPaid: 18000, totalRefunded: 6000, closingBalance: -2000 });
    // Credit already refunded cannot be applied to a new invoice.
    const next = issue([5000], '2026-03-01', [inv]);
    const applied = applyFamilyCredit('f1', { invoices: [inv, next], payments: all, ctx: ctxAt('2026-03-02T09:00:00Z') });
    expect(applied.reduce((s, p) => s + p.allocations.reduce((x, a) => x + (a.invoiceId === next.id ? a.amount : 0), 0), 0)).toBe(2000);
    expect(incomeByMonth([inv], all, { from: '2026-02-01', to: '2026-02-28' })[0]).toMatchObject({ received: 18000, refunded: 6000 });
  });

  it('never pays back more than the credit, and checks chosen sources', () => {
    expect(() =>
      refundCredit({ familyId: 'f1', amount: 8001, date: '2026-02-15', method: 'cash', reference: '', reason: 'x' }, refundArgs),
    ).toThrow("The family's credit is £80.00: a refund cannot be more");
    expect(() =>
      refundCredit({ familyId: 'f1', amount: 100, date: '2026-02-15', method: 'cash', reference: '', reason: '' }, refundArgs),
    ).toThrow('Give a reason for the refund');
    expect(() =>
      refundCredit(
        {
          familyId: 'f1',
          amount: 4000,
          date: '2026-02-15',
          method: 'cash',
          reference: '',
          reason: 'x',
          sources: [{ paymentId: p2.id, amount: 4000 }],
        },
        refundArgs,
      ),
    ).toThrow('That payment has only £30.00 left to refund');
    expect(() =>
      refundCredit(
        {
          familyId: 'f1',
          amount: 4000,
          date: '2026-02-15',
          method: 'cash',
          reference: '',
          reason: 'x',
          sources: [{ paymentId: p1.id, amount: 3000 }],
        },
        refundArgs,
      ),
    ).toThrow('The parts of the refund do not add up to its amount');
  });

  it('reversing a refund gives the credit back; reversing its payment first is refused', () => {
    const r = refundCredit(
      {
        familyId: 'f1',
        amount: 3000,
        date: '2026-02-15',
        method: 'cash',
        reference: '',
        reason: 'x',
        sources: [{ paymentId: p2.id, amount: 3000 }],
      },
      refundArgs,
    );
    expect(() =>
      reverseRecord(p2, { payments: [...records, r], reason: 'bounced', date: '2026-02-20', ctx: ctxAt('2026-02-20T09:00:00Z') }),
    ).toThrow('£30.00 of this payment was refunded: reverse the refund first, or confirm that the family now owes it');
    const back = reverseRecord(r, {
      payments: [...records, r],
      reason: 'Cheque never cashed',
      date: '2026-03-20',
      ctx: ctxAt('2026-03-20T09:00:00Z'),
    });
    const all = [...records, r, back];
    expect(familyCredit('f1', all)).toBe(8000);
    expect(familyLedger('f1', [inv], all).at(-1)).toMatchObject({
      kind: 'reversal',
      reverses: 'refund',
      credit: 3000,
      debit: 0,
      balance: -8000,
    });
    expect(incomeByMonth([inv], all, { from: '2026-02-01', to: '2026-03-31' }).map((m) => m.refunded)).toEqual([3000, -3000]);
    expectBooksBalance([inv], all);
    // Forced: the family then owes the refund, and the check says why.
    const forced = reverseRecord(p2, {
      payments: [...records, r],
      reason: 'bounced',
      date: '2026-02-20',
      ctx: ctxAt('2026-02-20T09:00:00Z'),
      evenIfRefunded: true,
    });
    expect(checkMoneyRecords([...records, r, forced], [inv]).map((f) => f.code)).toEqual(['refund_of_reversed_payment']);
  });
});

describe('partial credit notes', () => {
  it('credit chosen lines in full or in part; the invoice stays issued and owes less', () => {
    const inv = issue([4500, 2000, 1500], '2026-02-01');
    const [lesson, item2] = inv.lines as [InvoiceLine, InvoiceLine];
    const { creditNote, payments } = createPartialCreditNote(
      inv,
      { lines: [{ lineId: lesson.id }, { lineId: item2.id, amount: 500 }], reason: 'Lesson cancelled by us; book returned' },
      { ...issueArgs('2026-02-10', [inv]), payments: [] },
    );
    expect(payments).toEqual([]);
    expect(creditNote).toMatchObject({
      kind: 'credit_note',
      status: 'issued',
      number: 'CN-2026-AAA-0001',
      creditNoteFor: inv.id,
      voidedBy: '',
      total: -5000,
      notes: 'Lesson cancelled by us; book returned',
    });
    expect(creditNote.lines.map((l) => [l.creditsLineId, l.amount, l.kind, l.description, l.tutorId, l.occurrenceIds])).toEqual([
      [lesson.id, -4500, 'lesson', 'Maths · lesson 1', 'tutor-1', []],
      [item2.id, -500, 'manual', 'Item 2', '', []],
    ]);
    expect(checkTotals(creditNote)).toEqual([]);
    const all = [inv, creditNote];
    expect(creditedByInvoice(all).get(inv.id)).toBe(5000);
    expect(invoiceStanding(inv, 0, '2026-02-11', 5000)).toMatchObject({ status: 'partly_credited', balance: 3000, credited: 5000 });
    expect(openInvoices('f1', all, [])).toEqual([{ invoice: inv, balance: 3000 }]);
    expect(creditableLines(inv, all).map((c) => [c.lineId, c.remainingGross])).toEqual([
      [item2.id, 1500],
      [inv.lines[2]!.id, 1500],
    ]);
    expectBooksBalance(all, []);
    // The tutor report bills the tutor's lesson no more; the CSV shows what was credited.
    expect(
      tutorReport({
        lessons: [],
        invoices: all,
        staff: [],
        range: { from: '2026-01-01', to: '2026-01-31' },
        timeZone: 'Europe/London',
      }).find((r) => r.tutorId === 'tutor-1')?.billedNet,
    ).toBe(0);
    const csv = parseCsv(invoicesCsv(all, { settings: settingsFor() })).rows.map((r) => r.values);
    expect(csv.map((r) => [r.Number, r.Total, r.Balance, r.Credited])).toEqual([
      [inv.number, '80', '30', '50'],
      ['CN-2026-AAA-0001', '-50', '0', '0'],
    ]);
    expect(agingReport(all, [], '2026-03-31').totals.outstanding).toBe(3000);
  });

  it('an amount is spread over what is left of the lines; the rest of the invoice can be credited later, never more', () => {
    const inv = issue([6000, 3000, 1000], '2026-02-01');
    const first = createPartialCreditNote(inv, { amount: 1000, reason: 'Goodwill' }, { ...issueArgs('2026-02-10', [inv]), payments: [] });
    expect(first.creditNote.lines.map((l) => l.amount)).toEqual([-600, -300, -100]);
    const all = [inv, first.creditNote];
    expect(() => createPartialCreditNote(inv, { amount: 9001, reason: 'x' }, { ...issueArgs('2026-02-11', all), payments: [] })).toThrow(
      `${inv.number} has only £90.00 left to credit`,
    );
    const rest = createPartialCreditNote(
      inv,
      { amount: 9000, reason: 'Everything else' },
      { ...issueArgs('2026-02-11', all), payments: [] },
    );
    expect(rest.creditNote.number).toBe('CN-2026-AAA-0002');
    expect(rest.creditNote.total).toBe(-9000);
    expect(creditableLines(inv, [...all, rest.creditNote])).toEqual([]);
    expect(() =>
      createPartialCreditNote(
        inv,
        { lines: [{ lineId: inv.lines[0]!.id }], reason: 'x' },
        { ...issueArgs('2026-02-12', [...all, rest.creditNote]), payments: [] },
      ),
    ).toThrow('That line is already fully credited');
    expect(() =>
      createPartialCreditNote(inv, { lines: [{ lineId: 'nope' }], reason: 'x' }, { ...issueArgs('2026-02-12', all), payments: [] }),
    ).toThrow('That line is not on this invoice');
    expect(() =>
      createPartialCreditNote(inv, { amount: 5, lines: [], reason: 'x' }, { ...issueArgs('2026-02-12', all), payments: [] }),
    ).toThrow('Choose lines to credit, or an amount — not both');
  });

  it('on a paid invoice, the money paid beyond the new balance becomes credit, which can be refunded', () => {
    const inv = issue([10000], '2026-02-01');
    const p = pay(10000, '2026-02-05', [inv], []);
    const { creditNote, payments } = createPartialCreditNote(
      inv,
      { amount: 2500, reason: 'Two lessons missed' },
      { ...issueArgs('2026-02-10', [inv]), payments: [p] },
    );
    expect(payments).toHaveLength(1);
    expect(payments[0]!.allocations).toEqual([{ invoiceId: inv.id, amount: 7500 }]);
    const all = [inv, creditNote];
    expect(familyCredit('f1', payments)).toBe(2500);
    expect(invoiceStanding(inv, paidByInvoice(payments).get(inv.id)!, '2026-02-11', 2500).status).toBe('paid');
    expectBooksBalance(all, payments);
    const r = refundCredit(
      { familyId: 'f1', amount: 2500, date: '2026-02-12', method: 'bank_transfer', reference: '', reason: 'Credit note CN-2026-AAA-0001' },
      { payments, currency: 'GBP', ctx: ctxAt('2026-02-12T09:00:00Z'), newId },
    );
    expect(familyBalance('f1', all, [...payments, r])).toBe(0);
    expect(checkMoneyRecords([...payments, r], all)).toEqual([]);
  });

  it('tax: every credit line’s net and tax add up to the gross credited, exactly', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<TaxMode>('none', 'exclusive', 'inclusive'),
        fc.array(fc.integer({ min: 1, max: 500_000 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 5 }),
        (mode, prices, cuts) => {
          const inv = issue(prices, '2026-02-01', [], mode);
          let all: Invoice[] = [inv];
          for (const [i, cut] of cuts.entries()) {
            const left = inv.total - (creditedByInvoice(all).get(inv.id) ?? 0);
            if (left <= 0) break;
            const amount = Math.min(left, Math.max(1, Math.floor((left * cut) / 1000)));
            const cn = createPartialCreditNote(
              inv,
              { amount, reason: 'x' },
              { ...issueArgs(`2026-02-1${i}`, all, mode), payments: [] },
            ).creditNote;
            expect(cn.total).toBe(-amount);
            expect(checkTotals(cn)).toEqual([]);
            all = [...all, cn];
          }
          // Crediting what is left closes every line exactly: tax and net back to zero.
          const left = inv.total - (creditedByInvoice(all).get(inv.id) ?? 0);
          if (left > 0)
            all = [
              ...all,
              createPartialCreditNote(inv, { amount: left, reason: 'rest' }, { ...issueArgs('2026-02-28', all, mode), payments: [] })
                .creditNote,
            ];
          const cns = all.filter((x) => x.kind === 'credit_note');
          expect(cns.reduce((s, c) => s + c.total, 0) + inv.total).toBe(0);
          expect(cns.reduce((s, c) => s + c.taxTotal, 0) + inv.taxTotal).toBe(0);
          expect(creditableLines(inv, all)).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a void after a partial credit note credits only what is left, so nothing is credited twice', () => {
    const inv = issue([10000, 2000], '2026-02-01', [], 'exclusive');
    const part = createPartialCreditNote(
      inv,
      { amount: 3000, reason: 'x' },
      { ...issueArgs('2026-02-05', [inv], 'exclusive'), payments: [] },
    ).creditNote;
    const v = voidInvoice(inv, { ...issueArgs('2026-02-06', [inv, part], 'exclusive'), reason: 'Wrong family', payments: [], claims: [] });
    expect(v.creditNote.total).toBe(-(inv.total - 3000));
    expect(checkTotals(v.creditNote)).toEqual([]);
    expect(v.creditNote.taxTotal + part.taxTotal + inv.taxTotal).toBe(0);
    const all = [v.invoice, part, v.creditNote];
    expect(familyBalance('f1', all, [])).toBe(0);
    expect(openInvoices('f1', all, [])).toEqual([]);
    // Without partial credit notes the void's credit note is exactly the invoice negated, as before.
    const plain = voidInvoice(inv, {
      ...issueArgs('2026-02-06', [inv], 'exclusive'),
      reason: 'Wrong family',
      payments: [],
      claims: [],
    }).creditNote;
    expect(plain.lines.map((l) => [l.amount, l.unitAmount, l.creditsLineId])).toEqual(
      inv.lines.map((l) => [-l.amount, -l.unitAmount, undefined]),
    );
  });

  it('releases the claims of lines credited in full when the lessons are to be billed again', () => {
    const inv = issue([4500, 2000], '2026-02-01');
    const claims = buildClaimDocs(inv, ctxAt('2026-02-01T09:00:00Z'));
    expect(claims).toHaveLength(1);
    const keep = createPartialCreditNote(
      inv,
      { lines: [{ lineId: inv.lines[0]!.id }], reason: 'Charged at the wrong rate' },
      { ...issueArgs('2026-02-05', [inv]), payments: [], claims },
    );
    expect(keep.releasedClaims).toEqual([]);
    const rebill = createPartialCreditNote(
      inv,
      { lines: [{ lineId: inv.lines[0]!.id }], reason: 'Charged at the wrong rate', rebill: true },
      { ...issueArgs('2026-02-05', [inv]), payments: [], claims },
    );
    expect(rebill.releasedClaims.map((c) => c.id)).toEqual([claims[0]!.id]);
    const part = createPartialCreditNote(
      inv,
      { lines: [{ lineId: inv.lines[0]!.id, amount: 100 }], reason: 'x', rebill: true },
      { ...issueArgs('2026-02-05', [inv]), payments: [], claims },
    );
    expect(part.releasedClaims).toEqual([]);
  });
});

describe('checks after sync', () => {
  it('a payment edited on one laptop while reversed on another is shown to a person', () => {
    const inv = issue([10000], '2026-01-31');
    const p = pay(10000, '2026-02-01', [inv], []);
    const reversal = reverseRecord(p, {
      payments: [p],
      reason: 'bounced',
      date: '2026-02-03',
      ctx: ctxAt('2026-02-03T09:00:00Z', 'dev-a'),
    });
    const edited = editPayment(p, { amount: 9000 }, { invoices: [inv], payments: [p], ctx: ctxAt('2026-02-03T09:05:00Z', 'dev-b') });
    const synced = [edited, reversal];
    const findings = checkMoneyRecords(synced, [inv]);
    expect(findings.map((f) => f.code)).toEqual(['reversal_amount_changed']);
    expect(findings[0]!.message).toBe(
      'The payment of 1 Feb 2026 was reversed for £100.00 but is now £90.00: it was edited on another laptop. The whole payment counts as reversed; check that this is right.',
    );
    // Whatever the amounts, a reversed payment counts for nothing.
    expect(familyBalance('f1', [inv], synced)).toBe(10000);
    expectBooksBalance([inv], synced);
  });

  it('credit refunded on two laptops offline is reported', () => {
    const p = pay(5000, '2026-02-01', [], []);
    const args = { payments: [p], currency: 'GBP', newId };
    const a = refundCredit(
      { familyId: 'f1', amount: 5000, date: '2026-02-02', method: 'cash', reference: '', reason: 'a' },
      { ...args, ctx: ctxAt('2026-02-02T09:00:00Z', 'dev-a') },
    );
    const b = refundCredit(
      { familyId: 'f1', amount: 5000, date: '2026-02-02', method: 'cash', reference: '', reason: 'b' },
      { ...args, ctx: ctxAt('2026-02-02T09:00:00Z', 'dev-b') },
    );
    const findings = checkMoneyRecords([p, a, b], []);
    expect(findings.map((f) => f.code)).toEqual(['over_refunded']);
    expect(familyCredit('f1', [p, a, b])).toBe(-5000);
    expect(familyBalance('f1', [], [p, a, b])).toBe(5000);
  });

  it('a reversal that arrives before its payment is reported, and counted as the payment’s amount', () => {
    const p = pay(5000, '2026-02-01', [], []);
    const r = reverseRecord(p, { payments: [p], reason: 'x', date: '2026-02-02', ctx: ctxAt('2026-02-02T09:00:00Z') });
    expect(checkMoneyRecords([r], []).map((f) => f.code)).toEqual(['reversal_target_missing']);
    expect(familyBalance('f1', [], [r])).toBe(5000);
  });
});

describe('property: the books always balance', () => {
  type Op =
    | { t: 'invoice'; prices: number[] }
    | { t: 'pay'; amount: number }
    | { t: 'reverse'; pick: number }
    | { t: 'refund'; share: number }
    | { t: 'credit'; pick: number; share: number }
    | { t: 'edit'; pick: number; amount: number }
    | { t: 'apply' }
    | { t: 'void'; pick: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      t: fc.constant('invoice' as const),
      prices: fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({ t: fc.constant('pay' as const), amount: fc.integer({ min: 1, max: 80_000 }) }),
    fc.record({ t: fc.constant('reverse' as const), pick: fc.nat() }),
    fc.record({ t: fc.constant('refund' as const), share: fc.integer({ min: 1, max: 100 }) }),
    fc.record({ t: fc.constant('credit' as const), pick: fc.nat(), share: fc.integer({ min: 1, max: 100 }) }),
    fc.record({ t: fc.constant('edit' as const), pick: fc.nat(), amount: fc.integer({ min: 1, max: 80_000 }) }),
    fc.record({ t: fc.constant('apply' as const) }),
    fc.record({ t: fc.constant('void' as const), pick: fc.nat() }),
  );

  it('ledger balance = what invoices owe − family credit, and no check fires, after any sequence of corrections', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), fc.constantFrom<TaxMode>('none', 'exclusive'), (ops, mode) => {
        let invoices: Invoice[] = [];
        let payments: Payment[] = [];
        let day = 1;
        const date = () => `2026-0${1 + Math.floor(day / 28)}-${String(1 + (day % 28)).padStart(2, '0')}`;
        const replace = (changed: Payment[]) => {
          const byId = new Map(changed.map((p) => [p.id, p]));
          payments = payments.map((p) => byId.get(p.id) ?? p);
        };
        for (const o of ops) {
          day += 1;
          const d = date();
          const ctx = ctxAt(`${d}T09:00:00Z`);
          try {
            if (o.t === 'invoice') invoices = [...invoices, issue(o.prices, d, invoices, mode)];
            else if (o.t === 'pay') payments = [...payments, pay(o.amount, d, invoices, payments)];
            else if (o.t === 'reverse' && payments.length)
              payments = [...payments, reverseRecord(payments[o.pick % payments.length]!, { payments, reason: 'x', date: d, ctx })];
            else if (o.t === 'refund') {
              const credit = familyCredit('f1', payments);
              if (credit > 0)
                payments = [
                  ...payments,
                  refundCredit(
                    {
                      familyId: 'f1',
                      amount: Math.max(1, Math.floor((credit * o.share) / 100)),
                      date: d,
                      method: 'cash',
                      reference: '',
                      reason: 'x',
                    },
                    { payments, currency: 'GBP', ctx, newId },
                  ),
                ];
            } else if (o.t === 'credit') {
              const open = invoices.filter((i) => i.kind === 'invoice' && i.status === 'issued');
              const inv = open[o.pick % Math.max(open.length, 1)];
              if (inv) {
                const left = inv.total - (creditedByInvoice(invoices).get(inv.id) ?? 0);
                if (left > 0) {
                  const r = createPartialCreditNote(
                    inv,
                    { amount: Math.max(1, Math.floor((left * o.share) / 100)), reason: 'x' },
                    { ...issueArgs(d, invoices, mode), ctx, payments },
                  );
                  invoices = [...invoices, r.creditNote];
                  replace(r.payments);
                }
              }
            } else if (o.t === 'edit' && payments.length) {
              const p = payments[o.pick % payments.length]!;
              if (paymentEditability(p, payments).editable) replace([editPayment(p, { amount: o.amount }, { invoices, payments, ctx })]);
            } else if (o.t === 'apply') replace(applyFamilyCredit('f1', { invoices, payments, ctx }));
            else if (o.t === 'void') {
              const open = invoices.filter((i) => i.kind === 'invoice' && i.status === 'issued');
              const inv = open[o.pick % Math.max(open.length, 1)];
              if (inv) {
                const v = voidInvoice(inv, { ...issueArgs(d, invoices, mode), ctx, reason: 'x', payments, claims: [] });
                invoices = [...invoices.map((i) => (i.id === inv.id ? v.invoice : i)), v.creditNote];
                replace(v.payments);
              }
            }
          } catch (e) {
            if (!(e instanceof BillingError)) throw e;
          }
        }
        expectBooksBalance(invoices, payments);
        expect(checkMoneyRecords(payments, invoices)).toEqual([]);
        expect(familyCredit('f1', payments)).toBeGreaterThanOrEqual(0);
        const aging = agingReport(invoices, payments, '2026-12-31');
        expect(aging.totals.net).toBe(familyBalance('f1', invoices, payments));
      }),
      { numRuns: 300 },
    );
  });
});
