/**
 * Corrections and refunds, the way accounting software does them (docs/billing.md "Corrections
 * and refunds"). History is kept: issued invoices never change, and every correction is its own
 * record, synced like any other and governed by the server rules.
 *
 * - EDIT a payment (amount, date, method, reference, notes, allocation) while it is the latest
 *   word on that money: nothing refers to it yet (no reversal, no refund taken out of it). The
 *   values it replaces are kept on the payment (`revisions`).
 * - REVERSE a payment or a refund with a reason (a bounced cheque, a payment entered twice): a
 *   `reversal` record, dated, whose id is derived from the reversed record so that two laptops
 *   reversing it offline write one document. The reversed record is left exactly as it was.
 * - REFUND the family's credit (an overpayment, or what a credit note freed): a `refund` record
 *   that says which payments' unallocated money it pays back.
 * - PARTIAL CREDIT NOTE against chosen lines (in full or in part) or an amount spread over the
 *   lines: a credit note in the CN series that does not void the invoice; it lowers what the
 *   invoice still owes, and money already paid beyond the new balance becomes family credit.
 *
 * `checkMoneyRecords` lists what a person must look at after sync (a reversal whose payment was
 * edited on another laptop, credit refunded twice, …). Pure.
 */
import { stampChange, type ChangeContext } from '../model/meta';
import type { BillingClaim, Invoice, InvoiceLine, Payment, PaymentMethod, PaymentRevision, RefundSource } from '../model/types';
import { claimsOfInvoice } from './claims';
import { assertIsoDate, formatDate } from './dates';
import { creditNoteFromLines, paidByInvoice, type IssueArgs } from './lifecycle';
import { BillingError } from './errors';
import { allocateLargestRemainder, assertMinor, formatMoney, mulDivRoundHalfEven } from '../money';
import { createNumberAllocator } from './numbering';
import {
  allocatePayment,
  allocatedAmount,
  availableCredit,
  familyCredit,
  livePayments,
  validatePaymentInput,
  type AllocationTarget,
  type PaymentInput,
} from './payments';
import { creditedByInvoice, creditedByLine, liveRecords, recordKind, refundedByPayment, reversalId, reversedIds } from './records';
import { HARD_LIMITS } from './sanity';
import { lineGross, taxOf } from './totals';

/** An amount for a message, in the practice locale when known. */
function fmt(amount: number, currency: string, locale = 'en-GB'): string {
  return formatMoney({ amount, currency }, locale);
}

/** A business date for a message, in the practice locale when known: "2 Mar 2026", never "2026-03-02". */
function day(date: string, locale = 'en-GB'): string {
  return formatDate(date, locale);
}

// ───────────────────────────── Editing a payment ─────────────────────────────

export type Editability = { editable: true } | { editable: false; reason: string };

/**
 * Whether a record may still be edited in place: only a payment, and only while it is the latest
 * word on that money (no reversal names it, no live refund takes money out of it). Otherwise it
 * is corrected by a reversal and a new record.
 */
export function paymentEditability(payment: Payment, records: readonly Payment[], locale?: string): Editability {
  const kind = recordKind(payment);
  if (kind !== 'payment') {
    return { editable: false, reason: `A ${kind} is not edited: reverse it${kind === 'refund' ? ' and record the refund again' : ''}.` };
  }
  const reversal = records.find((r) => r.kind === 'reversal' && r.reverses === payment.id);
  if (reversal)
    return { editable: false, reason: `This payment was reversed on ${day(reversal.date, locale)}: record a new payment instead.` };
  const refunds = liveRecords(records).filter(
    (r) => r.kind === 'refund' && (r.refundSources ?? []).some((s) => s.paymentId === payment.id),
  );
  if (refunds.length > 0) {
    return {
      editable: false,
      reason: `Part of this payment was refunded on ${refunds.map((r) => day(r.date, locale)).join(', ')}: reverse the refund first, or reverse this payment and record it again.`,
    };
  }
  return { editable: true };
}

export interface PaymentEdit {
  amount?: number;
  date?: string;
  method?: PaymentMethod;
  reference?: string;
  notes?: string;
  /** New allocation; omitted = kept when it still fits, else redone oldest first. */
  targets?: AllocationTarget[];
  /** Why it was changed ("typed 450 for 45"); kept in the revision. */
  reason?: string;
}

