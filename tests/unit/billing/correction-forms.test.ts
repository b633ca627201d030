/**
 * The correction forms' pure helpers: the payment amount read and checked the same way by
 * "Record a payment" and "Edit payment", the refund form's field errors, and the edit history.
 */
import { describe, expect, it } from 'vitest';
import { checkPaymentAmount, partialCreditEffect, refundFieldErrors, revisionHistory } from '../../../src-shared/billing/correction-forms';
import { editPayment } from '../../../src-shared/billing/corrections';
import { createPayment } from '../../../src-shared/billing/payments';
import { formatMoney } from '../../../src-shared/money';
import { ctxAt, idGen } from './fixtures';

const range = { highestRate: 4500, highestFee: 0, currency: 'GBP' };
const base = { currency: 'GBP', locale: 'en-GB', familyBalance: 35900, familyName: 'Patel family', range };

describe('checkPaymentAmount', () => {
  it('reads the amount in the practice locale', () => {
    expect(checkPaymentAmount({ ...base, input: '234.50' })).toEqual({ ok: true, amount: 23450, confirm: null });
    expect(checkPaymentAmount({ ...base, input: '234,50', locale: 'de-DE' })).toEqual({ ok: true, amount: 23450, confirm: null });
  });
  it('refuses ambiguous input, zero and the hard limit at the field', () => {
    expect(checkPaymentAmount({ ...base, input: '1,000,50' })).toMatchObject({ ok: false, error: expect.stringMatching(/separators/) });
    expect(checkPaymentAmount({ ...base, input: '0' })).toEqual({ ok: false, error: 'Enter an amount greater than zero' });
    expect(checkPaymentAmount({ ...base, input: '99,999,999,999' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/larger than any tutoring practice charges: at most £10,000,000,000\.00/),
    });
  });
  it('asks for a confirmation naming the figure far above what the family owes', () => {
    // Owes £359.00; margin 12 × £45.00 = £540.00: £899.00 passes, £899.01 asks.
    expect(checkPaymentAmount({ ...base, input: '899' })).toMatchObject({ ok: true, confirm: null });
    const r = checkPaymentAmount({ ...base, input: '899.01' });
    expect(r).toMatchObject({ ok: true, amount: 89901, confirm: { figure: '£899.01', confirmLabel: 'Record £899.01', amount: 89901 } });
  });
});

describe('refundFieldErrors', () => {
  const v = { amount: '60', date: '2026-12-06', reason: 'Overpaid', reference: '' };
  const args = { credit: 10000, currency: 'GBP', locale: 'en-GB' };
  it('accepts up to the credit', () => {
    expect(refundFieldErrors(v, args)).toEqual({ amount: 6000, errors: {} });
    expect(refundFieldErrors({ ...v, amount: '100.00' }, args)).toEqual({ amount: 10000, errors: {} });
  });
  it('refuses more than the credit with the figure, and a missing reason', () => {
    const r = refundFieldErrors({ ...v, amount: '100.01', reason: ' ' }, args);
    expect(r.amount).toBeUndefined();
    expect(r.errors).toEqual({
      amount: "The family's credit is £100.00: a refund cannot be more",
      reason: 'Say why the money is paid back',
    });
    expect(refundFieldErrors({ ...v, amount: '(60)' }, args).errors.amount).toMatch(/Brackets/);
    expect(refundFieldErrors({ ...v, date: '' }, args).errors.date).toBe('Enter the date of the refund');
    expect(refundFieldErrors(v, { ...args, credit: -500 }).errors.amount).toBe("The family's credit is £0.00: a refund cannot be more");
  });
});

describe('revisionHistory', () => {
  it('says what each edit changed, from the kept values to the next ones', () => {
    const newId = idGen('p');
    const p0 = createPayment(
      { familyId: 'f1', date: '2026-12-01', amount: 4500, method: 'bank_transfer', reference: 'BACS 1' },
      'GBP',
      ctxAt('2026-12-01T10:00:00Z'),
      newId,
    );
    const args = (iso: string) => ({ invoices: [], payments: [], ctx: ctxAt(iso) });
    const p1 = editPayment(p0, { amount: 4000, reason: 'Typed 45 for 40' }, args('2026-12-02T10:00:00Z'));
    const p2 = editPayment(p1, { reference: 'BACS 2', method: 'cash', date: '2026-12-03' }, args('2026-12-03T10:00:00Z'));
    const fmt = {
      money: (a: number) => formatMoney({ amount: a, currency: 'GBP' }, 'en-GB'),
      date: (d: string) => d,
      invoiceNumber: (id: string) => id,
    };
    expect(revisionHistory(p0, fmt)).toEqual([]);
    expect(revisionHistory(p2, fmt)).toEqual([
      { revisedAt: '2026-12-02T10:00:00.000Z', revisedBy: 'staff-1', reason: 'Typed 45 for 40', changes: ['Amount: £45.00 → £40.00'] },
      {
        revisedAt: '2026-12-03T10:00:00.000Z',
        revisedBy: 'staff-1',
        reason: '',
        changes: ['Date: 2026-12-01 → 2026-12-03', 'Method: Bank transfer → Cash', 'Reference: “BACS 1” → “BACS 2”'],
      },
    ]);
  });
});

describe('partialCreditEffect', () => {
  it('lowers the balance, and what was paid beyond it becomes family credit', () => {
    expect(partialCreditEffect(10000, -2500)).toEqual({ newBalance: 7500, toFamilyCredit: 0 });
    expect(partialCreditEffect(10000, -10000)).toEqual({ newBalance: 0, toFamilyCredit: 0 });
    // Paid in full (balance 0): the whole credit goes back to the family's credit.
    expect(partialCreditEffect(0, -2500)).toEqual({ newBalance: 0, toFamilyCredit: 2500 });
    expect(partialCreditEffect(1000, -2500)).toEqual({ newBalance: 0, toFamilyCredit: 1500 });
  });
});
