/**
 * Payments, allocation, family credit, ledger, statements and aging (docs/billing.md "Payments").
 *
 * A payment belongs to a family; its `allocations` say which issued invoices it pays. The
 * unallocated rest of a payment is the family's credit, which can later be applied to new invoices
 * (`applyFamilyCredit`). Invoice payment states are derived from the allocations (lifecycle.ts).
 *
 * Ledger sign convention: debit = the family owes more (invoices), credit = less (payments,
 * credit notes). Balance = Σ debit − Σ credit; positive = the family owes, negative = in credit.
 */
import { stampChange, type ChangeContext } from '../model/meta';
import { PAYMENT_METHODS, type Invoice, type Payment, type PaymentAllocation, type PaymentMethod } from '../model/types';
import { assertIsoDate, daysBetween, isIsoDate } from './dates';
import { BillingError } from './errors';
import { assertMinor } from '../money';
import { paidByInvoice } from './lifecycle';
import { creditedByInvoice, liveRecords, recordKind, refundedByPayment, reversedIds } from './records';

export interface PaymentInput {
  familyId: string;
  /** YYYY-MM-DD in the practice time zone. */
  date: string;
  /** Minor units, > 0 (use parseMoneyInput on what the user typed). */
  amount: number;
  method: PaymentMethod;
  reference: string;
  notes?: string;
}

/** Field errors of a payment form ({} = valid). */
export function validatePaymentInput(input: PaymentInput): Partial<Record<keyof PaymentInput, string>> {
  const errors: Partial<Record<keyof PaymentInput, string>> = {};
  if (!input.familyId) errors.familyId = 'Choose who paid';
  if (!isIsoDate(input.date)) errors.date = 'Enter the payment date';
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) errors.amount = 'Enter an amount greater than zero';
  if (!(PAYMENT_METHODS as readonly string[]).includes(input.method)) errors.method = 'Choose a payment method';
  if (input.reference.length > 200) errors.reference = 'The reference is too long (200 characters at most)';
  return errors;
}

/** A new, unallocated payment document (allocate it with `allocatePayment`). */
export function createPayment(input: PaymentInput, currency: string, ctx: ChangeContext, newId: () => string): Payment {
  const errors = validatePaymentInput(input);
  const first = Object.values(errors)[0];
  if (first) throw new BillingError('invalid_payment', first);
  return stampChange<Payment>(
    undefined,
    {
      familyId: input.familyId,
      date: input.date,
      amount: input.amount,
      currency,
      method: input.method,
      reference: input.reference.trim(),
      allocations: [],
      notes: input.notes ?? '',
    },
    ctx,
    newId,
  );
}

export function allocatedAmount(p: Pick<Payment, 'allocations'>): number {
  return p.allocations.reduce((s, a) => s + a.amount, 0);
}

/** The part of a payment not allocated to any invoice (family credit). */
export function unallocatedAmount(p: Pick<Payment, 'amount' | 'allocations'>): number {
  return p.amount - allocatedAmount(p);
}

/**
 * What a payment can still give (to an invoice or back to the family): its amount less what it
 * is allocated to and what live refunds took out of it (`refunded`: records.refundedByPayment).
 */
export function availableCredit(p: Pick<Payment, 'id' | 'amount' | 'allocations'>, refunded: ReadonlyMap<string, number>): number {
  return p.amount - allocatedAmount(p) - (refunded.get(p.id) ?? 0);
}

/** The family's live payments (not reversed; not refunds or reversals). */
export function livePayments(familyId: string | null, records: readonly Payment[]): Payment[] {
  return liveRecords(records).filter((p) => recordKind(p) === 'payment' && (familyId === null || p.familyId === familyId));
}

/**
 * The family's credit: what its live payments left unallocated, less what live refunds paid back.
 * Reversed payments and refunds count for nothing. Negative only when refunds paid back more than
 * there was (two laptops refunding the same credit offline; `checkMoneyRecords` reports it).
 */
