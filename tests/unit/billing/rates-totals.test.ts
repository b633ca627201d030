import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeLine } from '../../../src-shared/billing/drafts';
import { BillingError } from '../../../src-shared/billing/errors';
import {
  isBillableStatus,
  priceLesson,
  prorateHourly,
  resolveBillingModel,
  resolveMonthlyFee,
  resolveRate,
} from '../../../src-shared/billing/rates';
import {
  checkTotals,
  computeInvoiceTotals,
  lineBase,
  lineGross,
  lineNet,
  taxOf,
  type TotalsInput,
} from '../../../src-shared/billing/totals';
import type { InvoiceLine, TaxMode } from '../../../src-shared/model/types';
import { makeFamily, makeSettings, makeStudent } from './fixtures';

const GBP = (amount: number) => ({ amount, currency: 'GBP' });

describe('rate resolution: lesson override → student → family → practice', () => {
  const settings = makeSettings({ defaultRate: GBP(4000) });
  const fam = makeFamily('f1', { defaultRate: GBP(3500) });
  const stu = makeStudent('s1', 'f1', { defaultRate: GBP(3000) });

  it('takes the first rate that is set', () => {
    expect(resolveRate({ rateOverride: GBP(2500) }, stu, fam, settings)).toEqual({ amount: 2500, currency: 'GBP', source: 'lesson' });
    expect(resolveRate({ rateOverride: null }, stu, fam, settings)).toEqual({ amount: 3000, currency: 'GBP', source: 'student' });
    expect(resolveRate({ rateOverride: null }, { defaultRate: null }, fam, settings)).toEqual({
      amount: 3500,
      currency: 'GBP',
      source: 'family',
    });
    expect(resolveRate({ rateOverride: null }, { defaultRate: null }, { defaultRate: null }, settings)).toEqual({
      amount: 4000,
      currency: 'GBP',
      source: 'practice',
    });
    expect(resolveRate({ rateOverride: null }, undefined, undefined, settings).source).toBe('practice');
  });

  it('a zero override is a real rate (free lesson), not "unset"', () => {
    expect(resolveRate({ rateOverride: GBP(0) }, stu, fam, settings)).toMatchObject({ amount: 0, source: 'lesson' });
  });

  it('rejects negative or fractional rates', () => {
    expect(() => resolveRate({ rateOverride: GBP(-1) }, stu, fam, settings)).toThrow(BillingError);
    expect(() => resolveRate({ rateOverride: GBP(10.5) }, stu, fam, settings)).toThrow(/integer/);
  });

  it('billing model resolves student → family → practice default', () => {
    expect(resolveBillingModel({ billingModel: 'hourly' }, { billingModel: 'monthly' })).toEqual({ model: 'hourly', source: 'student' });
    expect(resolveBillingModel({ billingModel: '' }, { billingModel: 'monthly' })).toEqual({ model: 'monthly', source: 'family' });
    expect(resolveBillingModel({}, {})).toEqual({ model: 'per_lesson', source: 'practice' });
    expect(resolveBillingModel(undefined, undefined, 'hourly')).toEqual({ model: 'hourly', source: 'practice' });
    expect(resolveMonthlyFee({ monthlyFee: null }, { monthlyFee: GBP(20000) })).toEqual(GBP(20000));
    expect(resolveMonthlyFee({ monthlyFee: GBP(15000) }, { monthlyFee: GBP(20000) })).toEqual(GBP(15000));
  });

  it('billable statuses follow the attendance policy', () => {
    expect(isBillableStatus('attended', settings)).toBe(true);
    expect(isBillableStatus('cancelled_student_late', settings)).toBe(true);
    expect(isBillableStatus('cancelled_tutor', settings)).toBe(false);
    expect(isBillableStatus('cancelled_student_in_time', settings)).toBe(false);
    expect(isBillableStatus('scheduled', settings)).toBe(false);
  });
});

