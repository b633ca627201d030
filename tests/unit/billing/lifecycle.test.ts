import { describe, expect, it } from 'vitest';
import { buildClaimDocs } from '../../../src-shared/billing/claims';
import { addLines, manualLine, newDraftValues, removeLine, setInvoiceDiscount, updateLine } from '../../../src-shared/billing/drafts';
import { buildBillingState, generateDraftInvoice } from '../../../src-shared/billing/generate';
import {
  ImmutableInvoiceError,
  checkInvoiceChange,
  createCreditNote,
  invoiceStanding,
  OPEN_STATUSES,
  issueInvoice,
  issueInvoices,
  paidByInvoice,
  resolveInvoiceConflict,
  updateInvoice,
  voidInvoice,
} from '../../../src-shared/billing/lifecycle';
import { BillingError } from '../../../src-shared/billing/errors';
import { allocatePayment, createPayment, familyBalance } from '../../../src-shared/billing/payments';
import { checkTotals } from '../../../src-shared/billing/totals';
import { stampChange } from '../../../src-shared/model/meta';
import type { Invoice } from '../../../src-shared/model/types';
import { ctxAt, idGen, lesson, makeFamily, makeSettings, makeStudent } from './fixtures';

const settings = makeSettings({ billing: { taxMode: 'exclusive', taxRateBp: 2000, paymentTermsDays: 14 } });
const newId = idGen('doc');

function draftFor(familyId = 'f1'): Invoice {
  const r = generateDraftInvoice(
    {
      family: makeFamily(familyId),
      students: [makeStudent('s1', familyId)],
      lessons: [lesson('L@1', 's1', familyId, '2026-03-03T16:00:00Z'), lesson('L@2', 's1', familyId, '2026-03-10T16:00:00Z')],
    },
    { periodStart: '2026-03-01', periodEnd: '2026-03-31', manualLines: [{ kind: 'manual', description: 'Workbook', unitAmount: 995 }] },
    buildBillingState([], []),
    { settings, ctx: ctxAt('2026-04-01T08:00:00Z'), newId },
  );
  return r.invoice!;
}

const issueArgs = (invoices: Invoice[] = [], date = '2026-04-01') => ({
  issueDate: date,
  deviceCode: 'K7Q',
  invoices,
  settings,
  ctx: ctxAt(`${date}T09:00:00Z`, 'dev-k'),
});

describe('draft editing', () => {
  it('recomputes totals on every edit and releases claims of removed lesson lines', () => {
    let d = draftFor();
    expect(d.total).toBe(10794); // (4000 + 4000 + 995) × 1.2 = 10794
    d = addLines(d, [manualLine({ kind: 'credit', description: 'Sibling credit', unitAmount: 1000 }, 'cr1')]);
    expect(d.total).toBe(9594);
    d = updateLine(d, d.lines[2]!.id, { quantityMilli: 2000 });
    expect(d.lines[2]!.amount).toBe(1990);
    d = setInvoiceDiscount(d, 499);
    expect(checkTotals(d)).toEqual([]);
    const { invoice, releasedClaimIds } = removeLine(d, d.lines[0]!.id);
    expect(releasedClaimIds).toEqual(['L@1#s1']);
    expect(invoice.lines).toHaveLength(3);
    expect(checkTotals(invoice)).toEqual([]);
    expect(() => manualLine({ kind: 'manual', description: ' ', unitAmount: 5 }, 'x')).toThrow(/description/);
    expect(() => manualLine({ kind: 'manual', description: 'x', unitAmount: 0 }, 'x')).toThrow(/greater than zero/);
  });
});