export function familyCredit(familyId: string, payments: Iterable<Payment>): number {
  const records = [...payments].filter((p) => p.familyId === familyId);
  let total = 0;
  for (const p of livePayments(familyId, records)) total += unallocatedAmount(p);
  for (const r of liveRecords(records)) if (recordKind(r) === 'refund') total -= r.amount;
  return total;
}

function compareOldest(a: Invoice, b: Invoice): number {
  return (
    (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0) ||
    (a.issueDate < b.issueDate ? -1 : a.issueDate > b.issueDate ? 1 : 0) ||
    a.sequence - b.sequence ||
    (a.number < b.number ? -1 : a.number > b.number ? 1 : 0)
  );
}

export interface OpenInvoice {
  invoice: Invoice;
  /** Amount still owed. */
  balance: number;
}

/**
 * The family's issued invoices with a balance, oldest first (due date, then issue date, then
 * number). Allocations of `excludePaymentId` are ignored (for re-allocating that payment).
 */
export function openInvoices(
  familyId: string,
  invoices: Iterable<Invoice>,
  payments: Iterable<Payment>,
  excludePaymentId = '',
): OpenInvoice[] {
  const paid = paidByInvoice([...payments].filter((p) => p.id !== excludePaymentId));
  const list = [...invoices];
  const credited = creditedByInvoice(list);
  const out: OpenInvoice[] = [];
  for (const inv of list) {
    if (inv.familyId !== familyId || inv.kind !== 'invoice' || inv.status !== 'issued') continue;
    const balance = inv.total - (paid.get(inv.id) ?? 0) - (credited.get(inv.id) ?? 0);
    if (balance > 0) out.push({ invoice: inv, balance });
  }
  return out.sort((a, b) => compareOldest(a.invoice, b.invoice));
}

export interface AllocationTarget {
  invoiceId: string;
  /** Amount to allocate; omitted = as much as the invoice needs and the payment has left. */
  amount?: number;
}

/**
 * Allocates a payment (replacing its previous allocations): to `targets` in the order given, or
 * by default to the family's open invoices oldest first. What is left stays unallocated and is
 * the family's credit. Returns the payment values to save (not stamped).
 */
export function allocatePayment(
  payment: Payment,
  args: { invoices: Iterable<Invoice>; payments: Iterable<Payment>; targets?: AllocationTarget[] },
): Payment {
  if (recordKind(payment) !== 'payment') throw new BillingError('not_a_payment', 'Only a payment is allocated to invoices');
  const records = [...args.payments];
  if (reversedIds(records).has(payment.id)) throw new BillingError('reversed', 'This payment was reversed: it pays nothing');
  const open = openInvoices(payment.familyId, args.invoices, records, payment.id);
  const openById = new Map(open.map((o) => [o.invoice.id, o]));
  let remaining = payment.amount - (refundedByPayment(records).get(payment.id) ?? 0);
  const allocations: PaymentAllocation[] = [];
  if (args.targets) {
    for (const t of args.targets) {
      const o = openById.get(t.invoiceId);
      if (!o) throw new BillingError('not_open', `Invoice ${t.invoiceId} is not an open issued invoice of this family`);
      if (allocations.some((a) => a.invoiceId === t.invoiceId)) throw new BillingError('duplicate_target', 'An invoice is chosen twice');
      const amount = t.amount ?? Math.min(remaining, o.balance);
      if (t.amount !== undefined) {
        assertMinor(t.amount);
        if (t.amount <= 0) throw new BillingError('invalid_allocation', 'Allocate an amount greater than zero');
        if (t.amount > o.balance) throw new BillingError('over_allocation', `${o.invoice.number} only has ${o.balance} left to pay`);
        if (t.amount > remaining) throw new BillingError('over_allocation', 'The allocations are more than the payment');
      }
      if (amount > 0) {
        allocations.push({ invoiceId: t.invoiceId, amount });
        remaining -= amount;
      }
    }
  } else {
    for (const o of open) {
      if (remaining <= 0) break;
      const amount = Math.min(remaining, o.balance);
      allocations.push({ invoiceId: o.invoice.id, amount });
      remaining -= amount;
    }
  }
  return { ...payment, allocations };
}

