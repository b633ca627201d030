/**
 * Money arithmetic for billing. Amounts are always integer minor units (`number`, checked to be
 * safe integers); anything that multiplies or divides goes through exact integer arithmetic
 * (bigint when a product could leave the safe-integer range) and is rounded by ONE rule:
 *
 *   ROUND HALF TO EVEN ("banker's rounding") on the exact rational result.
 *
 * It is applied per line: hourly proration (rate × minutes / 60), quantity × unit price
 * (unit × quantityMilli / 1000), and each line's tax. Discounts spread over lines use the
 * largest-remainder method, which never rounds: the shares always add up to the discount.
 * See docs/billing.md "Rounding".
 *
 * Formatting and parsing of user input reuse `src-shared/money.ts` (Intl-based), re-exported here
 * so billing code has one import.
 */
import { formatMoney, minorUnitDigits, moneyToInput, parseMoneyInput, type ParseResult } from '../money';
import type { Money } from '../model/types';

export { formatMoney, minorUnitDigits, moneyToInput, parseMoneyInput, type ParseResult };

export class BillingError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BillingError';
  }
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
export function parseAmountOrThrow(input: string, currency: string, opts: { allowNegative?: boolean } = {}): number {
  const r = parseMoneyInput(input, currency, opts);
  if (!r.ok) throw new BillingError('invalid_amount', r.error);
  return r.amount;
}
