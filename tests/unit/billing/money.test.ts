import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BillingError } from '../../../src-shared/billing/errors';
import {
  allocateLargestRemainder,
  divRoundHalfEven,
  divRoundHalfEvenBig,
  formatMoney,
  minorUnitDigits,
  moneyCell,
  mulDivRoundHalfEven,
  parseAmountOrThrow,
  parseMoneyInput,
} from '../../../src-shared/money';

/** Reference implementation on exact rationals: round n/d half to even. */
function refRound(n: bigint, d: bigint): bigint {
  if (d < 0n) return refRound(-n, -d);
  const floor = n >= 0n ? n / d : -((-n + d - 1n) / d);
  const rem2 = 2n * (n - floor * d); // 2 × fractional part × d, in [0, 2d)
  if (rem2 > d) return floor + 1n;
  if (rem2 < d) return floor;
  return floor % 2n === 0n ? floor : floor + 1n;
}

describe('round half to even', () => {
  it('rounds exact halves to the even neighbour, in both signs', () => {
    expect(divRoundHalfEven(5, 2)).toBe(2); // 2.5 → 2
    expect(divRoundHalfEven(7, 2)).toBe(4); // 3.5 → 4
    expect(divRoundHalfEven(-5, 2)).toBe(-2);
    expect(divRoundHalfEven(-7, 2)).toBe(-4);
    expect(divRoundHalfEven(1, 2)).toBe(0);
    expect(Object.is(divRoundHalfEven(-1, 2), 0)).toBe(true); // never -0
    expect(divRoundHalfEven(5, -2)).toBe(-2);
    expect(divRoundHalfEven(2, 3)).toBe(1);
    expect(divRoundHalfEven(1, 3)).toBe(0);
  });

  it('matches an exact rational reference for any integers (number and bigint paths)', () => {
    fc.assert(
      fc.property(
        fc.maxSafeInteger(),
        fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((d) => d !== 0),
        (n, d) => {
          const expected = refRound(BigInt(n), BigInt(d));
          expect(BigInt(divRoundHalfEven(n, d))).toBe(expected);
          expect(divRoundHalfEvenBig(BigInt(n), BigInt(d))).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('mulDiv is exact even when the product exceeds 2^53', () => {
    const a = 9_007_199_254_740; // × 1000 overflows the safe range
    expect(mulDivRoundHalfEven(a, 1000, 1000)).toBe(a);
    expect(() => mulDivRoundHalfEven(Number.MAX_SAFE_INTEGER, 10, 1)).toThrow(/too large/);
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1000, max: 20_000 }),
        (a2, b, d) => {
          expect(BigInt(mulDivRoundHalfEven(a2, b, d))).toBe(refRound(BigInt(a2) * BigInt(b), BigInt(d)));
        },
      ),
    );
  });

  it('is unbiased on halves: rounding k + 0.5 for consecutive k loses nothing over a pair', () => {
    // Σ round((2k+1)/2) for k = 0..2m-1 equals the exact sum (round-half-up would add m).
    let rounded = 0;
    let exactTwice = 0;
    for (let k = 0; k < 1000; k++) {
      rounded += divRoundHalfEven(2 * k + 1, 2);
      exactTwice += 2 * k + 1;
    }
    expect(rounded * 2).toBe(exactTwice);
  });

  it('refuses non-integers', () => {
    expect(() => divRoundHalfEven(1.5, 2)).toThrow(BillingError);
    expect(() => mulDivRoundHalfEven(10, 0.1, 1)).toThrow(/integer/);
  });
});

describe('largest remainder allocation', () => {
  it('splits exactly with the remainder to the largest fractions', () => {
    expect(allocateLargestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateLargestRemainder(10, [3000, 4500, 2500])).toEqual([3, 5, 2]); // 3, 4.5, 2.5: tied remainders → the earlier line
    expect(allocateLargestRemainder(0, [1, 2])).toEqual([0, 0]);
    expect(() => allocateLargestRemainder(5, [0, 0])).toThrow(/nothing to spread/);
    expect(() => allocateLargestRemainder(-1, [1])).toThrow(BillingError);
  });

  it('property: shares sum to the total, each within 1 of its exact value, never above a weight-bounded cap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 30 }).filter((w) => w.some((x) => x > 0)),
        fc.integer({ min: 0, max: 10_000_000 }),
        (weights, rawTotal) => {
          const W = weights.reduce((s, w) => s + w, 0);
          const total = Math.min(rawTotal, W); // a discount never exceeds what it is spread over
          const shares = allocateLargestRemainder(total, weights);
          expect(shares.reduce((s, x) => s + x, 0)).toBe(total);
          shares.forEach((s, i) => {
            const exact = (BigInt(total) * BigInt(weights[i]!)) / BigInt(W);
            expect(BigInt(s) === exact || BigInt(s) === exact + 1n).toBe(true);
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(weights[i]!);
          });
        },
      ),
    );
  });
});

describe('formatting and parsing (Intl, practice locale)', () => {
  it('knows minor unit digits from Intl', () => {
    expect(minorUnitDigits('GBP')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('KWD')).toBe(3);
  });

  it('formats integer minor units without float error', () => {
    expect(formatMoney({ amount: 123450, currency: 'GBP' }, 'en-GB')).toBe('£1,234.50');
    expect(formatMoney({ amount: -5, currency: 'GBP' }, 'en-GB')).toBe('-£0.05');
    expect(formatMoney({ amount: 123450, currency: 'EUR' }, 'de-DE')).toBe('1.234,50\u00a0€');
    expect(formatMoney({ amount: 1500, currency: 'JPY' }, 'ja-JP')).toMatch(/1,500/);
    // 2^53 - 1 pence formats exactly (no float rounding).
    expect(formatMoney({ amount: Number.MAX_SAFE_INTEGER, currency: 'GBP' }, 'en-GB')).toBe('£90,071,992,547,409.91');
  });

  it('parses user input to minor units with clear errors', () => {
    expect(parseAmountOrThrow('12.50', 'GBP')).toBe(1250);
    expect(parseAmountOrThrow('12.5', 'GBP')).toBe(1250);
    expect(parseAmountOrThrow('£1,234.56', 'GBP')).toBe(123456);
    expect(parseAmountOrThrow('0.07', 'GBP')).toBe(7);
    expect(parseAmountOrThrow('1500', 'JPY')).toBe(1500);
    expect(parseMoneyInput('12.345', 'GBP')).toEqual({ ok: false, error: 'Use at most 2 decimal places' });
    expect(parseMoneyInput('12.5', 'JPY')).toEqual({ ok: false, error: 'JPY amounts have no decimals' });
    expect(parseMoneyInput('', 'GBP')).toEqual({ ok: false, error: 'Enter an amount, e.g. 45.00' });
    expect(parseMoneyInput('-3', 'GBP')).toEqual({ ok: false, error: 'The amount cannot be negative' });
    expect(() => parseAmountOrThrow('abc', 'GBP')).toThrow(BillingError);
  });

  it('writes CSV money cells as exact decimals', () => {
    expect(moneyCell(-4550, 'GBP')).toBe(-45.5);
    expect(moneyCell(1, 'GBP')).toBe(0.01);
    expect(moneyCell(1500, 'JPY')).toBe(1500);
  });
});