/**
 * Applies the family's unallocated payment money to its open invoices, oldest payment to oldest
 * invoice (or only to `invoiceIds`, in that order). Returns the payments that changed, stamped.
 */
export function applyFamilyCredit(
  familyId: string,
  args: { invoices: Iterable<Invoice>; payments: readonly Payment[]; ctx: ChangeContext; invoiceIds?: string[] },
): Payment[] {
  let open = openInvoices(familyId, args.invoices, args.payments);
  if (args.invoiceIds) {
    const byId = new Map(open.map((o) => [o.invoice.id, o]));
    open = args.invoiceIds.map((id) => byId.get(id)).filter((o): o is OpenInvoice => !!o);
  }
  const balances = open.map((o) => ({ ...o }));
  const changed: Payment[] = [];
  const refunded = refundedByPayment(args.payments);
  const familyPayments = livePayments(familyId, args.payments)
    .filter((p) => availableCredit(p, refunded) > 0)
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.createdAt < b.createdAt ? -1 : 1));
  for (const p of familyPayments) {
    const available = availableCredit(p, refunded);
    let left = available;
    const allocations = p.allocations.map((a) => ({ ...a }));
    for (const o of balances) {
      if (left <= 0) break;
      if (o.balance <= 0) continue;
      const amount = Math.min(left, o.balance);
      const existing = allocations.find((a) => a.invoiceId === o.invoice.id);
      if (existing) existing.amount += amount;
      else allocations.push({ invoiceId: o.invoice.id, amount });
      o.balance -= amount;
      left -= amount;
    }
    if (left !== available) changed.push(stampChange<Payment>(p, { ...p, allocations }, args.ctx, () => p.id));
  }
  return changed;
}

/** Checks a payment's allocations against the invoices (for sync repair screens). */
export function checkPaymentAllocations(payment: Payment, invoices: ReadonlyMap<string, Invoice>): string[] {
  const problems: string[] = [];
  if (recordKind(payment) !== 'payment') {
    if (payment.allocations.length > 0) problems.push(`a ${recordKind(payment)} is allocated to invoices`);
    return problems;
  }
  if (allocatedAmount(payment) > payment.amount) problems.push('allocated more than the payment');
  for (const a of payment.allocations) {
    const inv = invoices.get(a.invoiceId);
    if (!inv) problems.push(`allocated to unknown invoice ${a.invoiceId}`);
    else if (inv.familyId !== payment.familyId) problems.push(`allocated to another family's invoice ${inv.number}`);
    else if (inv.status !== 'issued' || inv.kind !== 'invoice')
      problems.push(`allocated to ${inv.number || inv.id}, which is ${inv.kind === 'credit_note' ? 'a credit note' : inv.status}`);
  }
  return problems;
}

// ───────────────────────────── Ledger and statement ─────────────────────────────

export type LedgerEntryKind = 'invoice' | 'credit_note' | 'payment' | 'refund' | 'reversal';

export interface LedgerEntry {
  date: string;
  kind: LedgerEntryKind;
  documentId: string;
  /** Invoice/credit-note number or payment reference. */
  reference: string;
  description: string;
  debit: number;
  credit: number;
  /** Running balance after this entry (positive = owed by the family). */
  balance: number;
  /** A payment or refund: the reversal that cancelled it (its entry comes on the reversal's date). */
  reversedBy?: string;
  /** A reversal: what kind of record it cancels. */
  reverses?: 'payment' | 'refund';
}

export interface LedgerOptions {
  /** Writes a business date (YYYY-MM-DD) for people, e.g. practiceFormat(…).date; default: as is. */
  formatDate?: (isoDate: string) => string;
}

const METHOD_LABELS: Record<PaymentMethod, string> = {
  cash: 'Cash',
  bank_transfer: 'Bank transfer',
  card: 'Card',
  cheque: 'Cheque',
  other: 'Other',
};

export function paymentMethodLabel(m: PaymentMethod): string {
  return METHOD_LABELS[m] ?? m;
}

/** How each kind of ledger entry is named on statements, screens and in CSV. */
export const LEDGER_KIND_LABELS: Record<LedgerEntryKind, string> = {
  invoice: 'Invoice',
  credit_note: 'Credit note',
  payment: 'Payment',
  refund: 'Refund',
  reversal: 'Reversal',
};

