/**
 * What the money records mean together (docs/billing.md "Corrections and refunds"). The payments
 * collection holds three kinds of record — payments, refunds and reversals — and the invoices
 * collection holds invoices and (full or partial) credit notes. No record is ever rewritten to
 * undo another: a correction is its own record, and these functions derive the effect:
 *
 * - a payment or refund named by a reversal is REVERSED: it counts for nothing (its allocations
 *   and its refund sources are ignored), whatever its own fields say (so a reversal wins over a
 *   concurrent edit of the payment on another laptop);
 * - a live refund takes its `refundSources` out of those payments' unallocated money;
 * - a credit note for an invoice that it did not void (a PARTIAL credit note) lowers that
 *   invoice's balance by its total.
 *
 * Low level on purpose (no import from payments.ts or lifecycle.ts), so both can use it.
 */
import type { Invoice, Payment, PaymentKind } from '../model/types';

export type MoneyRecord = Pick<Payment, 'allocations'> &
  Partial<Pick<Payment, 'id' | 'kind' | 'reverses' | 'refundSources' | 'amount' | 'familyId'>>;

export function recordKind(p: Pick<Payment, 'kind'> | Partial<Pick<Payment, 'kind'>>): PaymentKind {
  return p.kind ?? 'payment';
}

/** Deterministic id of the reversal of a record: two laptops reversing it offline write one document. */
export function reversalId(recordId: string): string {
  return `reversal:${recordId}`;
}

/** Ids of the records (payments, refunds) that a reversal cancels. */
export function reversedIds(records: Iterable<Partial<Pick<Payment, 'kind' | 'reverses'>>>): Set<string> {
  const out = new Set<string>();
  for (const r of records) if (r.kind === 'reversal' && r.reverses) out.add(r.reverses);
  return out;
}

/**
 * The records that count: payments and refunds not reversed. Reversals themselves are not
 * returned (their effect is the absence of what they reverse). Takes an array: it is read twice.
 */
export function liveRecords<P extends Partial<Pick<Payment, 'id' | 'kind' | 'reverses'>>>(records: readonly P[]): P[] {
  const reversed = reversedIds(records);
  return records.filter((r) => r.kind !== 'reversal' && !(r.id !== undefined && reversed.has(r.id)));
}

/** Money taken out of each payment by live refunds: paymentId → amount. */
export function refundedByPayment(records: readonly MoneyRecord[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of liveRecords(records)) {
    if (r.kind !== 'refund') continue;
    for (const s of r.refundSources ?? []) out.set(s.paymentId, (out.get(s.paymentId) ?? 0) + s.amount);
  }
  return out;
}

/**
 * Sum of what partial credit notes credit per invoice: invoiceId → amount (positive). The credit
 * note of a void (the invoice's `voidedBy`) is left out: a void invoice owes nothing anyway.
 */
export function creditedByInvoice(
  invoices: Iterable<Pick<Invoice, 'id' | 'kind' | 'status' | 'creditNoteFor' | 'voidedBy' | 'total'>>,
): Map<string, number> {
  const list = [...invoices];
  const voidedBy = new Map<string, string>();
  for (const inv of list) if (inv.kind === 'invoice' && inv.voidedBy) voidedBy.set(inv.id, inv.voidedBy);
  const out = new Map<string, number>();
  for (const cn of list) {
    if (cn.kind !== 'credit_note' || cn.status === 'draft' || !cn.creditNoteFor) continue;
    if (voidedBy.get(cn.creditNoteFor) === cn.id) continue;
    out.set(cn.creditNoteFor, (out.get(cn.creditNoteFor) ?? 0) - cn.total);
  }
  return out;
}

/**
 * What partial credit notes already credited of each line of `invoiceId` (positive amounts):
 * line id → { amount, tax }. Credit lines name their line in `creditsLineId`; the credit note of a
 * void has none unless partial ones came first.
 */
export function creditedByLine(
  invoiceId: string,
  invoices: Iterable<Pick<Invoice, 'kind' | 'creditNoteFor' | 'lines'>>,
): Map<string, { amount: number; tax: number }> {
  const out = new Map<string, { amount: number; tax: number }>();
  for (const cn of invoices) {
    if (cn.kind !== 'credit_note' || cn.creditNoteFor !== invoiceId) continue;
    for (const l of cn.lines) {
      if (!l.creditsLineId) continue;
      const c = out.get(l.creditsLineId) ?? { amount: 0, tax: 0 };
      c.amount -= l.amount;
      c.tax -= l.taxAmount;
      out.set(l.creditsLineId, c);
    }
  }
  return out;
}
