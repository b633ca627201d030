/**
 * Money in integer minor units. Formatting and parsing use Intl with the practice's locale and
 * currency, so "£45.00" and "45,00 €" both show as the user expects, and input "45.5" becomes
 * 4550 for GBP but 46 is refused for JPY ("¥ has no decimals").
 */
import type { Money } from './model/types';

const digitsByCurrency = new Map<string, number>();

/**
 * Number of decimal digits of a currency (2 for GBP/EUR/USD, 0 for JPY, 3 for KWD), remembered per
 * currency (asking Intl each time was most of formatting 10,000 rates for the students table).
 */
export function minorUnitDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

export function isValidCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: code });
    return typeof Intl.supportedValuesOf !== 'function' || Intl.supportedValuesOf('currency').includes(code);
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.NumberFormat>();

export function formatMoney(money: Money, locale: string): string {
  const key = `${locale}|${money.currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency });
    formatters.set(key, f);
  }
  const digits = minorUnitDigits(money.currency);
  // Integer → decimal string without float arithmetic, then Intl for grouping and symbol.
  const negative = money.amount < 0;
  const abs = String(Math.abs(money.amount)).padStart(digits + 1, '0');
  const decimal = digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
  return f.format(`${negative ? '-' : ''}${decimal}` as unknown as number);
}

export type ParseResult = { ok: true; amount: number } | { ok: false; error: string };

/**
 * Parses what a user typed ("45", "45.5", "1,234.50", "£45") into minor units, with a specific
 * error message for anything else. Accepts "." or "," as the decimal separator when unambiguous.
 */
export function parseMoneyInput(input: string, currency: string, opts: { allowNegative?: boolean } = {}): ParseResult {
  const digits = minorUnitDigits(currency);
  let s = input.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (s === '') return { ok: false, error: 'Enter an amount, e.g. 45.00' };
  // A currency code or symbol before or after the number is fine ("GBP 45", "£45", "45 €").
  s = s.replace(/^-?[A-Za-z]{3}(?=[-\d.,])/, (m) => (m.startsWith('-') ? '-' : '')).replace(/[A-Za-z]{3}$/, '');
  s = s.replace(/^(-?)[^\d\-.,A-Za-z]+/, '$1').replace(/[^\d.,A-Za-z]+$/, '');
  if (/[A-Za-z]/.test(s) || s === '') return { ok: false, error: 'Use digits only, e.g. 45.00' };
  let negative = false;
  if (s.startsWith('-')) {
    negative = true;
    s = s.slice(1);
  }
  if (negative && !opts.allowNegative) return { ok: false, error: 'The amount cannot be negative' };
  // Decide the decimal separator: the last of . or , if followed by 1..3 digits and only once.
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  const sepIndex = Math.max(lastDot, lastComma);
  let intPart = s;
  let fracPart = '';
  if (sepIndex >= 0) {
    const sep = s[sepIndex];
    const after = s.slice(sepIndex + 1);
    const occurrences = s.split(sep ?? '.').length - 1;
    if (occurrences === 1 && after.length > 0 && (after.length !== 3 || lastDot >= 0) && /^\d+$/.test(after)) {
      intPart = s.slice(0, sepIndex);
      fracPart = after;
    }
  }
  intPart = intPart.replace(/[.,]/g, '');
  if (!/^\d+$/.test(intPart) && !(intPart === '' && fracPart !== '')) return { ok: false, error: 'Use digits only, e.g. 45.00' };
  if (fracPart.length > digits) {
    return {
      ok: false,
      error: digits === 0 ? `${currency} amounts have no decimals` : `Use at most ${digits} decimal places`,
    };
  }
  const amount = Number(intPart || '0') * 10 ** digits + Number(fracPart.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(amount)) return { ok: false, error: 'That amount is too large' };
  return { ok: true, amount: negative ? -amount : amount };
}

/** The plain decimal text of an amount for an input field ("45.00"). */
export function moneyToInput(amount: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const negative = amount < 0;
  const abs = String(Math.abs(amount)).padStart(digits + 1, '0');
  const decimal = digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
  return `${negative ? '-' : ''}${decimal}`;
}