function ledgerItems(
  familyId: string,
  invoices: Iterable<Invoice>,
  payments: Iterable<Payment>,
  opts: LedgerOptions,
): Omit<LedgerEntry, 'balance'>[] {
  const day = opts.formatDate ?? ((d: string) => d);
  const items: (Omit<LedgerEntry, 'balance'> & { order: number; tie: string })[] = [];
  for (const inv of invoices) {
    if (inv.familyId !== familyId || inv.status === 'draft') continue;
    if (inv.kind === 'invoice') {
      items.push({
        date: inv.issueDate,
        kind: 'invoice',
        documentId: inv.id,
        reference: inv.number,
        description: `Invoice ${inv.number}${inv.status === 'void' ? ' (void)' : ''}, due ${day(inv.dueDate)}`,
        debit: Math.max(inv.total, 0),
        credit: Math.max(-inv.total, 0),
        order: 0,
        tie: `${inv.sequenceKey}|${String(inv.sequence).padStart(9, '0')}`,
      });
    } else {
      items.push({
        date: inv.issueDate,
        kind: 'credit_note',
        documentId: inv.id,
        reference: inv.number,
        description: `Credit note ${inv.number}${inv.notes ? `: ${inv.notes}` : ''}`,
        debit: Math.max(inv.total, 0),
        credit: Math.max(-inv.total, 0),
        order: 1,
        tie: `${inv.sequenceKey}|${String(inv.sequence).padStart(9, '0')}`,
      });
    }
  }
  const records = [...payments].filter((p) => p.familyId === familyId);
  const byId = new Map(records.map((p) => [p.id, p]));
  const reversalOf = new Map<string, string>();
  for (const r of records) if (r.kind === 'reversal' && r.reverses) reversalOf.set(r.reverses, r.id);
  for (const p of records) {
    const kind = recordKind(p);
    const ref = p.reference ? ` (${p.reference})` : '';
    const reason = p.reason?.trim() ? `: ${p.reason.trim()}` : '';
    const reversedBy = reversalOf.get(p.id);
    if (kind === 'payment') {
      items.push({
        date: p.date,
        kind: 'payment',
        documentId: p.id,
        reference: p.reference,
        description: `Payment, ${paymentMethodLabel(p.method)}${ref}${reversedBy ? ' (reversed)' : ''}`,
        debit: 0,
        credit: p.amount,
        ...(reversedBy ? { reversedBy } : {}),
        order: 2,
        tie: p.createdAt,
      });
    } else if (kind === 'refund') {
      items.push({
        date: p.date,
        kind: 'refund',
        documentId: p.id,
        reference: p.reference,
        description: `Refund to the family, ${paymentMethodLabel(p.method)}${ref}${reason}${reversedBy ? ' (reversed)' : ''}`,
        debit: p.amount,
        credit: 0,
        ...(reversedBy ? { reversedBy } : {}),
        order: 3,
        tie: p.createdAt,
      });
    } else {
      // A reversal cancels exactly what it reverses as it stands now (a concurrent edit of the
      // amount on another laptop cannot leave part of it behind); unknown target: a payment.
      const target = p.reverses ? byId.get(p.reverses) : undefined;
      const targetKind = target && recordKind(target) === 'refund' ? 'refund' : 'payment';
      const amount = target ? target.amount : p.amount;
      const what = target ? `${targetKind} of ${day(target.date)}${target.reference ? ` (${target.reference})` : ''}` : targetKind;
      items.push({
        date: p.date,
        kind: 'reversal',
        documentId: p.id,
        reference: p.reference,
        description: `Reversal of the ${what}${reason}`,
        debit: targetKind === 'payment' ? amount : 0,
        credit: targetKind === 'refund' ? amount : 0,
        reverses: targetKind,
        order: 4,
        tie: p.createdAt,
      });
    }
  }
  items.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order - b.order || (a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0)));
  return items.map(({ order: _o, tie: _t, ...rest }) => rest);
}

