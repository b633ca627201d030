import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatMoney, minorUnitDigits, moneyToInput, parseMoneyInput } from '../../../src-shared/money';

describe('parseMoneyInput', () => {
  it.each([
    ['45', 'GBP', 4500],
    ['45.5', 'GBP', 4550],
    ['£45.50', 'GBP', 4550],
    ['GBP 45', 'GBP', 4500],
    ['1,234.50', 'GBP', 123450],
    ['1.234,50', 'EUR', 123450],
    ['45,50 €', 'EUR', 4550],
    ['1000', 'JPY', 1000],
    ['0.125', 'KWD', 125],
  ])('%s %s → %i', (input, currency, expected) => {
    expect(parseMoneyInput(input, currency)).toEqual({ ok: true, amount: expected });
  });

  it.each([
    ['', 'GBP', 'Enter an amount, e.g. 45.00'],
    ['abc', 'GBP', 'Use digits only, e.g. 45.00'],
    ['12a', 'GBP', 'Use digits only, e.g. 45.00'],
    ['-5', 'GBP', 'The amount cannot be negative'],
    ['4.555', 'GBP', 'Use at most 2 decimal places'],
    ['10.5', 'JPY', 'JPY amounts have no decimals'],
  ])('%s %s is refused: %s', (input, currency, message) => {
    expect(parseMoneyInput(input, currency)).toEqual({ ok: false, error: message });
  });

  it('round-trips every amount through moneyToInput', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('GBP', 'JPY', 'KWD'), (amount, currency) => {
        expect(parseMoneyInput(moneyToInput(amount, currency), currency, { allowNegative: true })).toEqual({ ok: true, amount });
      }),
    );
  });
});

describe('formatMoney', () => {
  it('formats integer minor units with Intl, without float drift', () => {
    expect(formatMoney({ amount: 123456789, currency: 'GBP' }, 'en-GB')).toBe('£1,234,567.89');
    expect(formatMoney({ amount: -5, currency: 'USD' }, 'en-US')).toBe('-$0.05');
    expect(formatMoney({ amount: 1000, currency: 'JPY' }, 'ja-JP')).toMatch(/1,000/);
    expect(minorUnitDigits('KWD')).toBe(3);
  });
  it("remembers each currency's digits: the same answers on every call, 2 for an unknown code", () => {
    for (let i = 0; i < 3; i++) {
      expect([minorUnitDigits('GBP'), minorUnitDigits('JPY'), minorUnitDigits('KWD'), minorUnitDigits('??')]).toEqual([2, 0, 3, 2]);
      expect(formatMoney({ amount: 4550, currency: 'GBP' }, 'en-GB')).toBe('£45.50');
      expect(formatMoney({ amount: 4550, currency: 'JPY' }, 'en-GB')).toMatch(/4,550/);
    }
  });
});
