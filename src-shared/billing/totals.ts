/**
 * Invoice arithmetic: line bases, discounts, tax and totals. One function, `computeInvoiceTotals`,
 * fills every computed field from the inputs, so a draft can never hold totals that disagree with
 * its lines. Rules (docs/billing.md "Arithmetic"):
 *
 *   base        = durationMinutes > 0 ? round(unitAmount × durationMinutes / 60)
 *                                     : round(unitAmount × quantityMilli / 1000)
 *   afterLine   = base − discountAmount                  (0 ≤ discountAmount ≤ base)
 *   share       = largest-remainder share of invoiceDiscountAmount, weights = max(afterLine, 0)
 *   amount      = afterLine − share
 *   taxAmount   = exclusive: round(amount × bp / 10000)           (tax on top)
 *                 inclusive: round(amount × bp / (10000 + bp))    (tax inside; net = amount − tax)
 *                 none:      0
 *   subtotal    = Σ amount;  taxTotal = Σ taxAmount
 *   total       = exclusive ? subtotal + taxTotal : subtotal
 *
 * round = half to even. Every total is a sum of line values, so totals always equal their lines.
 */
import type { Invoice, InvoiceLine, TaxMode } from '../model/types';
import { BillingError } from './errors';
import { allocateLargestRemainder, assertMinor, mulDivRoundHalfEven } from '../money';
import { prorateHourly } from './rates';

export type TotalsInput = Pick<Invoice, 'lines' | 'invoiceDiscountAmount' | 'taxMode' | 'taxRateBp' | 'subtotal' | 'taxTotal' | 'total'>;

/** The line's amount before any discount. */
export function lineBase(line: Pick<InvoiceLine, 'unitAmount' | 'quantityMilli' | 'durationMinutes'>): number {
  assertMinor(line.unitAmount, 'unit amount');
  assertMinor(line.quantityMilli, 'quantity');
  if (line.durationMinutes > 0) return prorateHourly(line.unitAmount, line.durationMinutes);
  return mulDivRoundHalfEven(line.unitAmount, line.quantityMilli, 1000);
}

/** Tax of an amount under a mode; see the module comment. */
export function taxOf(amount: number, mode: TaxMode, rateBp: number): number {
  assertMinor(amount);
  if (mode === 'none' || rateBp === 0) return 0;
  if (!Number.isInteger(rateBp) || rateBp < 0 || rateBp > 10_000) throw new BillingError('invalid_tax_rate', 'Tax rate must be 0–100 %');
  if (mode === 'exclusive') return mulDivRoundHalfEven(amount, rateBp, 10_000);
  return mulDivRoundHalfEven(amount, rateBp, 10_000 + rateBp);
}

/** Net (tax-exclusive) value of a computed line. */
export function lineNet(line: Pick<InvoiceLine, 'amount' | 'taxAmount'>, mode: TaxMode): number {
  return mode === 'inclusive' ? line.amount - line.taxAmount : line.amount;
}

/** Gross (tax-inclusive) value of a computed line. */
export function lineGross(line: Pick<InvoiceLine, 'amount' | 'taxAmount'>, mode: TaxMode): number {
  return mode === 'exclusive' ? line.amount + line.taxAmount : line.amount;
}

/** Net value of a whole invoice (total minus tax). */
export function invoiceNet(inv: Pick<Invoice, 'total' | 'taxTotal'>): number {
  return inv.total - inv.taxTotal;
}

/** Validates inputs and returns the invoice with every computed line and total field filled. */
export function computeInvoiceTotals<T extends TotalsInput>(inv: T): T {
  const copy = { ...inv, lines: inv.lines.map((l) => ({ ...l })) };
  computeInvoiceTotalsInPlace(copy);
  return copy;
}

/**
 * The same computation, writing into `inv` and its line objects (for freshly built drafts that
 * nobody else references: avoids copying 100,000 lines in batch generation).
 */
export function computeInvoiceTotalsInPlace(inv: TotalsInput): void {
  assertMinor(inv.invoiceDiscountAmount, 'invoice discount');
  if (inv.invoiceDiscountAmount < 0) throw new BillingError('negative_discount', 'A discount cannot be negative');
  const n = inv.lines.length;
  const afterLine: number[] = new Array<number>(n);
  let weightSum = 0;
  for (let i = 0; i < n; i++) {
    const line = inv.lines[i]!;
    assertMinor(line.discountAmount, 'line discount');
    const base = lineBase(line);
    if (line.discountAmount < 0) throw new BillingError('negative_discount', `A discount cannot be negative ("${line.description}")`);
    if (line.discountAmount > Math.max(base, 0)) {
      throw new BillingError('discount_too_large', `The discount on "${line.description}" is larger than the line`);
    }
    const a = base - line.discountAmount;
    afterLine[i] = a;
    if (a > 0) weightSum += a;
  }
  assertMinor(weightSum, 'total');
  if (inv.invoiceDiscountAmount > weightSum) {
    throw new BillingError('discount_too_large', 'The invoice discount is larger than the chargeable lines');
  }
  const shares =
    inv.invoiceDiscountAmount > 0
      ? allocateLargestRemainder(
          inv.invoiceDiscountAmount,
          afterLine.map((a) => Math.max(a, 0)),
        )
      : null;
  let subtotal = 0;
  let taxTotal = 0;
  for (let i = 0; i < n; i++) {
    const line = inv.lines[i] as InvoiceLine;
    const share = shares ? (shares[i] ?? 0) : 0;
    const amount = (afterLine[i] ?? 0) - share;
    line.invoiceDiscountShare = share;
    line.amount = amount;
    line.taxAmount = taxOf(amount, inv.taxMode, inv.taxRateBp);
    subtotal += amount;
    taxTotal += line.taxAmount;
  }
  inv.subtotal = assertMinor(subtotal, 'subtotal');
  inv.taxTotal = assertMinor(taxTotal, 'tax');
  inv.total = assertMinor(inv.taxMode === 'exclusive' ? subtotal + taxTotal : subtotal, 'total');
}

/**
 * Checks the stored invariants of any invoice or credit note (without recomputing from inputs):
 * totals are the sums of their lines. Returns the problems found (empty = consistent).
 */
export function checkTotals(inv: TotalsInput): string[] {
  const problems: string[] = [];
  const subtotal = inv.lines.reduce((s, l) => s + l.amount, 0);
  const taxTotal = inv.lines.reduce((s, l) => s + l.taxAmount, 0);
  if (subtotal !== inv.subtotal) problems.push(`subtotal ${inv.subtotal} ≠ sum of lines ${subtotal}`);
  if (taxTotal !== inv.taxTotal) problems.push(`tax ${inv.taxTotal} ≠ sum of line taxes ${taxTotal}`);
  const total = inv.taxMode === 'exclusive' ? subtotal + taxTotal : subtotal;
  if (total !== inv.total) problems.push(`total ${inv.total} ≠ ${total}`);
  const shares = inv.lines.reduce((s, l) => s + l.invoiceDiscountShare, 0);
  if (shares !== inv.invoiceDiscountAmount) problems.push(`invoice discount ${inv.invoiceDiscountAmount} ≠ sum of shares ${shares}`);
  return problems;
}

/** Tax breakdown for display: net, tax and gross totals. */
export function taxSummary(inv: Pick<Invoice, 'lines' | 'taxMode' | 'total' | 'taxTotal'>): { net: number; tax: number; gross: number } {
  return { net: inv.total - inv.taxTotal, tax: inv.taxTotal, gross: inv.total };
}
