/**
 * Building and editing draft invoices. Every edit returns a new invoice value with totals
 * recomputed (`computeInvoiceTotals`) and refuses anything that is not a draft: issued invoices
 * are immutable (see lifecycle.ts). The UI persists the result with `stampChange(previous, next)`.
 */
import type { SyncMeta } from '../model/meta';
import type { Invoice, InvoiceLine, InvoiceLineKind, PracticeSettings } from '../model/types';
import { lineClaimIds } from './claims';
import { assertIsoDate } from './dates';
import { BillingError } from './errors';
import { assertMinor } from '../money';
import { computeInvoiceTotals, lineBase } from './totals';

export type InvoiceValues = Omit<Invoice, keyof SyncMeta>;

/** A line with every field defaulted: quantity 1, no discount, no claims. */
export function makeLine(fields: Partial<InvoiceLine> & Pick<InvoiceLine, 'id' | 'kind' | 'description' | 'unitAmount'>): InvoiceLine {
  return {
    quantityMilli: 1000,
    durationMinutes: 0,
    discountAmount: 0,
    invoiceDiscountShare: 0,
    amount: 0,
    taxAmount: 0,
    occurrenceIds: [],
    studentId: '',
    packageId: '',
    serviceDate: '',
    tutorId: '',
    subject: '',
    ...fields,
  };
}

export interface ManualLineInput {
  /** 'manual' (books, fees…) or 'credit' (money off; enter a positive amount, stored negative). */
  kind: 'manual' | 'credit';
  description: string;
  /** Unit price in minor units (positive; a credit is negated for you). */
  unitAmount: number;
  /** Quantity in thousandths; default 1000 (= 1). */
  quantityMilli?: number;
  /** Line discount in minor units (manual lines only). */
  discountAmount?: number;
  studentId?: string;
  serviceDate?: string;
}

/** Validates a manual line or credit from the UI and turns it into an invoice line. */
export function manualLine(input: ManualLineInput, id: string): InvoiceLine {
  const description = input.description.trim();
  if (!description) throw new BillingError('description_required', 'Enter a description');
  assertMinor(input.unitAmount, 'amount');
  if (input.unitAmount <= 0) throw new BillingError('amount_not_positive', 'Enter an amount greater than zero');
  const quantityMilli = input.quantityMilli ?? 1000;
  assertMinor(quantityMilli, 'quantity');
  if (quantityMilli <= 0) throw new BillingError('quantity_not_positive', 'The quantity must be greater than zero');
  const discountAmount = input.discountAmount ?? 0;
  if (input.kind === 'credit' && discountAmount !== 0) throw new BillingError('credit_discount', 'A credit cannot have a discount');
  if (input.serviceDate) assertIsoDate(input.serviceDate, 'service date');
  return makeLine({
    id,
    kind: input.kind,
    description,
    unitAmount: input.kind === 'credit' ? -input.unitAmount : input.unitAmount,
    quantityMilli,
    discountAmount,
    studentId: input.studentId ?? '',
    serviceDate: input.serviceDate ?? '',
  });
}

/** A fresh draft's values for a family and period (no lines yet unless given), totals computed. */
export function newDraftValues(args: {
  familyId: string;
  settings: Pick<PracticeSettings, 'currency' | 'billing'>;
  periodStart: string;
  periodEnd: string;
  lines?: InvoiceLine[];
  invoiceDiscountAmount?: number;
  notes?: string;
}): InvoiceValues {
  assertIsoDate(args.periodStart, 'period start');
  assertIsoDate(args.periodEnd, 'period end');
  if (args.periodEnd < args.periodStart) throw new BillingError('invalid_period', 'The period ends before it starts');
  return computeInvoiceTotals<InvoiceValues>({
    kind: 'invoice',
    familyId: args.familyId,
    status: 'draft',
    number: '',
    currency: args.settings.currency,
    periodStart: args.periodStart,
    periodEnd: args.periodEnd,
    issueDate: '',
    dueDate: '',
    lines: args.lines ?? [],
    invoiceDiscountAmount: args.invoiceDiscountAmount ?? 0,
    taxMode: args.settings.billing.taxMode,
    taxRateBp: args.settings.billing.taxRateBp,
    taxLabel: args.settings.billing.taxLabel,
    subtotal: 0,
    taxTotal: 0,
    total: 0,
    creditNoteFor: '',
    voidedBy: '',
    issuedAt: '',
    issuedBy: '',
    issuedDeviceId: '',
    sequenceKey: '',
    sequence: 0,
    notes: args.notes ?? '',
  });
}

/** Throws unless the invoice is an editable draft. */
export function assertDraft(inv: Pick<Invoice, 'status' | 'kind' | 'number'>): void {
  if (inv.kind !== 'invoice' || inv.status !== 'draft') {
    throw new BillingError(
      'not_draft',
      `${inv.number || 'This document'} is ${inv.kind === 'credit_note' ? 'a credit note' : inv.status} and can no longer be changed`,
    );
  }
}