/** Field errors of an edit, as the payment form shows them ({} = valid). */
export function validatePaymentEdit(payment: Payment, edit: PaymentEdit): Partial<Record<keyof PaymentInput | 'reason', string>> {
  const errors: Partial<Record<keyof PaymentInput | 'reason', string>> = validatePaymentInput({
    familyId: payment.familyId,
    date: edit.date ?? payment.date,
    amount: edit.amount ?? payment.amount,
    method: edit.method ?? payment.method,
    reference: edit.reference ?? payment.reference,
  });
  if ((edit.amount ?? payment.amount) > HARD_LIMITS.amountMax) errors.amount = 'That amount is larger than any tutoring practice charges';
  if ((edit.reason ?? '').length > 500) errors.reason = 'The reason is too long (500 characters at most)';
  if ((payment.revisions?.length ?? 0) >= HARD_LIMITS.paymentRevisionsMax)
    errors.amount = 'This payment has been edited too many times: reverse it and record it again';
  return errors;
}

/**
 * Edits a payment that is still the latest word (`paymentEditability`), keeping the values it
 * replaces in `revisions`. Returns the stamped payment to write. Throws BillingError when the
 * payment may not be edited or the new values are invalid.
 */
export function editPayment(
  payment: Payment,
  edit: PaymentEdit,
  args: { invoices: Iterable<Invoice>; payments: readonly Payment[]; ctx: ChangeContext },
): Payment {
  const can = paymentEditability(payment, args.payments);
  if (!can.editable) throw new BillingError('not_editable', can.reason);
  const errors = validatePaymentEdit(payment, edit);
  const first = Object.values(errors)[0];
  if (first) throw new BillingError('invalid_payment', first);
  const next: Payment = {
    ...payment,
    amount: edit.amount ?? payment.amount,
    date: edit.date ?? payment.date,
    method: edit.method ?? payment.method,
    reference: (edit.reference ?? payment.reference).trim(),
    notes: edit.notes ?? payment.notes,
  };
  const others = args.payments.filter((p) => p.id !== payment.id);
  const invoices = [...args.invoices];
  if (edit.targets) {
    next.allocations = allocatePayment(next, { invoices, payments: others, targets: edit.targets }).allocations;
  } else if (allocatedAmount(payment) > next.amount) {
    next.allocations = allocatePayment(next, { invoices, payments: others }).allocations;
  }
  const changed =
    (['amount', 'date', 'method', 'reference', 'notes'] as const).some((k) => next[k] !== payment[k]) ||
    JSON.stringify(next.allocations) !== JSON.stringify(payment.allocations);
  if (!changed) return payment;
  const revision: PaymentRevision = {
    amount: payment.amount,
    date: payment.date,
    method: payment.method,
    reference: payment.reference,
    allocations: payment.allocations,
    notes: payment.notes,
    revisedAt: args.ctx.now.toISOString(),
    revisedBy: args.ctx.staffId,
    deviceId: args.ctx.deviceId,
    reason: (edit.reason ?? '').trim(),
  };
  const { id: _i, createdAt: _c, updatedAt: _u, updatedBy: _b, deviceId: _d, fieldClock: _f, ...values } = next;
  return stampChange<Payment>(payment, { ...values, revisions: [...(payment.revisions ?? []), revision] }, args.ctx, () => payment.id);
}

/**
 * Sync conflict rule for the payments collection's `revisions` field: both laptops' edits are kept
 * (the union, oldest first), where a field-by-field merge would keep one side's list only.
 */
export function mergePaymentRevisions(
  a: readonly PaymentRevision[] | undefined,
  b: readonly PaymentRevision[] | undefined,
): PaymentRevision[] {
  const seen = new Map<string, PaymentRevision>();
  for (const r of [...(a ?? []), ...(b ?? [])]) seen.set(`${r.revisedAt}|${r.deviceId}|${r.revisedBy}`, r);
  return [...seen.values()].sort((x, y) =>
    x.revisedAt < y.revisedAt ? -1 : x.revisedAt > y.revisedAt ? 1 : x.deviceId < y.deviceId ? -1 : 1,
  );
}