/**
 * Every issued invoice, credit note, payment, refund and reversal of a family in date order, with
 * the running balance. A reversed payment keeps its entry on its own date and the reversal adds
 * the opposite entry on the reversal's date: the history is never rewritten.
 */
export function familyLedger(
  familyId: string,
  invoices: Iterable<Invoice>,
  payments: Iterable<Payment>,
  opts: LedgerOptions = {},
): LedgerEntry[] {
  let balance = 0;
  return ledgerItems(familyId, invoices, payments, opts).map((e) => {
    balance += e.debit - e.credit;
    return { ...e, balance };
  });
}

/** The family's current balance (positive = owed, negative = credit). */
export function familyBalance(familyId: string, invoices: Iterable<Invoice>, payments: Iterable<Payment>): number {
  return familyLedger(familyId, invoices, payments).at(-1)?.balance ?? 0;
}

export interface Statement {
  familyId: string;
  from: string;
  to: string;
  /** Balance before `from`. */
  openingBalance: number;
  entries: LedgerEntry[];
  closingBalance: number;
  totalInvoiced: number;
  totalCredited: number;
  /** Payments received in the period, less reversals of payments in the period. */
  totalPaid: number;
  /** Refunds paid to the family in the period, less reversals of refunds in the period. */
  totalRefunded: number;
  /** Invoices still owing at the end of the statement (by allocations as of now). */
  openInvoices: { invoiceId: string; number: string; issueDate: string; dueDate: string; total: number; balance: number }[];
}

/** Statement of account for [from, to]: opening balance, the period's entries, closing balance. */
export function familyStatement(
  familyId: string,
  from: string,
  to: string,
  invoices: readonly Invoice[],
  payments: readonly Payment[],
  opts: LedgerOptions = {},
): Statement {
  assertIsoDate(from, 'from');
  assertIsoDate(to, 'to');
  if (to < from) throw new BillingError('invalid_period', 'The period ends before it starts');
  const ledger = familyLedger(familyId, invoices, payments, opts);
  let openingBalance = 0;
  const entries: LedgerEntry[] = [];
  let totalInvoiced = 0;
  let totalCredited = 0;
  let totalPaid = 0;
  let totalRefunded = 0;
  for (const e of ledger) {
    if (e.date < from) openingBalance = e.balance;
    else if (e.date <= to) {
      entries.push(e);
      if (e.kind === 'invoice') totalInvoiced += e.debit - e.credit;
      else if (e.kind === 'credit_note') totalCredited += e.credit - e.debit;
      else if (e.kind === 'payment') totalPaid += e.credit;
      else if (e.kind === 'refund') totalRefunded += e.debit;
      else if (e.reverses === 'refund') totalRefunded -= e.credit;
      else totalPaid -= e.debit;
    }
  }
  const closingBalance = entries.at(-1)?.balance ?? openingBalance;
  const open = openInvoices(
    familyId,
    invoices.filter((i) => i.issueDate <= to),
    payments,
  );
  return {
    familyId,
    from,
    to,
    openingBalance,
    entries,
    closingBalance,
    totalInvoiced,
    totalCredited,
    totalPaid,
    totalRefunded,
    openInvoices: open.map((o) => ({
      invoiceId: o.invoice.id,
      number: o.invoice.number,
      issueDate: o.invoice.issueDate,
      dueDate: o.invoice.dueDate,
      total: o.invoice.total,
      balance: o.balance,
    })),
  };
}

// ───────────────────────────── Aging ─────────────────────────────

/**
 * Aging buckets by days past the due date on the report date (asOf − dueDate, calendar days):
 * current = not yet overdue (≤ 0), then 1–30, 31–60, 61–90, and over 90 days.
 */
export const AGING_BUCKETS = ['current', 'days1to30', 'days31to60', 'days61to90', 'over90'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];
export const AGING_BUCKET_LABELS: Record<AgingBucket, string> = {
  current: 'Current',
  days1to30: '1–30 days',
  days31to60: '31–60 days',
  days61to90: '61–90 days',
  over90: 'Over 90 days',
};