describe('hourly proration', () => {
  it('prorates rate × minutes / 60, rounding half to even', () => {
    expect(prorateHourly(4500, 60)).toBe(4500);
    expect(prorateHourly(4500, 45)).toBe(3375);
    expect(prorateHourly(4500, 20)).toBe(1500);
    expect(prorateHourly(4000, 50)).toBe(3333); // 3333.33…
    expect(prorateHourly(1000, 1)).toBe(17); // 16.67
    expect(prorateHourly(30, 1)).toBe(0); // 0.5 → 0 (even)
    expect(prorateHourly(90, 1)).toBe(2); // 1.5 → 2 (even)
    expect(priceLesson('hourly', 4000, 90)).toEqual({ quantityMilli: 1500, unitAmount: 4000, durationMinutes: 90, base: 6000 });
    expect(priceLesson('per_lesson', 4000, 90)).toEqual({ quantityMilli: 1000, unitAmount: 4000, durationMinutes: 0, base: 4000 });
  });

  it('property: the rounding error of a prorated line is at most half a minor unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 1440 }), (rate, minutes) => {
        const got = prorateHourly(rate, minutes);
        const errTimes60 = Math.abs(got * 60 - rate * minutes); // |rounded − exact| × 60
        expect(errTimes60 * 2).toBeLessThanOrEqual(60);
      }),
    );
  });
});

function inv(lines: InvoiceLine[], taxMode: TaxMode, taxRateBp: number, invoiceDiscountAmount = 0): TotalsInput {
  return { lines, invoiceDiscountAmount, taxMode, taxRateBp, subtotal: 0, taxTotal: 0, total: 0 };
}
const L = (id: string, unitAmount: number, over: Partial<InvoiceLine> = {}) =>
  makeLine({ id, kind: 'manual', description: id, unitAmount, ...over });