// ───────────────────────────── Reversals ─────────────────────────────

export interface ReverseArgs {
  /** The family's money records (to see what already refers to the target). */
  payments: readonly Payment[];
  /** Why: printed in the ledger, the statement and the CSV. */
  reason: string;
  /** YYYY-MM-DD the reversal happened (the bounce, the correction). */
  date: string;
  ctx: ChangeContext;
  /** Reverse a payment even though a refund was taken out of it (the family then owes that refund). */
  evenIfRefunded?: boolean;
  /** For amounts in messages. */
  locale?: string;
}

/**
 * The reversal of a payment or a refund: one new record (id `reversal:<id>`), nothing rewritten.
 * The reversed record then counts for nothing: its allocations no longer pay the invoices, its
 * unallocated money is no longer credit, a reversed refund gives the credit back.
 */
export function reverseRecord(target: Payment, args: ReverseArgs): Payment {
  const kind = recordKind(target);
  if (kind === 'reversal')
    throw new BillingError('reverse_reversal', 'A reversal cannot be reversed: record the payment or refund again instead');
  const reason = args.reason.trim();
  if (!reason) throw new BillingError('reason_required', `Give a reason for reversing the ${kind}`);
  if (reason.length > 500) throw new BillingError('reason_too_long', 'The reason is too long (500 characters at most)');
  assertIsoDate(args.date, 'reversal date');
  if (args.date < target.date)
    throw new BillingError('reversal_before_record', `The reversal cannot be dated before the ${kind} (${day(target.date, args.locale)})`);
  if (reversedIds(args.payments).has(target.id)) throw new BillingError('already_reversed', `This ${kind} is already reversed`);
  if (kind === 'payment' && !args.evenIfRefunded) {
    const refunded = refundedByPayment(args.payments).get(target.id) ?? 0;
    if (refunded > 0) {
      throw new BillingError(
        'refunded',
        `${fmt(refunded, target.currency, args.locale)} of this payment was refunded: reverse the refund first, or confirm that the family now owes it`,
      );
    }
  }
  return stampChange<Payment>(
    undefined,
    {
      id: reversalId(target.id),
      kind: 'reversal',
      reverses: target.id,
      reason,
      familyId: target.familyId,
      date: args.date,
      amount: target.amount,
      currency: target.currency,
      method: target.method,
      reference: target.reference,
      allocations: [],
      notes: '',
    },
    args.ctx,
    () => reversalId(target.id),
  );
}

// ───────────────────────────── Refunds ─────────────────────────────

export interface RefundInput {
  familyId: string;
  /** Minor units, > 0, at most the family's credit. */
  amount: number;
  date: string;
  method: PaymentMethod;
  reference: string;
  reason: string;
  /** Which payments' unallocated money is paid back; omitted = the newest payments first. */
  sources?: RefundSource[];
}

/** The unallocated, unrefunded money of each live payment of the family, newest payment first. */
export function refundablePayments(familyId: string, records: readonly Payment[]): { payment: Payment; available: number }[] {
  const refunded = refundedByPayment(records);
  return livePayments(familyId, records)
    .map((payment) => ({ payment, available: availableCredit(payment, refunded) }))
    .filter((x) => x.available > 0)
    .sort((a, b) =>
      a.payment.date > b.payment.date ? -1 : a.payment.date < b.payment.date ? 1 : a.payment.createdAt > b.payment.createdAt ? -1 : 1,
    );
}

/**
 * A refund of the family's credit (an overpayment, or money a credit note freed). Refused above
 * the credit: a practice never pays back more than it holds. Returns the refund record to write.
 */
