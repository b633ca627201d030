import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseMoneyInput } from '../../../src-shared/money';
import {
  HARD_LIMITS,
  OUTLIER_FACTOR,
  checkHardAmount,
  checkLinePrice,
  checkPayment,
  checkRate,
  practiceRange,
  readableScale,
} from '../../../src-shared/billing/sanity';
import { makeFamily, makeSettings, makeStudent } from './fixtures';

const settings = makeSettings(); // practice rate £40.00
const range = practiceRange({
  settings,
  families: [makeFamily('f1', { defaultRate: { amount: 4500, currency: 'GBP' } })],
  students: [makeStudent('s1', 'f1', { packages: [{ id: 'p', lessons: 10, price: 40000, purchasedOn: '2026-01-01', description: '' }] })],
  lessons: [{ rateOverride: { amount: 999999, currency: 'EUR' } }],
});

describe('hard limits', () => {
  it('are safe for every sum the app makes', () => {
    expect(HARD_LIMITS.amountMax * HARD_LIMITS.invoiceLinesMax).toBeLessThanOrEqual(HARD_LIMITS.totalMax);
    expect(HARD_LIMITS.totalMax).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    // A family's ledger can add a payment to an invoice total: still safe.
    expect(HARD_LIMITS.totalMax + HARD_LIMITS.amountMax * HARD_LIMITS.allocationsMax).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  });

  it('refuse the 99,999,999,999 payment of issue 15, naming the limit', () => {
    const typed = parseMoneyInput('99,999,999,999', 'GBP', { locale: 'en-GB' });
    expect(typed).toEqual({ ok: true, amount: 9_999_999_999_900 });
    if (!typed.ok) return;
    expect(checkPayment({ amount: typed.amount, familyBalance: 35900, familyName: 'Patel family', range, locale: 'en-GB' })).toEqual({
      kind: 'refuse',
      message: 'The payment is larger than any tutoring practice charges: at most £10,000,000,000.00',
    });
    expect(checkHardAmount(HARD_LIMITS.amountMax, 'GBP', 'en-GB')).toBeNull();
    expect(checkHardAmount(0.5, 'GBP', 'en-GB')?.kind).toBe('refuse');
  });
});

describe('soft limits ask for a confirmation that names the figure', () => {
  it('the practice range counts rates and fees in its currency only', () => {
    expect(range).toEqual({ highestRate: 4500, highestFee: 40000, currency: 'GBP' });
  });

  it('a payment above what the family owes plus a term of lessons', () => {
    // Owes £359.00; margin = max(12 × £45.00, £400.00) = £540.00.
    expect(checkPayment({ amount: 35900 + 54000, familyBalance: 35900, familyName: 'Patel family', range, locale: 'en-GB' })).toBeNull();
    expect(checkPayment({ amount: 1_000_000, familyBalance: 35900, familyName: 'Patel family', range, locale: 'en-GB' })).toEqual({
      kind: 'confirm',
      figure: '£10,000.00',
      message: "£10,000.00 is £9,641.00 more than Patel family owes (£359.00). The difference becomes the family's credit.",
      confirmLabel: 'Record £10,000.00',
    });
    const inCredit = checkPayment({ amount: 100_000, familyBalance: -2000, familyName: 'Lee family', range, locale: 'en-GB' });
    expect(inCredit?.kind).toBe('confirm');
    expect(inCredit && 'message' in inCredit ? inCredit.message : '').toBe(
      "Lee family owes nothing, and £1,000.00 is more than a term of lessons in advance (£540.00). It becomes the family's credit.",
    );
  });

  it('a line price many times the practice’s highest rate or fee', () => {
    expect(checkLinePrice({ unitAmount: 400_000, range, locale: 'en-GB' })).toBeNull();
    expect(checkLinePrice({ unitAmount: -400_000, range, locale: 'en-GB' })).toBeNull();
    expect(checkLinePrice({ unitAmount: 9_999_999_900, range, locale: 'en-GB' })).toEqual({
      kind: 'confirm',
      figure: '£99,999,999.00',
      message: "£99,999,999.00 is 249,999 times the practice's highest fee (£400.00).",
      confirmLabel: 'Use £99,999,999.00',
    });
  });

  it('a rate many times the highest rate, in the practice locale', () => {
    const r = checkRate({ amount: 50_000, range, locale: 'de-DE' });
    expect(r).toEqual({
      kind: 'confirm',
      figure: '500,00\u00a0£',
      message: '500,00\u00a0£ per lesson is 11 times the highest rate the practice charges (45,00\u00a0£).',
      confirmLabel: 'Use 500,00\u00a0£',
    });
    expect(checkRate({ amount: 45_000, range, locale: 'en-GB' })).toBeNull();
  });
});

describe('readableScale', () => {
  it('clips the absurd month and marks it, so the other months stay readable', () => {
    const months = [42000, 39000, 0, 45500, 9_999_999_999_900, 41000];
    const s = readableScale(months);
    expect(s.outliers).toEqual([{ index: 4, value: 9_999_999_999_900 }]);
    expect(s.max).toBe(50000);
    expect(s.min).toBe(0);
    expect(s.ticks).toEqual([0, 10000, 20000, 30000, 40000, 50000]);
    expect(s.plotted).toEqual([42000, 39000, 0, 45500, 50000, 41000]);
  });

  it('does not clip a real busy month, nor a single value, nor two absurd ones alike', () => {
    expect(readableScale([10000, 200000]).outliers).toEqual([]);
    expect(readableScale([0, 0, 9_999_999_999_900]).outliers).toEqual([]);
    const two = readableScale([500, 600, 1e12, 1.2e12]);
    expect(two.outliers.map((o) => o.index)).toEqual([2, 3]);
    expect(two.max).toBe(600);
  });

  it('rounds the axis to a nice number', async () => {
    const { niceCeil } = await import('../../../src-shared/billing/sanity');
    expect([0, 0.3, 1, 7, 12, 2400, 2600, 90001].map(niceCeil)).toEqual([0, 0.5, 1, 10, 20, 2500, 5000, 100000]);
  });

  it('keeps negatives (a month of credit notes) on the axis', () => {
    const s = readableScale([-12000, 30000, 25000]);
    expect(s.min).toBe(-20000);
    expect(s.max).toBe(30000);
    expect(s.ticks[0]).toBe(-20000);
  });

  it('property: the axis holds every value it does not list as an outlier, and outliers are far out', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e13, max: 1e13 }), { maxLength: 24 }), (values) => {
        const s = readableScale(values);
        const outliers = new Set(s.outliers.map((o) => o.index));
        values.forEach((v, i) => {
          if (outliers.has(i)) {
            const typical = values
              .filter((x) => x !== 0)
              .map(Math.abs)
              .sort((a, b) => a - b);
            expect(Math.abs(v)).toBeGreaterThan(typical[Math.floor((typical.length - 1) / 2)]! * OUTLIER_FACTOR);
          } else {
            expect(v).toBeLessThanOrEqual(s.max);
            expect(v).toBeGreaterThanOrEqual(s.min);
          }
        });
        // At most half of the non-zero values can be outliers: the scale follows the typical values.
        expect(s.outliers.length * 2).toBeLessThanOrEqual(values.filter((v) => v !== 0).length);
      }),
    );
  });
});
