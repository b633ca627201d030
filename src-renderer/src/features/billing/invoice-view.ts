/**
 * What the invoice screen shows about one invoice or credit note, derived once from the
 * invoice, the billing data and the practice settings (no rule of its own: standing, credit and
 * totals come from src-shared/billing).
 */
import { invoiceStanding, type InvoiceStanding } from '../../../../src-shared/billing/lifecycle';
import { familyCredit } from '../../../../src-shared/billing/payments';
import { lineBase } from '../../../../src-shared/billing/totals';
import type { Family, Invoice, Payment, PracticeSettings } from '../../../../src-shared/model/types';
import type { BillingData } from './data';
import { taxRateLabel } from '../../../../src-shared/locale/practice-locale';

export interface InvoiceView {
  invoice: Invoice;
  family: Family | undefined;
  standing: InvoiceStanding;
  isDraft: boolean;
  isCredit: boolean;
  /** An issued invoice (not void, not a credit note): it takes payments and can be voided. */
  isOpen: boolean;
  /** The credit note of a void invoice, or the invoice a credit note credits. */
  related: Invoice | undefined;
  /** The family's unallocated payments. */
  credit: number;
  title: string;
  /** Partial credit notes of this invoice (not the credit note of its void), oldest first. */
  partialCredits: Invoice[];
  /** The payments allocated to this invoice. */
  applied: { payment: Payment; amount: number }[];
  /** Lines after line discounts, before the invoice discount and tax. */
  subtotal: number;
  hasTax: boolean;
  showDiscount: boolean;
  taxRate: string;
  /** A draft made with tax settings that changed since. */
  taxDiffers: boolean;
}

export function invoiceView(inv: Invoice, data: BillingData, settings: PracticeSettings, today: string): InvoiceView {
  const isDraft = inv.kind === 'invoice' && inv.status === 'draft';
  const isCredit = inv.kind === 'credit_note';
  return {
    invoice: inv,
    family: data.familyById.get(inv.familyId),
    standing: invoiceStanding(inv, data.paid.get(inv.id) ?? 0, today, data.credited.get(inv.id) ?? 0),
    isDraft,
    isCredit,
    isOpen: inv.kind === 'invoice' && inv.status === 'issued',
    related: data.invoiceById.get(isCredit ? inv.creditNoteFor : inv.voidedBy),
    credit: familyCredit(inv.familyId, data.payments),
    title: isCredit ? `Credit note ${inv.number}` : isDraft ? 'Draft invoice' : `Invoice ${inv.number}`,
    partialCredits: data.invoices
      .filter((c) => c.kind === 'credit_note' && c.status !== 'draft' && c.creditNoteFor === inv.id && c.id !== inv.voidedBy)
      .sort((a, b) => (a.issueDate < b.issueDate ? -1 : a.issueDate > b.issueDate ? 1 : a.sequence - b.sequence)),
    applied: data.payments.flatMap((p) =>
      p.allocations.filter((a) => a.invoiceId === inv.id).map((a) => ({ payment: p, amount: a.amount })),
    ),
    subtotal: inv.lines.reduce((s, l) => s + lineBase(l) - l.discountAmount, 0),
    hasTax: inv.taxMode !== 'none' && inv.taxRateBp > 0,
    showDiscount: isDraft || inv.lines.some((l) => l.discountAmount !== 0),
    taxRate: taxRateLabel(inv.taxRateBp, settings.locale),
    taxDiffers:
      isDraft &&
      (inv.taxMode !== settings.billing.taxMode ||
        inv.taxRateBp !== settings.billing.taxRateBp ||
        inv.taxLabel !== settings.billing.taxLabel),
  };
}
