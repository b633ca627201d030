/**
 * The symbols a locale writes numbers and amounts with, learnt from `Intl.NumberFormat`'s parts
 * (never from a hand-kept table): the decimal and group separators, the grouping sizes (3, or
 * 3 then 2 in India), the minus sign, the locale's own digits, and the marks that may stand
 * around an amount of a currency ("£", "£GB", "UK£", "GBP", "€"…). Money parsing
 * (src-shared/money.ts `parseMoneyInput`) reads a user's input with them.
 *
 * Separators are taken from the CURRENCY format, which is not always the plain number format:
 * fr-CH writes 1 234,5 but CHF 1 234.50, en-ZA writes amounts with a decimal comma.
 *
 * Pure and cached per locale (× currency): no DOM.
 */

export interface NumberSymbols {
  /** The locale Intl resolved (e.g. 'de-DE'). */
  locale: string;
  /** Decimal separator of amounts ('.', ',', '٫'). */
  decimal: string;
  /** Group separator of amounts ('', ',', '.', "'", '٬', ' '); every space kind is written ' '. */
  group: string;
  /** Digits in the last group before the decimal separator (3). */
  primaryGroup: number;
  /** Digits in the other groups (3; 2 in en-IN, hi-IN). */
  secondaryGroup: number;
  /** The minus sign the locale prints ('-' or '−'), for messages. */
  minus: string;
  /** The locale's ten digits, '0'…'9' or native ones ('٠'…'٩'). */
  digits: string;
}

/** Every kind of space (normal, no-break, narrow no-break, thin…) becomes ' '. */
export function normaliseSpaces(s: string): string {
  return s.replace(/[\p{Zs}\t]/gu, ' ');
}

const cache = new Map<string, NumberSymbols>();

function canonical(locale: string): string {
  try {
    return new Intl.NumberFormat(locale).resolvedOptions().locale;
  } catch {
    return 'en';
  }
}

/**
 * The number symbols of `locale` for amounts of `currency` (default: the locale's plain number
 * format with two decimals, which matches the currency format for every currency but a few).
 */
export function numberSymbols(locale: string, currency = ''): NumberSymbols {
  const key = `${locale}|${currency}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const loc = canonical(locale);
  const options: Intl.NumberFormatOptions = currency
    ? { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }
    : { minimumFractionDigits: 2, maximumFractionDigits: 2 };
  let f: Intl.NumberFormat;
  try {
    f = new Intl.NumberFormat(loc, options);
  } catch {
    f = new Intl.NumberFormat(loc, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  // 1234567890.5 shows every grouping rule: the last group (3) and the others (3, or 2 in India).
  const parts = f.formatToParts(-1234567890.5);
  const decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  const group = normaliseSpaces(parts.find((p) => p.type === 'group')?.value ?? '');
  const minus = parts.find((p) => p.type === 'minusSign')?.value ?? '-';
  const integers = parts.filter((p) => p.type === 'integer').map((p) => p.value.length);
  const primaryGroup = integers.length > 1 ? integers.at(-1)! : 3;
  const secondaryGroup = integers.length > 2 ? integers.at(-2)! : primaryGroup;
  const digitFormat = new Intl.NumberFormat(loc, { useGrouping: false });
  const digits = Array.from({ length: 10 }, (_, i) => digitFormat.format(i)).join('');
  const symbols: NumberSymbols = { locale: loc, decimal, group, primaryGroup, secondaryGroup, minus, digits };
  cache.set(key, symbols);
  return symbols;
}

const markCache = new Map<string, string[]>();

/**
 * The marks that may stand before or after an amount of `currency` typed in `locale`: the symbol
 * and narrow symbol the locale prints ("£GB" and "£" in fr-FR), the English ones ("£"), and the
 * ISO code ("GBP"). Longest first, so "US$" is taken before "$".
 */
export function currencyMarks(currency: string, locale?: string): string[] {
  const key = `${currency}|${locale ?? ''}`;
  const hit = markCache.get(key);
  if (hit) return hit;
  const marks = new Set<string>([currency.toUpperCase()]);
  const locales = locale ? [canonical(locale), 'en'] : ['en'];
  for (const loc of locales) {
    for (const currencyDisplay of ['symbol', 'narrowSymbol', 'code'] as const) {
      try {
        const parts = new Intl.NumberFormat(loc, { style: 'currency', currency, currencyDisplay }).formatToParts(1);
        const mark = parts.find((p) => p.type === 'currency')?.value;
        if (mark) marks.add(normaliseSpaces(mark).trim());
      } catch {
        // Unknown currency: its code alone.
      }
    }
  }
  const list = [...marks].filter(Boolean).sort((a, b) => b.length - a.length);
  markCache.set(key, list);
  return list;
}

/** "1,234.56" in en-GB, "1.234,56" in de-DE, "1 234,56" in fr-FR: how the locale writes amounts. */
export function separatorExample(symbols: Pick<NumberSymbols, 'decimal' | 'group' | 'primaryGroup'>, fractionDigits = 2): string {
  const frac = '56789'.slice(0, fractionDigits);
  const int = symbols.group ? `1${symbols.group}234` : '1234';
  return fractionDigits > 0 ? `${int}${symbols.decimal}${frac}` : int;
}