export function refundCredit(
  input: RefundInput,
  args: { payments: readonly Payment[]; currency: string; ctx: ChangeContext; newId: () => string; locale?: string },
): Payment {
  const m = (amount: number) => fmt(amount, args.currency, args.locale);
  const errors = validatePaymentInput({
    familyId: input.familyId,
    date: input.date,
    amount: input.amount,
    method: input.method,
    reference: input.reference,
  });
  const first = Object.values(errors)[0];
  if (first) throw new BillingError('invalid_refund', first);
  const reason = input.reason.trim();
  if (!reason) throw new BillingError('reason_required', 'Give a reason for the refund');
  const credit = familyCredit(input.familyId, args.payments);
  if (input.amount > credit)
    throw new BillingError('refund_above_credit', `The family's credit is ${m(Math.max(credit, 0))}: a refund cannot be more`);
  const available = refundablePayments(input.familyId, args.payments);
  let sources: RefundSource[];
  if (input.sources) {
    const byId = new Map(available.map((a) => [a.payment.id, a.available]));
    let sum = 0;
    for (const s of input.sources) {
      assertMinor(s.amount, 'refund source');
      if (s.amount <= 0) throw new BillingError('invalid_refund', 'Each part of a refund must be more than zero');
      const max = byId.get(s.paymentId);
      if (max === undefined) throw new BillingError('invalid_refund', 'That payment has no credit left to refund');
      if (s.amount > max) throw new BillingError('invalid_refund', `That payment has only ${m(max)} left to refund`);
      sum += s.amount;
    }
    if (sum !== input.amount) throw new BillingError('invalid_refund', 'The parts of the refund do not add up to its amount');
    sources = input.sources.map((s) => ({ ...s }));
  } else {
    sources = [];
    let left = input.amount;
    for (const a of available) {
      if (left <= 0) break;
      const take = Math.min(left, a.available);
      sources.push({ paymentId: a.payment.id, amount: take });
      left -= take;
    }
    if (left > 0) throw new BillingError('refund_above_credit', 'There is not enough unallocated money to refund');
  }
  return stampChange<Payment>(
    undefined,
    {
      kind: 'refund',
      reason,
      refundSources: sources,
      familyId: input.familyId,
      date: input.date,
      amount: input.amount,
      currency: args.currency,
      method: input.method,
      reference: input.reference.trim(),
      allocations: [],
      notes: '',
    },
    args.ctx,
    args.newId,
  );
}

// ───────────────────────────── Partial credit notes ─────────────────────────────

export interface CreditableLine {
  lineId: string;
  description: string;
  /** What is left to credit, in the line's own terms (net for none/exclusive, gross for inclusive). */
  remainingAmount: number;
  remainingTax: number;
  /** Gross (tax included): what crediting the rest takes off the family's balance. */
  remainingGross: number;
}

/** The lines of an issued invoice that can still be credited, with what is left of each. */
export function creditableLines(invoice: Invoice, invoices: Iterable<Invoice>): CreditableLine[] {
  // A void invoice's own credit note credits what was left: nothing is creditable after it.
  if (invoice.status === 'void') return [];
  const credited = creditedByLine(invoice.id, invoices);
  const out: CreditableLine[] = [];
  for (const line of invoice.lines) {
    if (line.amount <= 0) continue;
    const c = credited.get(line.id) ?? { amount: 0, tax: 0 };
    const remaining = { amount: line.amount - c.amount, taxAmount: line.taxAmount - c.tax };
    const remainingGross = lineGross(remaining, invoice.taxMode);
    if (remainingGross <= 0) continue;
    out.push({
      lineId: line.id,
      description: line.description,
      remainingAmount: remaining.amount,
      remainingTax: remaining.taxAmount,
      remainingGross,
    });
  }
  return out;
}

export interface PartialCreditInput {
  /** Lines to credit: in full (no amount) or a gross amount of each. */
  lines?: { lineId: string; amount?: number }[];
  /** Or an amount (gross, tax included) spread over the lines in proportion to what is left of each. */
  amount?: number;
  /** Why: printed on the credit note. */
  reason: string;
  /** Release the billing claims of lines credited in full, so those lessons can be billed again. */
  rebill?: boolean;
}

export interface PartialCreditResult {
  creditNote: Invoice;
  /** Payments whose allocation to the invoice was cut to the new balance (the rest is family credit). */
  payments: Payment[];
  /** Claims to delete (only with `rebill`). */
  releasedClaims: BillingClaim[];
}

/** −x without a negative zero (stored documents never hold -0). */
const neg = (x: number) => (x === 0 ? 0 : -x);