export function agingBucket(daysOverdue: number): AgingBucket {
  if (daysOverdue <= 0) return 'current';
  if (daysOverdue <= 30) return 'days1to30';
  if (daysOverdue <= 60) return 'days31to60';
  if (daysOverdue <= 90) return 'days61to90';
  return 'over90';
}

export interface AgingInvoice {
  invoiceId: string;
  number: string;
  issueDate: string;
  dueDate: string;
  total: number;
  balance: number;
  daysOverdue: number;
  bucket: AgingBucket;
}

export interface AgingRow {
  familyId: string;
  buckets: Record<AgingBucket, number>;
  /** Σ buckets: what the family's issued invoices still owe. */
  outstanding: number;
  /** Unallocated payments (family credit). */
  credit: number;
  /** outstanding − credit. */
  net: number;
  invoices: AgingInvoice[];
}

export interface AgingReport {
  asOf: string;
  rows: AgingRow[];
  totals: Record<AgingBucket, number> & { outstanding: number; credit: number; net: number };
}

const emptyBuckets = (): Record<AgingBucket, number> => ({ current: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0 });

/**
 * Outstanding balances by family and age on `asOf`. Only issued invoices (not drafts, void
 * invoices or credit notes) issued on or before `asOf` with a positive balance count, and only
 * payments dated on or before `asOf`; families with neither a balance nor credit are left out.
 * Rows are sorted by outstanding, largest first.
 */
export function agingReport(invoices: readonly Invoice[], allPayments: readonly Payment[], asOf: string): AgingReport {
  assertIsoDate(asOf, 'report date');
  // As it stood on the report date: later payments are not counted.
  const payments = allPayments.filter((p) => p.date <= asOf);
  const paid = paidByInvoice(payments);
  // Partial credit notes count from their issue date.
  const credited = creditedByInvoice(invoices.filter((i) => i.kind !== 'credit_note' || i.issueDate <= asOf));
  const rows = new Map<string, AgingRow>();
  const row = (familyId: string) => {
    let r = rows.get(familyId);
    if (!r) rows.set(familyId, (r = { familyId, buckets: emptyBuckets(), outstanding: 0, credit: 0, net: 0, invoices: [] }));
    return r;
  };
  for (const inv of invoices) {
    if (inv.kind !== 'invoice' || inv.status !== 'issued' || inv.issueDate > asOf) continue;
    const balance = inv.total - (paid.get(inv.id) ?? 0) - (credited.get(inv.id) ?? 0);
    if (balance <= 0) continue;
    const daysOverdue = Math.max(0, daysBetween(inv.dueDate, asOf));
    const bucket = agingBucket(daysOverdue);
    const r = row(inv.familyId);
    r.buckets[bucket] += balance;
    r.outstanding += balance;
    r.invoices.push({
      invoiceId: inv.id,
      number: inv.number,
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      total: inv.total,
      balance,
      daysOverdue,
      bucket,
    });
  }
  // Credit as familyCredit counts it: live payments' unallocated money less live refunds.
  const creditByFamily = new Map<string, number>();
  for (const p of livePayments(null, payments))
    creditByFamily.set(p.familyId, (creditByFamily.get(p.familyId) ?? 0) + unallocatedAmount(p));
  for (const r of liveRecords(payments))
    if (recordKind(r) === 'refund') creditByFamily.set(r.familyId, (creditByFamily.get(r.familyId) ?? 0) - r.amount);
  for (const [familyId, credit] of creditByFamily) if (credit !== 0) row(familyId).credit += credit;
  const totals = { ...emptyBuckets(), outstanding: 0, credit: 0, net: 0 };
  const list = [...rows.values()];
  for (const r of list) {
    r.net = r.outstanding - r.credit;
    r.invoices.sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
    for (const b of AGING_BUCKETS) totals[b] += r.buckets[b];
    totals.outstanding += r.outstanding;
    totals.credit += r.credit;
  }
  totals.net = totals.outstanding - totals.credit;
  list.sort((a, b) => b.outstanding - a.outstanding || (a.familyId < b.familyId ? -1 : 1));
  return { asOf, rows: list, totals };
}