describe('tax and totals', () => {
  it('no tax', () => {
    const r = computeInvoiceTotals(inv([L('a', 4000), L('b', 2550)], 'none', 2000));
    expect(r).toMatchObject({ subtotal: 6550, taxTotal: 0, total: 6550 });
  });

  it('exclusive tax is added per line, rounded half to even', () => {
    // 20 % of 1234 = 246.8 → 247; 20 % of 1 = 0.2 → 0; 20 % of 2.5? use 12.5 % of 4 = 0.5 → 0 (even)
    const r = computeInvoiceTotals(inv([L('a', 1234), L('b', 1)], 'exclusive', 2000));
    expect(r.lines.map((l) => l.taxAmount)).toEqual([247, 0]);
    expect(r).toMatchObject({ subtotal: 1235, taxTotal: 247, total: 1482 });
    expect(taxOf(4, 'exclusive', 1250)).toBe(0);
    expect(taxOf(12, 'exclusive', 1250)).toBe(2); // 1.5 → 2
  });

  it('inclusive tax is extracted from the gross: net + tax = gross', () => {
    const r = computeInvoiceTotals(inv([L('a', 6000), L('b', 1000)], 'inclusive', 2000));
    expect(r.lines.map((l) => l.taxAmount)).toEqual([1000, 167]); // 6000/6, 1000/6 = 166.67
    expect(r).toMatchObject({ subtotal: 7000, taxTotal: 1167, total: 7000 });
    for (const l of r.lines) expect(lineNet(l, 'inclusive') + l.taxAmount).toBe(lineGross(l, 'inclusive'));
  });

  it('line and invoice discounts; the invoice discount is spread so lines still sum', () => {
    const r = computeInvoiceTotals(inv([L('a', 3000, { discountAmount: 500 }), L('b', 4500), L('c', 2500)], 'exclusive', 2000, 1000));
    // after line discounts: 2500, 4500, 2500 (sum 9500) → shares of 1000: 263.2, 473.7, 263.2
    expect(r.lines.map((l) => l.invoiceDiscountShare)).toEqual([263, 474, 263]);
    expect(r.lines.map((l) => l.amount)).toEqual([2237, 4026, 2237]);
    expect(r.subtotal).toBe(8500);
    expect(checkTotals(r)).toEqual([]);
  });

  it('credits are negative lines that are not given a share of the discount', () => {
    const r = computeInvoiceTotals(inv([L('a', 4000), L('cr', -1000, { kind: 'credit' })], 'exclusive', 2000, 400));
    expect(r.lines.map((l) => [l.invoiceDiscountShare, l.amount, l.taxAmount])).toEqual([
      [400, 3600, 720],
      [0, -1000, -200],
    ]);
    expect(r.total).toBe(3120);
  });

  it('refuses discounts larger than what they apply to, or negative', () => {
    expect(() => computeInvoiceTotals(inv([L('a', 100, { discountAmount: 101 })], 'none', 0))).toThrow(/larger than the line/);
    expect(() => computeInvoiceTotals(inv([L('a', 100)], 'none', 0, 101))).toThrow(/larger than the chargeable/);
    expect(() => computeInvoiceTotals(inv([L('a', 100, { discountAmount: -1 })], 'none', 0))).toThrow(/negative/);
    expect(() => computeInvoiceTotals(inv([L('a', 100)], 'exclusive', 10_001))).toThrow(/Tax rate/);
  });

  it('quantity lines: unit × quantityMilli / 1000; time lines: unit per hour × minutes / 60', () => {
    expect(lineBase(L('q', 999, { quantityMilli: 2500 }))).toBe(2498); // 2497.5 → 2498 (even)
    expect(lineBase(L('q', 1001, { quantityMilli: 2500 }))).toBe(2502); // 2502.5 → 2502 (even)
    expect(lineBase(L('t', 4000, { durationMinutes: 50, quantityMilli: 833 }))).toBe(3333);
  });

  const lineArb = fc.record({
    unit: fc.integer({ min: -50_000, max: 500_000 }),
    qty: fc.integer({ min: 1, max: 20_000 }),
    minutes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 600 })),
    discountPct: fc.integer({ min: 0, max: 100 }),
  });

  it('property: totals = sum of lines, shares = discount, no line driven negative, inclusive splits back to gross', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 25 }),
        fc.constantFrom<TaxMode>('none', 'exclusive', 'inclusive'),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100 }),
        (specs, mode, bp, invDiscPct) => {
          const lines = specs.map((s, i) => {
            const base = lineBase({ unitAmount: s.unit, quantityMilli: s.qty, durationMinutes: s.minutes });
            const discount = base > 0 ? Math.floor((base * s.discountPct) / 100) : 0;
            return L(`l${i}`, s.unit, { quantityMilli: s.qty, durationMinutes: s.minutes, discountAmount: discount });
          });
          const chargeable = lines.reduce((s, l) => s + Math.max(0, lineBase(l) - l.discountAmount), 0);
          const invoiceDiscount = Math.floor((chargeable * invDiscPct) / 100);
          const r = computeInvoiceTotals(inv(lines, mode, bp, invoiceDiscount));
          expect(checkTotals(r)).toEqual([]);
          expect(r.subtotal).toBe(r.lines.reduce((s, l) => s + l.amount, 0));
          expect(r.total).toBe(r.lines.reduce((s, l) => s + lineGross(l, mode), 0));
          for (const l of r.lines) {
            const base = lineBase(l);
            if (base >= 0) {
              expect(l.amount).toBeGreaterThanOrEqual(0); // discounts never push a charge below zero
              expect(l.taxAmount).toBeGreaterThanOrEqual(0);
            } else {
              expect(l.invoiceDiscountShare).toBe(0);
            }
            expect(lineNet(l, mode) + l.taxAmount).toBe(lineGross(l, mode));
            // per-line tax is within half a unit of the exact rational value
            if (mode === 'exclusive') expect(Math.abs(l.taxAmount * 10_000 - l.amount * bp) * 2).toBeLessThanOrEqual(10_000);
            if (mode === 'inclusive') expect(Math.abs(l.taxAmount * (10_000 + bp) - l.amount * bp) * 2).toBeLessThanOrEqual(10_000 + bp);
          }
          // No drift from discounts: line bases minus line discounts minus the invoice discount is
          // exactly the subtotal (the largest-remainder shares never round).
          const exact = lines.reduce((s, l) => s + (lineBase(l) - l.discountAmount), 0) - invoiceDiscount;
          expect(r.subtotal).toBe(exact);
        },
      ),
      { numRuns: 500 },
    );
  });
});