/** A gross part of a line → the credit line's amount and tax (negated), exact when it is the rest. */
function creditPart(c: CreditableLine, gross: number, inv: Pick<Invoice, 'taxMode' | 'taxRateBp'>): { amount: number; tax: number } {
  if (gross === c.remainingGross) return { amount: neg(c.remainingAmount), tax: neg(c.remainingTax) };
  if (inv.taxMode === 'exclusive' && inv.taxRateBp > 0) {
    // Net part of the gross, rounded half to even; the tax is the rest, so net + tax = gross exactly.
    const net = mulDivRoundHalfEven(gross, 10_000, 10_000 + inv.taxRateBp);
    return { amount: neg(net), tax: neg(gross - net) };
  }
  return { amount: neg(gross), tax: neg(taxOf(gross, inv.taxMode, inv.taxRateBp)) };
}

/**
 * A partial credit note for an issued invoice: against chosen lines (each in full or in part) or
 * an amount spread over the lines (largest remainder, in proportion to what is left of each). It
 * is numbered at once in the CN series, stores negated amounts like every credit note, names each
 * credited line (`creditsLineId`), and leaves the invoice untouched: the invoice's balance falls
 * by the credit note's total. When payments already cover more than the new balance, their
 * allocations to the invoice are cut (latest payment first) and that money becomes family credit,
 * which can be refunded (`refundCredit`).
 */
