/**
 * Invoice lifecycle (docs/billing.md "Lifecycle"):
 *
 *   draft ──issue──▶ issued ──(payments)──▶ partially paid ──▶ paid        (derived, not stored)
 *                      │  └─ overdue: balance > 0 and today > due date     (derived)
 *                      └──void via credit note──▶ void  (+ a credit_note document referencing it)
 *
 * Stored `status` is only draft | issued | void; payment states are derived from payment
 * allocations by `invoiceStanding`. Once issued, an invoice is immutable: `checkInvoiceChange`
 * lists what a proposed change would alter and `updateInvoice` refuses it.
 */
import { stampChange, type ChangeContext } from '../model/meta';
import type { BillingClaim, Invoice, InvoiceLine, Payment, PracticeSettings } from '../model/types';
import { claimsOfInvoice } from './claims';
import { addDays, assertIsoDate, daysBetween } from './dates';
import { assertDraft, type InvoiceValues } from './drafts';
import { BillingError } from './errors';
import { createNumberAllocator } from './numbering';
import { checkTotals, computeInvoiceTotals } from './totals';
import { creditedByLine, liveRecords, recordKind, type MoneyRecord } from './records';

/** Fields frozen once an invoice (or credit note) is issued. */
export const IMMUTABLE_AFTER_ISSUE = [
  'kind',
  'familyId',
  'number',
  'currency',
  'periodStart',
  'periodEnd',
  'issueDate',
  'dueDate',
  'lines',
  'invoiceDiscountAmount',
  'taxMode',
  'taxRateBp',
  'taxLabel',
  'subtotal',
  'taxTotal',
  'total',
  'creditNoteFor',
  'issuedAt',
  'issuedBy',
  'issuedDeviceId',
  'sequenceKey',
  'sequence',
  'notes',
] as const satisfies readonly (keyof Invoice)[];

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The reasons a change from `prev` to `next` is not allowed ([] = allowed). Drafts may change
 * freely (but not their kind, and becoming 'issued' needs a number); issued invoices may only
 * become void with `voidedBy` set; void invoices and credit notes never change.
 */
/**
 * A merge of two families or two students (src-shared/students/merge.ts) re-points the records
 * that name the duplicate, issued invoices included: only the family id and the lines' student ids
 * change, never an amount, a description, a date or a number. `opts.merge` allows exactly that.
 */
export interface ReferenceRewrite {
  kind: 'family' | 'student';
  from: string;
  to: string;
}

/** `next` with the merge's rewrite undone, position by position (to compare with `prev`). */
function undoRewrite(prev: Invoice, next: InvoiceValues | Invoice, r: ReferenceRewrite): InvoiceValues | Invoice {
  if (r.kind === 'family') return prev.familyId === r.from && next.familyId === r.to ? { ...next, familyId: r.from } : next;
  return {
    ...next,
    lines: next.lines.map((l, i) => (prev.lines[i]?.studentId === r.from && l.studentId === r.to ? { ...l, studentId: r.from } : l)),
  };
}

export function checkInvoiceChange(prev: Invoice, next: InvoiceValues | Invoice, opts: { merge?: ReferenceRewrite } = {}): string[] {
  const problems: string[] = [];
  if (prev.kind !== next.kind) problems.push('kind cannot change');
  if (prev.status === 'draft') {
    if (next.status === 'void') problems.push('a draft is deleted, not voided');
    if (next.status === 'issued' && (!next.number || !next.issueDate || !next.dueDate))
      problems.push('issue a draft with issueInvoice (number and dates are missing)');
    return problems;
  }
  if (opts.merge) next = undoRewrite(prev, next, opts.merge);
  for (const field of IMMUTABLE_AFTER_ISSUE) {
    if (!same(prev[field], next[field]))
      problems.push(`${field} cannot change after the ${prev.kind === 'credit_note' ? 'credit note' : 'invoice'} is issued`);
  }
  if (prev.status === 'issued') {
    if (next.status === 'draft') problems.push('an issued invoice cannot go back to draft');
    if (next.status === 'void') {
      if (prev.kind === 'credit_note') problems.push('a credit note cannot be voided');
      if (!next.voidedBy) problems.push('an invoice is voided only by a credit note (voidedBy is empty)');
    } else if (next.voidedBy !== prev.voidedBy) problems.push('voidedBy is set only when voiding');
  } else if (prev.status === 'void') {
    if (next.status !== 'void' || next.voidedBy !== prev.voidedBy) problems.push('a void invoice cannot change');
  }
  return problems;
}

export class ImmutableInvoiceError extends BillingError {
  constructor(public readonly problems: string[]) {
    super('immutable_invoice', `This change is not allowed: ${problems.join('; ')}`);
    this.name = 'ImmutableInvoiceError';
  }
}

