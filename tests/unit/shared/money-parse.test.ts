/**
 * Money input by the practice locale (docs/billing.md "Money input"): the ambiguous forms of
 * issue 15 are refused with a message a person can act on; the usual forms are accepted; and,
 * by property, whatever the app prints parses back to the same amount in every offered locale,
 * while garbage never becomes a number.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatMoney, moneyToInput, parseMoneyInput } from '../../../src-shared/money';
import { PRACTICE_LOCALES } from '../../../src-shared/locale/practice-locale';
import { numberSymbols } from '../../../src-shared/locale/number-symbols';

const CURRENCIES = ['GBP', 'EUR', 'USD', 'CHF', 'JPY', 'KWD', 'INR', 'SEK', 'AUD', 'CAD', 'PLN', 'CZK', 'AED', 'BRL', 'ZAR'];
// The offered locales, plus a few with their own digits, separators or bidi marks.
const LOCALES = [...PRACTICE_LOCALES, 'ar-EG', 'fa-IR', 'hi-IN', 'bn-BD', 'he-IL', 'en-150'];

const refused = (input: string, currency: string, opts: Parameters<typeof parseMoneyInput>[2] = {}) => {
  const r = parseMoneyInput(input, currency, opts);
  if (r.ok) throw new Error(`"${input}" was accepted as ${r.amount}`);
  return r.error;
};

describe('the ambiguous input of issue 15 is refused, with a clear message', () => {
  it.each([
    ['(45.00)', {}, 'Brackets are not understood: enter the amount alone, e.g. 45.00'],
    ['(45.00)', { allowNegative: true }, 'Brackets are not understood: write a negative amount with a minus sign, e.g. -45.00'],
    ['£(45)', { locale: 'en-GB' }, 'Brackets are not understood: enter the amount alone, e.g. 45.00'],
    ['45-', {}, 'The amount cannot be negative'],
    ['45-', { allowNegative: true }, 'Put the minus sign before the number, e.g. -45.00'],
    ['45 £-', { locale: 'en-GB', allowNegative: true }, 'Put the minus sign before the number, e.g. -45.00'],
    ['1,2,3', {}, 'Check the separators: write amounts like 1,234.56 or 1234.56'],
    ['1,2,3', { locale: 'en-GB' }, 'Check the separators: write amounts like 1,234.56'],
    ['1,000,50', {}, 'Check the separators: write amounts like 1,234.56 or 1234.56'],
    ['1,000,50', { locale: 'en-GB' }, 'Check the separators: write amounts like 1,234.56'],
    ['12,34', { locale: 'en-GB' }, 'Use “.” for decimals, e.g. 45.00'],
    ['1.234,56', { locale: 'en-GB' }, 'Check the separators: write amounts like 1,234.56'],
    ['1,234.56', { locale: 'de-DE' }, 'Check the separators: write amounts like 1.234,56'],
    ['1.23.4', { locale: 'de-DE' }, 'Check the separators: write amounts like 1.234,56'],
    ['45.50', { locale: 'de-DE' }, 'Use “,” for decimals, e.g. 45,00'],
    ['45,5', { locale: 'en-GB' }, 'Use “.” for decimals, e.g. 45.00'],
    ['1,,234', {}, 'Check the separators: write amounts like 1,234.56 or 1234.56'],
    ['0,125', { locale: 'en-GB' }, 'Use “.” for decimals, e.g. 45.00'],
    ['1,23,4', { locale: 'en-GB' }, 'Check the separators: write amounts like 1,234.56'],
    ['4.555', {}, 'Use at most 2 decimal places'],
    ['4,555', { locale: 'de-DE' }, 'Use at most 2 decimal places'],
    ['45.500', { locale: 'en-GB' }, 'Use at most 2 decimal places'],
    ['-0', {}, 'The amount cannot be negative'],
    ['-0', { allowNegative: true }, 'Zero has no sign: enter 0'],
    ['-0.00', { allowNegative: true, locale: 'en-GB' }, 'Zero has no sign: enter 0'],
    ['$45', {}, 'Amounts are in GBP: enter the number without another currency'],
    ['45 EUR', { locale: 'en-GB' }, 'Amounts are in GBP: enter the number without another currency'],
    ['45 quid', {}, 'Use digits only, e.g. 45.00'],
    ['4 5', {}, 'Check the separators: write amounts like 1,234.56 or 1234.56'],
    ['--45', { allowNegative: true }, 'Use digits only, e.g. 45.00'],
    ['4-5', { allowNegative: true }, 'Use digits only, e.g. 45.00'],
    ['1e5', {}, 'Use digits only, e.g. 45.00'],
    ['0x10', {}, 'Use digits only, e.g. 45.00'],
    ['Infinity', {}, 'Use digits only, e.g. 45.00'],
    ['£', { locale: 'en-GB' }, 'Enter an amount, e.g. 45.00'],
    ['   ', { locale: 'de-DE' }, 'Enter an amount, e.g. 45,00'],
    ['99999999999999999', {}, 'That amount is too large'],
  ] as const)('%s %j → %s', (input, opts, message) => {
    expect(refused(input, 'GBP', opts)).toBe(message);
  });

  it('without a locale, a number that reads two ways is refused rather than guessed', () => {
    expect(refused('1,234', 'KWD')).toBe('“1,234” can be read two ways: write 1234 or 1.234');
    expect(parseMoneyInput('1,234', 'KWD', { locale: 'en-GB' })).toEqual({ ok: true, amount: 1234000 });
    expect(parseMoneyInput('1,234', 'KWD', { locale: 'de-DE' })).toEqual({ ok: true, amount: 1234 });
  });

  it('names the currency when it has no decimals', () => {
    expect(refused('1.5', 'JPY', { locale: 'en-GB' })).toBe('JPY amounts have no decimals');
    expect(refused('', 'JPY', { locale: 'ja-JP' })).toBe('Enter an amount, e.g. 45');
  });
});

describe('the usual forms are accepted', () => {
  it.each([
    ['45', 'GBP', 'en-GB', 4500],
    ['45.5', 'GBP', 'en-GB', 4550],
    ['45.', 'GBP', 'en-GB', 4500],
    ['.5', 'GBP', 'en-GB', 50],
    ['1,234.56', 'GBP', 'en-GB', 123456],
    ['1234.56', 'GBP', 'en-GB', 123456],
    ['1 234.56', 'GBP', 'en-GB', 123456],
    ['£1,234.56', 'GBP', 'en-GB', 123456],
    ['£ 45', 'GBP', 'en-GB', 4500],
    ['  £45.00  ', 'GBP', 'en-GB', 4500],
    ['GBP 45', 'GBP', 'en-GB', 4500],
    ['45 gbp', 'GBP', 'en-GB', 4500],
    ['+45', 'GBP', 'en-GB', 4500],
    ['1.234,56', 'EUR', 'de-DE', 123456],
    ['1234,56', 'EUR', 'de-DE', 123456],
    ['1.500', 'EUR', 'de-DE', 150000],
    ['1.234,56 €', 'EUR', 'de-DE', 123456],
    ['1 234,56 €', 'EUR', 'fr-FR', 123456],
    ['1\u202f234,56\u00a0€', 'EUR', 'fr-FR', 123456],
    ["CHF 1'234.50", 'CHF', 'de-CH', 123450],
    ['CHF 1’234.50', 'CHF', 'de-CH', 123450],
    ['₹12,34,567.00', 'INR', 'en-IN', 123456700],
    ['₹1,234,567.00', 'INR', 'en-IN', 123456700],
    ['¥1,000', 'JPY', 'ja-JP', 1000],
    ['￥１，０００', 'JPY', 'ja-JP', 1000],
    ['0.125', 'KWD', 'en-GB', 125],
    ['١٬٢٣٤٫٥٠', 'EGP', 'ar-EG', 123450],
  ] as const)('%s %s in %s → %i', (input, currency, locale, amount) => {
    expect(parseMoneyInput(input, currency, { locale })).toEqual({ ok: true, amount });
  });

  it('reads a leading minus in every place a locale prints it, when negatives are allowed', () => {
    expect(parseMoneyInput('-£45.00', 'GBP', { locale: 'en-GB', allowNegative: true })).toEqual({ ok: true, amount: -4500 });
    expect(parseMoneyInput('£-45.00', 'GBP', { locale: 'en-GB', allowNegative: true })).toEqual({ ok: true, amount: -4500 });
    expect(parseMoneyInput('€ -45,00', 'EUR', { locale: 'nl-NL', allowNegative: true })).toEqual({ ok: true, amount: -4500 });
    expect(parseMoneyInput('−45,00 kr', 'SEK', { locale: 'sv-SE', allowNegative: true })).toEqual({ ok: true, amount: -4500 });
  });

  it('moneyToInput writes what parseMoneyInput reads back, in the locale', () => {
    expect(moneyToInput(4550, 'EUR', 'de-DE')).toBe('45,50');
    expect(moneyToInput(123456, 'GBP', 'en-GB')).toBe('1234.56');
    expect(moneyToInput(-5, 'GBP')).toBe('-0.05');
  });
});

describe('properties', () => {
  const amount = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -9e14, max: 9e14 }));
  const currency = fc.constantFrom(...CURRENCIES);
  const locale = fc.constantFrom(...LOCALES);

  it('format → parse gives back the amount, for random amounts, currencies and locales', () => {
    fc.assert(
      fc.property(amount, currency, locale, (a, c, l) => {
        const text = formatMoney({ amount: a, currency: c }, l);
        expect(parseMoneyInput(text, c, { locale: l, allowNegative: true }), `${text} (${l}, ${c})`).toEqual({ ok: true, amount: a });
        expect(parseMoneyInput(moneyToInput(a, c, l), c, { locale: l, allowNegative: true })).toEqual({ ok: true, amount: a });
      }),
      { numRuns: 3000 },
    );
  });

  it('the plain CSV form ("1234.5") parses back without a locale', () => {
    fc.assert(
      fc.property(amount, currency, (a, c) => {
        expect(parseMoneyInput(moneyToInput(a, c), c, { allowNegative: true })).toEqual({ ok: true, amount: a });
      }),
    );
  });

  const GARBAGE = [
    '(',
    ')',
    '#',
    '*',
    '/',
    '=',
    '_',
    '%',
    '?',
    '!',
    'x',
    'Q',
    'é',
    'ß',
    'e',
    'E',
    '@',
    '&',
    ';',
    ':',
    '[',
    ']',
    '{',
    '}',
    '|',
    '\\',
    '~',
    '^',
    '"',
    '<',
    '>',
  ];

  it('a formatted amount with any garbage character put anywhere is refused', () => {
    fc.assert(
      fc.property(amount, currency, locale, fc.constantFrom(...GARBAGE), fc.nat(), (a, c, l, g, at) => {
        const text = formatMoney({ amount: a, currency: c }, l);
        const i = at % (text.length + 1);
        const bad = `${text.slice(0, i)}${g}${text.slice(i)}`;
        expect(parseMoneyInput(bad, c, { locale: l, allowNegative: true }).ok, `${bad} (${l}, ${c})`).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('a second decimal separator anywhere in the number is refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9e14 }), fc.constantFrom('GBP', 'EUR', 'KWD'), locale, fc.nat(), (a, c, l, at) => {
        const text = moneyToInput(a, c, l);
        const dec = numberSymbols(l, c).decimal;
        const i = at % (text.length + 1);
        const bad = `${text.slice(0, i)}${dec}${text.slice(i)}`;
        expect(parseMoneyInput(bad, c, { locale: l }).ok, `${bad} (${l})`).toBe(false);
      }),
    );
  });

  it('nothing typed from digits, separators, signs and spaces ever loses, invents or moves a digit silently', () => {
    const typed = fc
      .array(fc.constantFrom('0', '1', '2', '5', '9', '.', ',', ' ', '-', "'", '£'), { minLength: 1, maxLength: 12 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(typed, fc.constantFrom(undefined, 'en-GB', 'de-DE', 'fr-FR', 'de-CH', 'en-IN'), (s, l) => {
        const r = parseMoneyInput(s, 'GBP', { locale: l, allowNegative: true });
        if (!r.ok) return;
        const significant = (digits: string) => digits.replace(/^0+/, '').replace(/0+$/, '');
        // The digits typed are the digits of the amount (no digit dropped, none invented)…
        expect(significant(s.replace(/\D/g, '')), s).toBe(significant(String(Math.abs(r.amount))));
        // …the sign is the one typed…
        expect(r.amount < 0, s).toBe(s.includes('-'));
        // …and the amount, printed in the locale, reads back the same.
        const printed = formatMoney({ amount: r.amount, currency: 'GBP' }, l ?? 'en-GB');
        expect(parseMoneyInput(printed, 'GBP', { locale: l ?? 'en-GB', allowNegative: true })).toEqual(r);
      }),
      { numRuns: 5000 },
    );
  });

  it('in a locale, the separators that were typed decide the value: never the other convention', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9_999_999 }), (whole) => {
        const grouped = new Intl.NumberFormat('en-GB').format(whole); // "1,234,567"
        expect(parseMoneyInput(grouped, 'GBP', { locale: 'en-GB' })).toEqual({ ok: true, amount: whole * 100 });
        // The same text in de-DE is not a number (commas are decimals there, and there are two or
        // one with three decimals).
        expect(parseMoneyInput(grouped, 'GBP', { locale: 'de-DE' }).ok).toBe(false);
      }),
    );
  });
});