/** Adds lines (e.g. from `manualLine`) to a draft. */
export function addLines<T extends InvoiceValues>(draft: T, lines: InvoiceLine[]): T {
  assertDraft(draft);
  return computeInvoiceTotals({ ...draft, lines: [...draft.lines, ...lines] });
}

const EDITABLE_LINE_FIELDS = ['description', 'quantityMilli', 'unitAmount', 'discountAmount', 'durationMinutes'] as const;
export type LinePatch = Partial<Pick<InvoiceLine, (typeof EDITABLE_LINE_FIELDS)[number]>>;

/** Edits a draft line's description, quantity, price or discount. */
export function updateLine<T extends InvoiceValues>(draft: T, lineId: string, patch: LinePatch): T {
  assertDraft(draft);
  if (!draft.lines.some((l) => l.id === lineId)) throw new BillingError('no_such_line', 'That line is not on this invoice');
  const lines = draft.lines.map((l) => {
    if (l.id !== lineId) return l;
    const next = { ...l };
    for (const k of EDITABLE_LINE_FIELDS) {
      const v = patch[k];
      if (v !== undefined) (next as Record<string, unknown>)[k] = v;
    }
    if (!next.description.trim()) throw new BillingError('description_required', 'Enter a description');
    return next;
  });
  return computeInvoiceTotals({ ...draft, lines });
}

/**
 * Removes a line from a draft. `releasedClaimIds` are the billing claims the line held: delete
 * those whose invoiceId is this draft so the items can be billed again.
 */
export function removeLine<T extends InvoiceValues>(draft: T, lineId: string): { invoice: T; releasedClaimIds: string[] } {
  assertDraft(draft);
  const line = draft.lines.find((l) => l.id === lineId);
  if (!line) throw new BillingError('no_such_line', 'That line is not on this invoice');
  const invoice = computeInvoiceTotals({ ...draft, lines: draft.lines.filter((l) => l.id !== lineId) });
  // A removed discount may no longer fit: computeInvoiceTotals throws, the UI shows the message.
  return { invoice, releasedClaimIds: lineClaimIds(line) };
}

/**
 * Removes billed items (claim ids `${itemId}#${studentId}`) from a draft: the fix for a
 * 'remove_line_from_draft' double-billing finding. Lines left with no item are dropped.
 */
export function removeItemsFromDraft<T extends InvoiceValues>(
  draft: T,
  claimIds: Iterable<string>,
): { invoice: T; removedClaimIds: string[] } {
  assertDraft(draft);
  const drop = new Set(claimIds);
  const removed: string[] = [];
  const lines: InvoiceLine[] = [];
  for (const line of draft.lines) {
    if (line.occurrenceIds.length === 0) {
      lines.push(line);
      continue;
    }
    const keep = line.occurrenceIds.filter((occ) => {
      const id = `${occ}#${line.studentId}`;
      if (drop.has(id)) {
        removed.push(id);
        return false;
      }
      return true;
    });
    if (keep.length === line.occurrenceIds.length) lines.push(line);
    else if (keep.length > 0) lines.push({ ...line, occurrenceIds: keep });
  }
  // Keep the invoice discount, capped at what is still chargeable.
  const chargeable = lines.reduce((s, l) => s + Math.max(0, lineBase(l) - l.discountAmount), 0);
  const invoiceDiscountAmount = Math.min(draft.invoiceDiscountAmount, chargeable);
  return { invoice: computeInvoiceTotals({ ...draft, lines, invoiceDiscountAmount }), removedClaimIds: removed };
}

/** Sets the invoice-level discount (minor units, spread over the lines). */
export function setInvoiceDiscount<T extends InvoiceValues>(draft: T, amount: number): T {
  assertDraft(draft);
  return computeInvoiceTotals({ ...draft, invoiceDiscountAmount: amount });
}

/** Changes a draft's period or notes. */
export function setDraftDetails<T extends InvoiceValues>(
  draft: T,
  details: { periodStart?: string; periodEnd?: string; notes?: string },
): T {
  assertDraft(draft);
  const periodStart = details.periodStart ?? draft.periodStart;
  const periodEnd = details.periodEnd ?? draft.periodEnd;
  assertIsoDate(periodStart, 'period start');
  assertIsoDate(periodEnd, 'period end');
  if (periodEnd < periodStart) throw new BillingError('invalid_period', 'The period ends before it starts');
  return { ...draft, periodStart, periodEnd, notes: details.notes ?? draft.notes };
}

/** Re-applies the practice's current tax settings to a draft (after settings changed). */
export function applyTaxSettings<T extends InvoiceValues>(draft: T, settings: Pick<PracticeSettings, 'billing'>): T {
  assertDraft(draft);
  return computeInvoiceTotals({
    ...draft,
    taxMode: settings.billing.taxMode,
    taxRateBp: settings.billing.taxRateBp,
    taxLabel: settings.billing.taxLabel,
  });
}

export const LINE_KIND_LABELS: Record<InvoiceLineKind, string> = {
  lesson: 'Lesson',
  manual: 'Item',
  package: 'Lesson package',
  monthly_fee: 'Monthly fee',
  credit: 'Credit',
  discount: 'Discount',
};