export function createPartialCreditNote(
  invoice: Invoice,
  input: PartialCreditInput,
  args: IssueArgs & { newId: () => string; payments: readonly Payment[]; claims?: Iterable<BillingClaim>; locale?: string },
): PartialCreditResult {
  const m = (amount: number) => fmt(amount, invoice.currency, args.locale);
  if (invoice.kind !== 'invoice' || invoice.status !== 'issued')
    throw new BillingError('not_issued', 'Only an issued invoice can be credited');
  const reason = input.reason.trim();
  if (!reason) throw new BillingError('reason_required', 'Give a reason for the credit note');
  if (!!input.lines === (input.amount !== undefined))
    throw new BillingError('invalid_credit', 'Choose lines to credit, or an amount — not both');
  assertIsoDate(args.issueDate, 'issue date');
  const invoices = [...args.invoices];
  const creditable = creditableLines(invoice, invoices);
  const byId = new Map(creditable.map((c) => [c.lineId, c]));
  const alreadyCredited = creditedByInvoice(invoices).get(invoice.id) ?? 0;
  const room = invoice.total - alreadyCredited;

  const parts: { c: CreditableLine; gross: number }[] = [];
  if (input.lines) {
    if (input.lines.length === 0) throw new BillingError('invalid_credit', 'Choose at least one line to credit');
    const seen = new Set<string>();
    for (const l of input.lines) {
      const c = byId.get(l.lineId);
      if (!c)
        throw new BillingError(
          'invalid_credit',
          invoice.lines.some((x) => x.id === l.lineId) ? 'That line is already fully credited' : 'That line is not on this invoice',
        );
      if (seen.has(l.lineId)) throw new BillingError('invalid_credit', 'A line is chosen twice');
      seen.add(l.lineId);
      const gross = l.amount ?? c.remainingGross;
      assertMinor(gross, 'credit amount');
      if (gross <= 0) throw new BillingError('invalid_credit', 'Credit an amount greater than zero');
      if (gross > c.remainingGross)
        throw new BillingError('credit_above_line', `"${c.description}" has only ${m(c.remainingGross)} left to credit`);
      parts.push({ c, gross });
    }
  } else {
    const amount = input.amount!;
    assertMinor(amount, 'credit amount');
    if (amount <= 0) throw new BillingError('invalid_credit', 'Credit an amount greater than zero');
    if (creditable.length === 0) throw new BillingError('invalid_credit', 'Nothing is left to credit on this invoice');
    const left = Math.min(
      room,
      creditable.reduce((s, c) => s + c.remainingGross, 0),
    );
    if (amount > left) throw new BillingError('credit_above_invoice', `${invoice.number} has only ${m(left)} left to credit`);
    const shares = allocateLargestRemainder(
      amount,
      creditable.map((c) => c.remainingGross),
    );
    creditable.forEach((c, i) => {
      if ((shares[i] ?? 0) > 0) parts.push({ c, gross: shares[i]! });
    });
  }
  const gross = parts.reduce((s, p) => s + p.gross, 0);
  if (gross > room) throw new BillingError('credit_above_invoice', `${invoice.number} has only ${m(room)} left to credit`);

  const original = new Map(invoice.lines.map((l) => [l.id, l]));
  const lines: InvoiceLine[] = parts.map(({ c, gross: g }) => {
    const src = original.get(c.lineId)!;
    const { amount, tax } = creditPart(c, g, invoice);
    return {
      id: args.newId(),
      kind: src.kind,
      description: src.description,
      quantityMilli: 1000,
      unitAmount: amount,
      durationMinutes: 0,
      discountAmount: 0,
      invoiceDiscountShare: 0,
      amount,
      taxAmount: tax,
      occurrenceIds: [],
      studentId: src.studentId,
      packageId: '',
      serviceDate: src.serviceDate,
      tutorId: src.tutorId,
      subject: src.subject,
      creditsLineId: src.id,
    };
  });
  const n = createNumberAllocator(invoices).allocate({
    kind: 'credit_note',
    issueDate: args.issueDate,
    deviceCode: args.deviceCode,
    invoicePrefix: args.settings.billing.invoicePrefix,
  });
  const creditNote = creditNoteFromLines(invoice, lines, n, args, reason);
  const total = creditNote.total;

  // Money already paid beyond the new balance goes back to the family's credit.
  const paid = paidByInvoice(args.payments).get(invoice.id) ?? 0;
  const creditedAfter = alreadyCredited - total; // the credit note's total is negative
  let excess = paid + creditedAfter - invoice.total;
  const changed: Payment[] = [];
  if (excess > 0) {
    const paying = livePayments(invoice.familyId, args.payments)
      .filter((p) => p.allocations.some((a) => a.invoiceId === invoice.id))
      .sort((a, b) => (a.date > b.date ? -1 : a.date < b.date ? 1 : a.createdAt > b.createdAt ? -1 : 1));
    for (const p of paying) {
      if (excess <= 0) break;
      const allocations = p.allocations
        .map((a) => {
          if (a.invoiceId !== invoice.id || excess <= 0) return a;
          const cut = Math.min(excess, a.amount);
          excess -= cut;
          return { ...a, amount: a.amount - cut };
        })
        .filter((a) => a.amount > 0);
      changed.push(stampChange<Payment>(p, { ...p, allocations }, args.ctx, () => p.id));
    }
  }

  let releasedClaims: BillingClaim[] = [];
  if (input.rebill && args.claims) {
    const fully = new Set(parts.filter((p) => p.gross === p.c.remainingGross).map((p) => p.c.lineId));
    const items = new Set(invoice.lines.filter((l) => fully.has(l.id)).flatMap((l) => l.occurrenceIds.map((o) => `${o}#${l.studentId}`)));
    releasedClaims = claimsOfInvoice(invoice.id, args.claims).filter((c) => items.has(c.id));
  }
  return { creditNote, payments: changed, releasedClaims };
}

// ───────────────────────────── Checks after sync ─────────────────────────────

export type MoneyFindingCode =
  | 'reversal_target_missing'
  | 'reversal_amount_changed'
  | 'reversed_twice'
  | 'reversal_of_reversal'
  | 'refund_of_reversed_payment'
  | 'over_refunded'
  | 'over_allocated'
  | 'invoice_overpaid';

export interface MoneyFinding {
  code: MoneyFindingCode;
  /** The records and invoices concerned. */
  recordIds: string[];
  familyId: string;
  message: string;
}

/** How the messages of `checkMoneyRecords` write amounts (the locale) and dates (default: as stored, YYYY-MM-DD). */
export interface MoneyFindingFormat {
  locale?: string;
  /** A business date (YYYY-MM-DD) in the practice locale: "3 Feb 2026". */
  date?: (isoDate: string) => string;
}