/** Throws ImmutableInvoiceError unless `checkInvoiceChange` allows the change. */
export function assertInvoiceChangeAllowed(prev: Invoice, next: InvoiceValues | Invoice, opts: { merge?: ReferenceRewrite } = {}): void {
  const problems = checkInvoiceChange(prev, next, opts);
  if (problems.length) throw new ImmutableInvoiceError(problems);
}

/** The one way to write an invoice change: checks immutability, then stamps the new version. */
export function updateInvoice(
  prev: Invoice,
  next: InvoiceValues | Invoice,
  ctx: ChangeContext,
  opts: { merge?: ReferenceRewrite } = {},
): Invoice {
  assertInvoiceChangeAllowed(prev, next, opts);
  if (next.status === 'draft') {
    const recomputed = computeInvoiceTotals(next);
    return stampChange<Invoice>(prev, stripMeta(recomputed), ctx, () => prev.id);
  }
  return stampChange<Invoice>(prev, stripMeta(next), ctx, () => prev.id);
}

function stripMeta(v: InvoiceValues | Invoice): InvoiceValues {
  const { id: _i, createdAt: _c, updatedAt: _u, updatedBy: _b, deviceId: _d, fieldClock: _f, ...rest } = v as Invoice;
  return rest;
}

export interface IssueArgs {
  /** YYYY-MM-DD in the practice time zone (today, usually). */
  issueDate: string;
  /** This laptop's device code (numbering.chooseDeviceCode). */
  deviceCode: string;
  /** Every invoice and credit note this laptop has (for the next sequence number). */
  invoices: Iterable<Invoice>;
  settings: Pick<PracticeSettings, 'billing'>;
  ctx: ChangeContext;
}

/**
 * Issues drafts: number, issue date, due date (issue date + payment terms), issuer; totals are
 * recomputed and checked. All drafts share one number allocator, so numbers are consecutive.
 */
export function issueInvoices(drafts: readonly Invoice[], args: IssueArgs): Invoice[] {
  assertIsoDate(args.issueDate, 'issue date');
  const allocator = createNumberAllocator(args.invoices);
  const dueDate = addDays(args.issueDate, args.settings.billing.paymentTermsDays);
  return drafts.map((draft) => {
    assertDraft(draft);
    if (draft.lines.length === 0) throw new BillingError('empty_invoice', 'An invoice needs at least one line');
    const recomputed = computeInvoiceTotals(draft);
    if (recomputed.total < 0)
      throw new BillingError('negative_total', 'The invoice total is negative: reduce the credits or issue a credit note instead');
    const n = allocator.allocate({
      kind: 'invoice',
      issueDate: args.issueDate,
      deviceCode: args.deviceCode,
      invoicePrefix: args.settings.billing.invoicePrefix,
    });
    const next: InvoiceValues = {
      ...stripMeta(recomputed),
      status: 'issued',
      number: n.number,
      sequenceKey: n.sequenceKey,
      sequence: n.sequence,
      issueDate: args.issueDate,
      dueDate,
      issuedAt: args.ctx.now.toISOString(),
      issuedBy: args.ctx.staffId,
      issuedDeviceId: args.ctx.deviceId,
    };
    return stampChange<Invoice>(draft, next, args.ctx, () => draft.id);
  });
}

export function issueInvoice(draft: Invoice, args: IssueArgs): Invoice {
  return issueInvoices([draft], args)[0]!;
}

const neg = (x: number) => (x === 0 ? 0 : -x);

export interface VoidArgs extends IssueArgs {
  newId: () => string;
  /** Why it is voided: printed on the credit note. */
  reason: string;
  /** The family's payments: allocations to the voided invoice are released to family credit. */
  payments: readonly Payment[];
  /** Claims (any): the voided invoice's claims are returned for deletion so lessons can be re-billed. */
  claims: Iterable<BillingClaim>;
}

export interface VoidResult {
  creditNote: Invoice;
  invoice: Invoice;
  /** Payments whose allocation to the invoice was removed (the money becomes family credit). */
  payments: Payment[];
  /** Claims to delete: the lessons/fees can be billed again on a corrected invoice. */
  releasedClaims: BillingClaim[];
}

/**
 * A credit note for `invoice` made of `lines` (already negated), numbered `n`, issued now. Its
 * totals are the sums of its lines, so `checkTotals` holds by construction.
 */
