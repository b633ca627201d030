/**
 * Money in integer minor units: the one module for it.
 *
 * Formatting and parsing use Intl with the practice's locale and currency, so "£45.00" and
 * "45,00 €" both show as the user expects, and input "45.5" becomes 4550 for GBP but 46 is refused
 * for JPY ("¥ has no decimals").
 *
 * Arithmetic (billing): amounts are always integer minor units (`number`, checked to be safe
 * integers); anything that multiplies or divides goes through exact integer arithmetic (bigint
 * when a product could leave the safe-integer range) and is rounded by ONE rule:
 *
 *   ROUND HALF TO EVEN ("banker's rounding") on the exact rational result.
 *
 * It is applied per line: hourly proration (rate × minutes / 60), quantity × unit price
 * (unit × quantityMilli / 1000), and each line's tax. Discounts spread over lines use the
 * largest-remainder method, which never rounds: the shares always add up to the discount.
 * See docs/billing.md "Rounding".
 */
import type { Money } from './model/types';
import { BillingError } from './billing/errors';
import { currencyMarks, normaliseSpaces, numberSymbols, separatorExample } from './locale/number-symbols';

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

export interface ParseMoneyOptions {
  /** Allow a leading minus sign (credits, adjustments). */
  allowNegative?: boolean;
  /**
   * The practice locale (BCP 47): its decimal and group separators are the only ones accepted
   * ("1.234,56" in de-DE, "1,234.56" in en-GB). Without it, both conventions are read when the
   * input is unambiguous (CSV files and older callers); see docs/billing.md "Money input".
   */
  locale?: string;
}

interface Profile {
  decimal: string;
  /** Accepted group separators (one kind per input). */
  groups: string[];
  primary: number;
  secondary: number;
}

type Reading = { ok: true; int: string; frac: string } | { ok: false; why: 'separators' | 'digits' };

const FULLWIDTH_ZERO = 0xff10;
const ASCII_SEPARATORS = ".,' ";

/** Native and full-width digits → ASCII; minus-like dashes → '-'; format characters removed. */
function normaliseInput(input: string, nativeDigits: string): string {
  let out = '';
  for (const ch of normaliseSpaces(input).replace(/\p{Cf}/gu, '')) {
    const cp = ch.codePointAt(0)!;
    const native = nativeDigits.indexOf(ch);
    if (native >= 0 && nativeDigits !== '0123456789') out += String(native);
    else if (cp >= FULLWIDTH_ZERO && cp <= FULLWIDTH_ZERO + 9) out += String(cp - FULLWIDTH_ZERO);
    else if (/[\u2212\u2012\u2013\ufe63\uff0d]/.test(ch)) out += '-';
    else if (ch === '\uff0b') out += '+';
    else if (ch === '\uff0c') out += ',';
    else if (ch === '\uff0e') out += '.';
    else if (ch === '\uff08' || ch === '\uff09') out += ch === '\uff08' ? '(' : ')';
    else if (ch === '\u2019' || ch === '\u02bc') out += "'";
    else out += ch;
  }
  return out;
}

function groupsValid(groups: string[], p: Profile): boolean {
  if (groups.length < 2) return false;
  const [first, ...rest] = groups;
  if (!first || first.length > Math.max(p.primary, p.secondary, 3) || first.startsWith('0')) return false;
  const last = rest.at(-1)!;
  const middle = rest.slice(0, -1);
  const fits = (secondary: number, primary: number) =>
    last.length === primary && middle.every((g) => g.length === secondary) && first.length <= (rest.length > 1 ? secondary : primary);
  // The locale's own pattern (3 then 2 in India), or plain thousands, which every locale reads.
  return fits(p.secondary, p.primary) || fits(3, 3);
}