/**
 * What a person must look at in the money records after sync (nothing here is repaired
 * silently): a reversal of a record that is not there (yet) or was edited on another laptop
 * after being reversed, the same record reversed twice, credit refunded more than once, payments
 * allocated beyond their amount, invoices paid and credited beyond their total.
 */
export function checkMoneyRecords(
  records: readonly Payment[],
  invoices: readonly Invoice[],
  format?: string | MoneyFindingFormat,
): MoneyFinding[] {
  const locale = typeof format === 'string' ? format : format?.locale;
  const d = (typeof format === 'object' && format.date) || ((iso: string) => day(iso, locale));
  const out: MoneyFinding[] = [];
  const byId = new Map(records.map((p) => [p.id, p]));
  const reversalsOf = new Map<string, Payment[]>();
  for (const r of records) {
    if (r.kind !== 'reversal') continue;
    const target = r.reverses ? byId.get(r.reverses) : undefined;
    if (!target) {
      out.push({
        code: 'reversal_target_missing',
        recordIds: [r.id],
        familyId: r.familyId,
        message: `The reversal of ${d(r.date)} names a payment or refund that this laptop does not have (yet): it may still be on its way from another laptop.`,
      });
      continue;
    }
    if (recordKind(target) === 'reversal') {
      out.push({
        code: 'reversal_of_reversal',
        recordIds: [r.id, target.id],
        familyId: r.familyId,
        message: `The record of ${d(r.date)} reverses a reversal; record the payment again instead.`,
      });
    }
    if (target.amount !== r.amount) {
      out.push({
        code: 'reversal_amount_changed',
        recordIds: [r.id, target.id],
        familyId: r.familyId,
        message: `The ${recordKind(target)} of ${d(target.date)} was reversed for ${fmt(r.amount, r.currency, locale)} but is now ${fmt(target.amount, target.currency, locale)}: it was edited on another laptop. The whole ${recordKind(target)} counts as reversed; check that this is right.`,
      });
    }
    reversalsOf.set(target.id, [...(reversalsOf.get(target.id) ?? []), r]);
  }
  for (const [targetId, list] of reversalsOf) {
    if (list.length > 1)
      out.push({
        code: 'reversed_twice',
        recordIds: [targetId, ...list.map((r) => r.id)],
        familyId: list[0]!.familyId,
        message: `A record is reversed ${list.length} times; it counts as reversed once. Remove the extra reversals.`,
      });
  }
  const reversed = reversedIds(records);
  const refunded = refundedByPayment(records);
  for (const r of liveRecords(records)) {
    if (r.kind !== 'refund') continue;
    for (const s of r.refundSources ?? []) {
      if (reversed.has(s.paymentId)) {
        out.push({
          code: 'refund_of_reversed_payment',
          recordIds: [r.id, s.paymentId],
          familyId: r.familyId,
          message: `The refund of ${d(r.date)} paid back money from a payment that was later reversed: the family owes that refund.`,
        });
      }
    }
  }
  for (const p of livePayments(null, records)) {
    const left = availableCredit(p, refunded);
    if (left < 0) {
      const taken = refunded.get(p.id) ?? 0;
      out.push({
        code: taken > 0 && allocatedAmount(p) <= p.amount ? 'over_refunded' : 'over_allocated',
        recordIds: [p.id],
        familyId: p.familyId,
        message:
          taken > 0
            ? `The payment of ${d(p.date)} was allocated and refunded beyond its amount by ${fmt(-left, p.currency, locale)}: probably refunded on two laptops while offline.`
            : `The payment of ${d(p.date)} is allocated beyond its amount by ${fmt(-left, p.currency, locale)}.`,
      });
    }
  }
  const paid = paidByInvoice(records);
  const credited = creditedByInvoice(invoices);
  for (const inv of invoices) {
    if (inv.kind !== 'invoice' || inv.status !== 'issued') continue;
    const over = (paid.get(inv.id) ?? 0) + (credited.get(inv.id) ?? 0) - inv.total;
    if (over > 0)
      out.push({
        code: 'invoice_overpaid',
        recordIds: [inv.id],
        familyId: inv.familyId,
        message: `${inv.number} is paid and credited beyond its total by ${fmt(over, inv.currency, locale)}: move that money to the family's credit.`,
      });
  }
  return out;
}