export function creditNoteFromLines(
  invoice: Invoice,
  lines: InvoiceLine[],
  n: { number: string; sequenceKey: string; sequence: number },
  args: Pick<IssueArgs, 'issueDate' | 'ctx'> & { newId: () => string },
  notes: string,
): Invoice {
  const subtotal = lines.reduce((s, l) => s + l.amount, 0);
  const taxTotal = lines.reduce((s, l) => s + l.taxAmount, 0);
  const values: InvoiceValues = {
    kind: 'credit_note',
    familyId: invoice.familyId,
    status: 'issued',
    number: n.number,
    currency: invoice.currency,
    periodStart: invoice.periodStart,
    periodEnd: invoice.periodEnd,
    issueDate: args.issueDate,
    dueDate: args.issueDate,
    lines,
    invoiceDiscountAmount: lines.reduce((s, l) => s + l.invoiceDiscountShare, 0),
    taxMode: invoice.taxMode,
    taxRateBp: invoice.taxRateBp,
    taxLabel: invoice.taxLabel,
    subtotal,
    taxTotal,
    total: invoice.taxMode === 'exclusive' ? subtotal + taxTotal : subtotal,
    creditNoteFor: invoice.id,
    voidedBy: '',
    issuedAt: args.ctx.now.toISOString(),
    issuedBy: args.ctx.staffId,
    issuedDeviceId: args.ctx.deviceId,
    sequenceKey: n.sequenceKey,
    sequence: n.sequence,
    notes,
  };
  return stampChange<Invoice>(undefined, values, args.ctx, args.newId);
}

/** Builds the credit note that cancels an issued invoice in full (issued and numbered at once). */
export function createCreditNote(invoice: Invoice, args: IssueArgs & { newId: () => string; reason: string }): Invoice {
  if (invoice.kind !== 'invoice' || invoice.status !== 'issued') {
    throw new BillingError('not_issued', 'Only an issued invoice can be credited');
  }
  const problems = checkTotals(invoice);
  if (problems.length) throw new BillingError('inconsistent_invoice', `The invoice is inconsistent: ${problems.join('; ')}`);
  assertIsoDate(args.issueDate, 'issue date');
  const allInvoices = [...args.invoices];
  const n = createNumberAllocator(allInvoices).allocate({
    kind: 'credit_note',
    issueDate: args.issueDate,
    deviceCode: args.deviceCode,
    invoicePrefix: args.settings.billing.invoicePrefix,
  });
  // Partial credit notes issued before (corrections.ts) already credited part of some lines: the
  // void credits only what is left of each line, so the family is never credited twice.
  const partial = creditedByLine(invoice.id, allInvoices);
  const lines: InvoiceLine[] = [];
  for (const l of invoice.lines) {
    const c = partial.get(l.id);
    if (!c) {
      lines.push({
        ...l,
        id: args.newId(),
        quantityMilli: l.quantityMilli,
        unitAmount: neg(l.unitAmount),
        discountAmount: neg(l.discountAmount),
        invoiceDiscountShare: neg(l.invoiceDiscountShare),
        amount: neg(l.amount),
        taxAmount: neg(l.taxAmount),
      });
      continue;
    }
    const amount = l.amount - c.amount;
    const tax = l.taxAmount - c.tax;
    if (amount === 0 && tax === 0) continue;
    lines.push({
      ...l,
      id: args.newId(),
      quantityMilli: 1000,
      unitAmount: neg(amount),
      durationMinutes: 0,
      discountAmount: 0,
      invoiceDiscountShare: 0,
      amount: neg(amount),
      taxAmount: neg(tax),
      creditsLineId: l.id,
    });
  }
  return creditNoteFromLines(invoice, lines, n, args, args.reason.trim());
}

/**
 * Voids an issued invoice: creates its credit note, marks the invoice void (voidedBy = credit
 * note id), releases payment allocations to family credit and returns its claims for deletion.
 */
export function voidInvoice(invoice: Invoice, args: VoidArgs): VoidResult {
  if (!args.reason.trim()) throw new BillingError('reason_required', 'Give a reason for voiding the invoice');
  const creditNote = createCreditNote(invoice, args);
  const voided = updateInvoice(invoice, { ...invoice, status: 'void', voidedBy: creditNote.id }, args.ctx);
  const payments = args.payments
    .filter((p) => p.allocations.some((a) => a.invoiceId === invoice.id))
    .map((p) =>
      stampChange<Payment>(p, { ...p, allocations: p.allocations.filter((a) => a.invoiceId !== invoice.id) }, args.ctx, () => p.id),
    );
  return { creditNote, invoice: voided, payments, releasedClaims: claimsOfInvoice(invoice.id, args.claims) };
}

export type InvoiceDisplayStatus = 'draft' | 'issued' | 'partially_paid' | 'partly_credited' | 'paid' | 'overdue' | 'void' | 'credit_note';