describe('issuing and immutability', () => {
  it('numbers the invoice, sets issue and due dates (payment terms) and the issuer', () => {
    const issued = issueInvoice(draftFor(), issueArgs());
    expect(issued).toMatchObject({
      status: 'issued',
      number: 'INV-2026-K7Q-0001',
      issueDate: '2026-04-01',
      dueDate: '2026-04-15',
      issuedBy: 'staff-1',
      issuedDeviceId: 'dev-k',
      sequenceKey: 'invoice|2026|K7Q',
      sequence: 1,
    });
    expect(issued.fieldClock.number).toBeDefined();
    const more = issueInvoices([draftFor('f2'), draftFor('f3')], issueArgs([issued]));
    expect(more.map((i) => i.number)).toEqual(['INV-2026-K7Q-0002', 'INV-2026-K7Q-0003']);
  });

  it('refuses any change to lines, totals or dates of an issued invoice', () => {
    const issued = issueInvoice(draftFor(), issueArgs());
    const ctx = ctxAt('2026-04-02T09:00:00Z');
    const tampered: Invoice[] = [
      { ...issued, lines: issued.lines.slice(1) },
      { ...issued, lines: issued.lines.map((l, i) => (i === 0 ? { ...l, amount: l.amount + 1 } : l)) },
      { ...issued, total: issued.total - 1 },
      { ...issued, dueDate: '2026-05-30' },
      { ...issued, issueDate: '2026-03-30' },
      { ...issued, number: 'INV-2026-K7Q-0099' },
      { ...issued, status: 'draft' },
      { ...issued, status: 'void', voidedBy: '' },
    ];
    for (const t of tampered) {
      expect(checkInvoiceChange(issued, t).length).toBeGreaterThan(0);
      expect(() => updateInvoice(issued, t, ctx)).toThrow(ImmutableInvoiceError);
    }
    // The draft editing helpers refuse too.
    expect(() => addLines(issued, [])).toThrow(/can no longer be changed/);
    expect(() => setInvoiceDiscount(issued, 1)).toThrow(BillingError);
    // An unchanged write is fine.
    expect(checkInvoiceChange(issued, { ...issued })).toEqual([]);
  });

  it('refuses to issue an empty or negative invoice, or a non-draft', () => {
    const empty = stampChange<Invoice>(
      undefined,
      newDraftValues({ familyId: 'f1', settings, periodStart: '2026-03-01', periodEnd: '2026-03-31' }),
      ctxAt('2026-04-01T08:00:00Z'),
      () => 'e1',
    );
    expect(() => issueInvoice(empty, issueArgs())).toThrow(/at least one line/);
    const neg = addLines(empty, [manualLine({ kind: 'credit', description: 'Refund', unitAmount: 100 }, 'c')]);
    expect(() => issueInvoice(neg, issueArgs())).toThrow(/negative/);
    const issued = issueInvoice(draftFor(), issueArgs());
    expect(() => issueInvoice(issued, issueArgs([issued]))).toThrow(/can no longer be changed/);
  });
});

describe('payment state (derived from allocations)', () => {
  it('issued → partially paid → paid; overdue after the due date', () => {
    const inv = issueInvoice(draftFor(), issueArgs());
    const ctx = ctxAt('2026-04-05T10:00:00Z');
    expect(invoiceStanding(inv, 0, '2026-04-10')).toMatchObject({ status: 'issued', balance: 10794, overdue: false });
    expect(invoiceStanding(inv, 0, '2026-04-15').status).toBe('issued'); // due today: not overdue yet
    expect(invoiceStanding(inv, 0, '2026-04-16')).toMatchObject({ status: 'overdue', daysOverdue: 1 });
    const p1 = allocatePayment(
      createPayment({ familyId: 'f1', date: '2026-04-05', amount: 5000, method: 'card', reference: '' }, 'GBP', ctx, newId),
      { invoices: [inv], payments: [] },
    );
    const paid1 = paidByInvoice([p1]).get(inv.id) ?? 0;
    expect(invoiceStanding(inv, paid1, '2026-04-10')).toMatchObject({ status: 'partially_paid', paid: 5000, balance: 5794 });
    expect(invoiceStanding(inv, paid1, '2026-05-01')).toMatchObject({ status: 'overdue', paid: 5000, daysOverdue: 16 });
    const p2 = allocatePayment(
      createPayment({ familyId: 'f1', date: '2026-04-20', amount: 5794, method: 'cash', reference: '' }, 'GBP', ctx, newId),
      { invoices: [inv], payments: [p1] },
    );
    expect(invoiceStanding(inv, paidByInvoice([p1, p2]).get(inv.id) ?? 0, '2026-05-01')).toMatchObject({
      status: 'paid',
      balance: 0,
      overdue: false,
    });
  });

  it('a partial credit note on an unpaid invoice is "partly credited", not "partially paid"', () => {
    const inv = issueInvoice(draftFor(), issueArgs());
    // 30.00 credited, nothing paid.
    expect(invoiceStanding(inv, 0, '2026-04-10', 3000)).toMatchObject({
      status: 'partly_credited',
      paid: 0,
      credited: 3000,
      balance: 7794,
    });
    // Once something is paid it is partially paid (credited is still told apart by `credited`).
    expect(invoiceStanding(inv, 1000, '2026-04-10', 3000)).toMatchObject({ status: 'partially_paid', paid: 1000, credited: 3000 });
    // Overdue takes precedence, as for a partly paid invoice; credited to the full total = settled.
    expect(invoiceStanding(inv, 0, '2026-04-16', 3000)).toMatchObject({ status: 'overdue', credited: 3000 });
    expect(invoiceStanding(inv, 0, '2026-04-10', inv.total).status).toBe('paid');
    expect(OPEN_STATUSES).toContain('partly_credited');
  });
});