/** Reads the number part ("1,234.56") with one convention. */
function readWith(body: string, p: Profile): Reading {
  const pieces = body.split(p.decimal);
  if (pieces.length > 2) return { ok: false, why: 'separators' };
  const [intPart = '', frac = ''] = pieces;
  if (!/^\d*$/.test(frac)) return { ok: false, why: /[^\d.,' ]/.test(frac) ? 'digits' : 'separators' };
  if (/^\d*$/.test(intPart)) {
    if (intPart === '' && frac === '') return { ok: false, why: 'digits' };
    return { ok: true, int: intPart, frac };
  }
  const used = [...new Set(intPart.replace(/\d/g, ''))];
  if (used.some((c) => !/[.,' ]/.test(c))) return { ok: false, why: 'digits' };
  if (used.length !== 1 || !p.groups.includes(used[0]!)) return { ok: false, why: 'separators' };
  const groups = intPart.split(used[0]!);
  if (!groupsValid(groups, p)) return { ok: false, why: 'separators' };
  return { ok: true, int: groups.join(''), frac };
}

function stripLeading(s: string, marks: readonly string[]): [string, boolean] {
  const upper = s.toUpperCase();
  for (const m of marks) if (upper.startsWith(m.toUpperCase())) return [s.slice(m.length).trimStart(), true];
  return [s, false];
}

function stripTrailing(s: string, marks: readonly string[]): [string, boolean] {
  const upper = s.toUpperCase();
  for (const m of marks) if (upper.endsWith(m.toUpperCase())) return [s.slice(0, s.length - m.length).trimEnd(), true];
  return [s, false];
}

function isCurrencyCode(word: string): boolean {
  return /^[A-Z]{3}$/i.test(word) && isValidCurrency(word.toUpperCase());
}

/**
 * Parses what a user typed into minor units, or says plainly what is wrong. Accepted: "45",
 * "45.5", "£45", "GBP 45", "1,234.56" (en-GB) or "1.234,56" (de-DE), spaces and a leading minus
 * when `allowNegative`. Refused, each with its own message: brackets "(45.00)", a trailing minus
 * "45-", misplaced group separators "1,2,3" and "1,000,50", more decimals than the currency has,
 * "-0", another currency's sign, and anything that is not a number.
 */
export function parseMoneyInput(input: string, currency: string, opts: ParseMoneyOptions = {}): ParseResult {
  const digits = minorUnitDigits(currency);
  const symbols = opts.locale ? numberSymbols(opts.locale, currency) : null;
  const example = symbols
    ? `45${digits > 0 ? `${symbols.decimal}${'00000'.slice(0, digits)}` : ''}`
    : digits > 0
      ? `45.${'00000'.slice(0, digits)}`
      : '45';
  const fail = (error: string): ParseResult => ({ ok: false, error });
  const negativeMessage = 'The amount cannot be negative';
  let s = normaliseInput(input, symbols?.digits ?? '0123456789').trim();
  // Separators other than . , ' and space (Arabic ٫ and ٬) are read as their Western twins.
  const decimalSep = symbols ? (ASCII_SEPARATORS.includes(symbols.decimal) ? symbols.decimal : '.') : '.';
  const groupSep = symbols ? (symbols.group === '' || ASCII_SEPARATORS.includes(symbols.group) ? symbols.group : ',') : ',';
  if (symbols && symbols.decimal !== decimalSep) s = s.split(symbols.decimal).join(decimalSep);
  if (symbols && symbols.group && symbols.group !== groupSep) s = s.split(symbols.group).join(groupSep);
  if (s === '') return fail(`Enter an amount, e.g. ${example}`);
  if (/[()]/.test(s)) {
    return fail(
      opts.allowNegative
        ? `Brackets are not understood: write a negative amount with a minus sign, e.g. -${example}`
        : `Brackets are not understood: enter the amount alone, e.g. ${example}`,
    );
  }
  const trailingMinus = () => fail(opts.allowNegative ? `Put the minus sign before the number, e.g. -${example}` : negativeMessage);
  if (/[-+]$/.test(s) && s.length > 1) return s.endsWith('-') ? trailingMinus() : fail(`Use digits only, e.g. ${example}`);

  const marks = currencyMarks(currency, opts.locale);
  let sign = '';
  const takeSign = () => {
    if (!sign && /^[-+]/.test(s)) {
      sign = s[0]!;
      s = s.slice(1).trimStart();
    }
  };
  takeSign();
  const [afterMark, leadingMark] = stripLeading(s, marks);
  s = afterMark;
  takeSign();
  if (!leadingMark) [s] = stripTrailing(s, marks);
  if (/[-+]$/.test(s)) return s.endsWith('-') ? trailingMinus() : fail(`Use digits only, e.g. ${example}`);
  if (s === '') return fail(`Enter an amount, e.g. ${example}`);
  if (/[-+]/.test(s)) return fail(`Use digits only, e.g. ${example}`);
  const words = s.match(/\p{L}+/gu) ?? [];
  if (/\p{Sc}/u.test(s) || words.some(isCurrencyCode)) return fail(`Amounts are in ${currency}: enter the number without another currency`);
  if (words.length > 0 || /[^\d.,' ]/.test(s)) return fail(`Use digits only, e.g. ${example}`);
  if (sign === '-' && !opts.allowNegative) return fail(negativeMessage);

  let reading: Reading;
  let example1234: string;
  if (symbols) {
    const groups = [...new Set([groupSep, ' '].filter(Boolean))];
    const p: Profile = { decimal: decimalSep, groups, primary: symbols.primaryGroup, secondary: symbols.secondaryGroup };
    example1234 = separatorExample(symbols, digits);
    reading = readWith(s, p);
    if (!reading.ok && reading.why === 'separators') {
      // Written the other way ("45.50" in de-DE): say which decimal separator the practice uses.
      const other = decimalSep === ',' ? '.' : ',';
      const swapped = readWith(s, { decimal: other, groups: [], primary: 3, secondary: 3 });
      if (swapped.ok && swapped.frac !== '' && s.split(other).length === 2) {
        return fail(`Use “${symbols.decimal}” for decimals, e.g. ${example}`);
      }
    }
  } else {
    example1234 = digits > 0 ? `1,234.${'56789'.slice(0, digits)} or 1234.${'56789'.slice(0, digits)}` : '1,234 or 1234';
    const dot = readWith(s, { decimal: '.', groups: [',', ' ', "'"], primary: 3, secondary: 3 });
    const comma = s.includes(',') ? readWith(s, { decimal: ',', groups: ['.', ' ', "'"], primary: 3, secondary: 3 }) : null;
    const valid = [dot, comma].filter((r): r is Extract<Reading, { ok: true }> => !!r && r.ok && r.frac.length <= digits);
    if (valid.length === 2 && valueOf(valid[0]!, digits) !== valueOf(valid[1]!, digits)) {
      const [a, b] = valid as [Extract<Reading, { ok: true }>, Extract<Reading, { ok: true }>];
      return fail(`“${s}” can be read two ways: write ${plain(a)} or ${plain(b)}`);
    }
    reading = valid[0] ?? (dot.ok ? dot : comma && (comma.ok || comma.why === 'digits') ? comma : dot);
  }
  if (!reading.ok)
    return reading.why === 'digits'
      ? fail(`Use digits only, e.g. ${example}`)
      : fail(`Check the separators: write amounts like ${example1234}`);
  if (reading.frac.length > digits) {
    return fail(digits === 0 ? `${currency} amounts have no decimals` : `Use at most ${digits} decimal places`);
  }
  const big = BigInt(reading.int || '0') * 10n ** BigInt(digits) + BigInt(reading.frac.padEnd(digits, '0') || '0');
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) return fail('That amount is too large');
  const amount = Number(big);
  if (sign === '-' && amount === 0) return fail(`Zero has no sign: enter 0`);
  return { ok: true, amount: sign === '-' ? -amount : amount };
}

function valueOf(r: { int: string; frac: string }, digits: number): bigint {
  return BigInt(r.int || '0') * 10n ** BigInt(digits) + BigInt(r.frac.padEnd(digits, '0') || '0');
}

function plain(r: { int: string; frac: string }): string {
  return r.frac ? `${r.int || '0'}.${r.frac}` : r.int;
}

/**
 * The plain decimal text of an amount for an input field: "45.00", or with the practice locale's
 * decimal separator ("45,00" in de-DE), never grouped, so `parseMoneyInput` reads it back.
 */
export function moneyToInput(amount: number, currency: string, locale?: string): string {
  const digits = minorUnitDigits(currency);
  const negative = amount < 0;
  const abs = String(Math.abs(amount)).padStart(digits + 1, '0');
  const decimal = locale ? numberSymbols(locale, currency).decimal : '.';
  const text = digits === 0 ? abs : `${abs.slice(0, -digits)}${decimal}${abs.slice(-digits)}`;
  return `${negative ? '-' : ''}${text}`;
}

/** Throws unless `value` is a safe integer (a valid minor-unit amount). */
export function assertMinor(value: number, what = 'amount'): number {
  if (!Number.isSafeInteger(value)) throw new BillingError('not_integer', `${what} must be an integer number of minor units, got ${value}`);
  return value;
}

/** n / d rounded half to even, exact for bigints. d must not be 0. */
export function divRoundHalfEvenBig(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new BillingError('division_by_zero', 'Division by zero');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  let q = n / d; // truncates toward zero
  let r = n % d; // same sign as n
  if (r < 0n) {
    // floor division so that 0 <= r < d
    q -= 1n;
    r += d;
  }
  const twice = 2n * r;
  if (twice > d || (twice === d && q % 2n !== 0n)) q += 1n;
  return q;
}

/** n / d rounded half to even. n and d are integers; exact for any safe-integer inputs. */
export function divRoundHalfEven(n: number, d: number): number {
  assertMinor(n, 'numerator');
  assertMinor(d, 'denominator');
  if (d === 0) throw new BillingError('division_by_zero', 'Division by zero');
  if (d < 0) {
    n = -n;
    d = -d;
  }
  // Floor division; the float quotient can be off by one for large n, so fix it with the exact
  // remainder (q × d is a safe integer here because |q × d| ≤ |n| + d).
  let q = Math.floor(n / d);
  let r = n - q * d;
  if (!Number.isSafeInteger(q * d)) return Number(divRoundHalfEvenBig(BigInt(n), BigInt(d)));
  while (r < 0) {
    q -= 1;
    r += d;
  }
  while (r >= d) {
    q += 1;
    r -= d;
  }
  const twice = 2 * r;
  if (twice > d || (twice === d && q % 2 !== 0)) q += 1;
  return q === 0 ? 0 : q; // never -0
}

/** a × b / d rounded half to even, exact (bigint when a × b is not a safe integer). */
export function mulDivRoundHalfEven(a: number, b: number, d: number): number {
  assertMinor(a, 'factor');
  assertMinor(b, 'factor');
  const p = a * b;
  if (Number.isSafeInteger(p)) return divRoundHalfEven(p, d);
  const result = divRoundHalfEvenBig(BigInt(a) * BigInt(b), BigInt(d));
  if (result > BigInt(Number.MAX_SAFE_INTEGER) || result < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new BillingError('overflow', 'Amount too large');
  }
  return Number(result);
}

/** Sum of integer amounts, refusing results outside the safe-integer range. */
export function sumMinor(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return assertMinor(total, 'total');
}

/**
 * Splits `total` (≥ 0) into integer shares proportional to non-negative `weights`, using the
 * largest-remainder (Hamilton) method: every share is floor(total × w / W), then the units left
 * over go one each to the largest remainders (ties: the earlier index). The shares always sum to
 * `total` exactly and no share exceeds ceil of its exact value. All-zero weights → all to none:
 * throws, because there is nothing to allocate to.
 */
export function allocateLargestRemainder(total: number, weights: readonly number[]): number[] {
  assertMinor(total, 'total');
  if (total < 0) throw new BillingError('negative_allocation', 'Cannot allocate a negative amount');
  if (total === 0) return weights.map(() => 0);
  let weightSum = 0n;
  for (const w of weights) {
    assertMinor(w, 'weight');
    if (w < 0) throw new BillingError('negative_weight', 'Allocation weights must not be negative');
    weightSum += BigInt(w);
  }
  if (weightSum === 0n) throw new BillingError('nothing_to_allocate', 'There is nothing to spread the amount over');
  const T = BigInt(total);
  const shares: bigint[] = [];
  const remainders: { index: number; rem: bigint }[] = [];
  let allocated = 0n;
  weights.forEach((w, index) => {
    const exact = T * BigInt(w);
    const share = exact / weightSum;
    shares.push(share);
    allocated += share;
    remainders.push({ index, rem: exact % weightSum });
  });
  let left = T - allocated;
  remainders.sort((a, b) => (a.rem === b.rem ? a.index - b.index : a.rem > b.rem ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0n) break;
    shares[index] = (shares[index] ?? 0n) + 1n;
    left -= 1n;
  }
  return shares.map((s) => Number(s));
}

/** Decimal number for CSV cells ("-45.5" for -4550 GBP): exact, because it is parsed from the decimal text. */
export function moneyCell(amount: number, currency: string): number {
  return Number(moneyToInput(amount, currency));
}

/** Money value object from an amount and currency. */
export function money(amount: number, currency: string): Money {
  return { amount: assertMinor(amount), currency };
}

/** "12.50" → 1250 for GBP, throwing a BillingError with the user-facing message when invalid. */
export function parseAmountOrThrow(input: string, currency: string, opts: ParseMoneyOptions = {}): number {
  const r = parseMoneyInput(input, currency, opts);
  if (!r.ok) throw new BillingError('invalid_amount', r.error);
  return r.amount;
}