/** The statuses of an issued invoice that still has a balance to pay. */
export const OPEN_STATUSES: readonly InvoiceDisplayStatus[] = ['issued', 'partially_paid', 'partly_credited', 'overdue'];

export interface InvoiceStanding {
  status: InvoiceDisplayStatus;
  /** Allocated payments, minor units. */
  paid: number;
  /** Partial credit notes against it (positive), minor units. */
  credited: number;
  /** total − paid − credited (0 for drafts, void invoices and credit notes); "paid" = settled. */
  balance: number;
  overdue: boolean;
  /** Days past the due date (0 when not overdue). */
  daysOverdue: number;
}

/**
 * Sum of payment allocations per invoice id. Reversed payments count for nothing (records.ts);
 * refunds and reversals allocate nothing.
 */
export function paidByInvoice(payments: Iterable<MoneyRecord>): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of liveRecords([...payments])) {
    if (recordKind(p) !== 'payment') continue;
    for (const a of p.allocations) out.set(a.invoiceId, (out.get(a.invoiceId) ?? 0) + a.amount);
  }
  return out;
}

/**
 * Derived payment state of an invoice on `asOf` (YYYY-MM-DD): paid (settled) when the allocations
 * and the partial credit notes (`credited`, from records.creditedByInvoice) cover the total;
 * partially paid when some payment is allocated; partly credited when nothing is paid but a
 * partial credit note lowers it (a credit is not a payment: "Partially paid" would tell the
 * family they paid); overdue when a balance remains after the due date (overdue takes precedence
 * over issued / partially paid / partly credited in `status`; `paid` and `credited` tell them apart).
 */
export function invoiceStanding(inv: Invoice, paid: number, asOf: string, credited = 0): InvoiceStanding {
  if (inv.kind === 'credit_note') return { status: 'credit_note', paid: 0, credited: 0, balance: 0, overdue: false, daysOverdue: 0 };
  if (inv.status === 'draft') return { status: 'draft', paid: 0, credited: 0, balance: 0, overdue: false, daysOverdue: 0 };
  if (inv.status === 'void') return { status: 'void', paid, credited: 0, balance: 0, overdue: false, daysOverdue: 0 };
  const balance = inv.total - paid - credited;
  if (balance <= 0) return { status: 'paid', paid, credited, balance, overdue: false, daysOverdue: 0 };
  const days = inv.dueDate ? daysBetween(inv.dueDate, asOf) : 0;
  if (days > 0) return { status: 'overdue', paid, credited, balance, overdue: true, daysOverdue: days };
  const status: InvoiceDisplayStatus = paid > 0 ? 'partially_paid' : credited > 0 ? 'partly_credited' : 'issued';
  return { status, paid, credited, balance, overdue: false, daysOverdue: 0 };
}

/**
 * Conflict resolution for the invoices collection (register it in the sync conflict handler):
 * field-by-field merging is wrong once an invoice is issued, because lines and totals must stay
 * together. Returns the version to keep, or null when both are drafts (use the normal field merge).
 *
 * - issued/void beats draft (the draft edits made after it was issued elsewhere are dropped);
 * - same number on both: void beats issued (a credit note exists for it);
 * - two different numbers (the same draft issued on two laptops offline): the earlier issue wins
 *   (ties: smaller device id); the other number is reported as unused (a gap in that series).
 */
export function resolveInvoiceConflict(a: Invoice, b: Invoice): { keep: Invoice; note: string; discardedNumber: string } | null {
  if (a.status === 'draft' && b.status === 'draft') return null;
  if (a.status === 'draft')
    return { keep: b, note: `kept the issued version ${b.number}; edits to the draft were discarded`, discardedNumber: '' };
  if (b.status === 'draft')
    return { keep: a, note: `kept the issued version ${a.number}; edits to the draft were discarded`, discardedNumber: '' };
  if (a.number === b.number) {
    if (a.status === 'void' && b.status !== 'void') return { keep: a, note: `${a.number} was voided`, discardedNumber: '' };
    if (b.status === 'void' && a.status !== 'void') return { keep: b, note: `${b.number} was voided`, discardedNumber: '' };
    return { keep: a.updatedAt >= b.updatedAt ? a : b, note: 'identical issued versions', discardedNumber: '' };
  }
  const order = a.issuedAt === b.issuedAt ? (a.issuedDeviceId <= b.issuedDeviceId ? -1 : 1) : a.issuedAt < b.issuedAt ? -1 : 1;
  const [keep, lose] = order < 0 ? [a, b] : [b, a];
  return {
    keep,
    note: `this invoice was issued on two laptops while offline as ${keep.number} and ${lose.number}; kept ${keep.number}, ${lose.number} is unused`,
    discardedNumber: lose.number,
  };
}