describe('voiding through a credit note', () => {
  it('creates a numbered credit note that mirrors the invoice, voids the invoice, releases payments and claims', () => {
    const d = draftFor();
    const realClaims = buildClaimDocs(d, ctxAt('2026-04-01T08:00:00Z'));
    const inv = issueInvoice(d, issueArgs());
    const pay = allocatePayment(
      createPayment(
        { familyId: 'f1', date: '2026-04-03', amount: 3000, method: 'bank_transfer', reference: 'SMITH' },
        'GBP',
        ctxAt('2026-04-03T10:00:00Z'),
        newId,
      ),
      { invoices: [inv], payments: [] },
    );
    expect(pay.allocations).toEqual([{ invoiceId: inv.id, amount: 3000 }]);

    expect(() => voidInvoice(inv, { ...issueArgs([inv], '2026-04-04'), newId, reason: ' ', payments: [pay], claims: realClaims })).toThrow(
      /reason/,
    );
    const v = voidInvoice(inv, {
      ...issueArgs([inv], '2026-04-04'),
      newId,
      reason: 'Billed the wrong family',
      payments: [pay],
      claims: realClaims,
    });
    expect(v.creditNote).toMatchObject({
      kind: 'credit_note',
      status: 'issued',
      number: 'CN-2026-K7Q-0001',
      creditNoteFor: inv.id,
      total: -inv.total,
      taxTotal: -inv.taxTotal,
      subtotal: -inv.subtotal,
      notes: 'Billed the wrong family',
    });
    expect(checkTotals(v.creditNote)).toEqual([]);
    expect(v.creditNote.lines.map((l) => l.amount)).toEqual(inv.lines.map((l) => -l.amount));
    expect(v.invoice).toMatchObject({ status: 'void', voidedBy: v.creditNote.id, number: inv.number, total: inv.total, lines: inv.lines });
    expect(v.payments).toHaveLength(1);
    expect(v.payments[0]!.allocations).toEqual([]); // the 30.00 becomes family credit
    expect(v.releasedClaims.map((c) => c.id).sort()).toEqual(['L@1#s1', 'L@2#s1']);
    // Ledger: invoice + credit note cancel, the payment is credit.
    expect(familyBalance('f1', [v.invoice, v.creditNote], v.payments)).toBe(-3000);
    // Void invoices and credit notes cannot change any more.
    expect(() => updateInvoice(v.invoice, { ...v.invoice, status: 'issued', voidedBy: '' }, ctxAt('2026-04-05T09:00:00Z'))).toThrow(
      ImmutableInvoiceError,
    );
    expect(() => updateInvoice(v.creditNote, { ...v.creditNote, status: 'void', voidedBy: 'x' }, ctxAt('2026-04-05T09:00:00Z'))).toThrow(
      /credit note/,
    );
    expect(() => createCreditNote(v.invoice, { ...issueArgs([inv], '2026-04-04'), newId, reason: 'again' })).toThrow(
      /Only an issued invoice/,
    );
    expect(() => createCreditNote(d, { ...issueArgs([], '2026-04-04'), newId, reason: 'draft' })).toThrow(/Only an issued invoice/);
  });
});

describe('sync conflict resolution for invoices', () => {
  it('an issued version beats a draft edited elsewhere; the same draft issued twice keeps the earlier number', () => {
    const d = draftFor();
    const onA = issueInvoice(d, { ...issueArgs(), deviceCode: 'AAA', ctx: ctxAt('2026-04-01T09:00:00Z', 'dev-a') });
    const onB = issueInvoice(d, { ...issueArgs(), deviceCode: 'BBB', ctx: ctxAt('2026-04-01T10:00:00Z', 'dev-b') });
    const editedDraft = updateInvoice(d, setInvoiceDiscount(d, 100), ctxAt('2026-04-01T11:00:00Z', 'dev-c'));
    expect(resolveInvoiceConflict(editedDraft, onA)?.keep).toBe(onA);
    expect(resolveInvoiceConflict(d, editedDraft)).toBeNull();
    const r = resolveInvoiceConflict(onB, onA)!;
    expect(r.keep.number).toBe('INV-2026-AAA-0001');
    expect(r.discardedNumber).toBe('INV-2026-BBB-0001');
    expect(r.note).toMatch(/issued on two laptops/);
  });
});
