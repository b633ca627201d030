/**
 * What the correction forms of the app need besides the domain (docs/billing.md "Corrections and
 * refunds"): the amount a person typed, read in the practice locale and checked the way every
 * payment form checks it (hard limit, unusual amount); the field errors of a refund; and a
 * payment's edit history written for people. Pure: no DOM, no database.
 */
import { formatMoney, parseMoneyInput } from '../money';
import type { Payment, PaymentAllocation, PaymentRevision } from '../model/types';
import { paymentMethodLabel } from './payments';
import { checkPayment, type Confirmation, type PracticeRange } from './sanity';

export type AmountCheck = { ok: true; amount: number; confirm: (Confirmation & { amount: number }) | null } | { ok: false; error: string };

/**
 * A payment amount as typed (`input`), read in the practice locale and checked against the hard
 * limit and against what the family owes (`checkPayment`): refused with the field's message, or
 * accepted with a confirmation to ask when it is unusual. Used by "Record a payment" and "Edit
 * payment" alike.
 */
export function checkPaymentAmount(args: {
  input: string;
  currency: string;
  locale: string;
  /** What the family owes without this payment (negative = credit). */
  familyBalance: number;
  familyName: string;
  range: PracticeRange;
}): AmountCheck {
  const parsed = parseMoneyInput(args.input, args.currency, { locale: args.locale });
  if (!parsed.ok) return { ok: false, error: parsed.error };
  if (parsed.amount <= 0) return { ok: false, error: 'Enter an amount greater than zero' };
  const sanity = checkPayment({
    amount: parsed.amount,
    familyBalance: args.familyBalance,
    familyName: args.familyName,
    range: args.range,
    locale: args.locale,
  });
  if (sanity?.kind === 'refuse') return { ok: false, error: sanity.message };
  return { ok: true, amount: parsed.amount, confirm: sanity?.kind === 'confirm' ? { ...sanity, amount: parsed.amount } : null };
}

export interface RefundFields {
  amount: string;
  date: string;
  reason: string;
  reference: string;
}

/**
 * Field errors of the refund form ({} = valid) and the amount in minor units. A refund is at most
 * the family's credit (`credit`), said with the figure; a reason is required (it is printed on the
 * statement).
 */
export function refundFieldErrors(
  v: RefundFields,
  args: { credit: number; currency: string; locale: string },
): { amount?: number; errors: Partial<Record<keyof RefundFields, string>> } {
  const errors: Partial<Record<keyof RefundFields, string>> = {};
  const money = (a: number) => formatMoney({ amount: a, currency: args.currency }, args.locale);
  const parsed = parseMoneyInput(v.amount, args.currency, { locale: args.locale });
  let amount: number | undefined;
  if (!parsed.ok) errors.amount = parsed.error;
  else if (parsed.amount <= 0) errors.amount = 'Enter an amount greater than zero';
  else if (parsed.amount > args.credit)
    errors.amount = `The family's credit is ${money(Math.max(args.credit, 0))}: a refund cannot be more`;
  else amount = parsed.amount;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v.date)) errors.date = 'Enter the date of the refund';
  if (!v.reason.trim()) errors.reason = 'Say why the money is paid back';
  else if (v.reason.trim().length > 500) errors.reason = 'Reason: at most 500 characters';
  if (v.reference.length > 200) errors.reference = 'Reference: at most 200 characters';
  return { ...(amount !== undefined ? { amount } : {}), errors };
}

type Values = Pick<PaymentRevision, 'amount' | 'date' | 'method' | 'reference' | 'notes' | 'allocations'>;

export interface RevisionEntry {
  /** When the values were replaced (ISO instant) and by whom (staff id). */
  revisedAt: string;
  revisedBy: string;
  reason: string;
  /** "Amount: £450.00 → £45.00", one per field that changed. */
  changes: string[];
}

/**
 * A payment's edit history, oldest first: for each edit, what it changed from what to what. The
 * earlier values come from `revisions`; the values after the last edit are the payment's own.
 */
export function revisionHistory(
  payment: Payment,
  fmt: { money: (amount: number) => string; date: (isoDate: string) => string; invoiceNumber: (id: string) => string },
): RevisionEntry[] {
  const revs = payment.revisions ?? [];
  const alloc = (a: PaymentAllocation[]) =>
    a.length === 0 ? 'none (credit)' : a.map((x) => `${fmt.invoiceNumber(x.invoiceId)} ${fmt.money(x.amount)}`).join(', ');
  const text = (s: string) => (s.trim() ? `“${s.trim()}”` : 'none');
  return revs.map((before, i) => {
    const after: Values = revs[i + 1] ?? payment;
    const changes: string[] = [];
    if (before.amount !== after.amount) changes.push(`Amount: ${fmt.money(before.amount)} → ${fmt.money(after.amount)}`);
    if (before.date !== after.date) changes.push(`Date: ${fmt.date(before.date)} → ${fmt.date(after.date)}`);
    if (before.method !== after.method) changes.push(`Method: ${paymentMethodLabel(before.method)} → ${paymentMethodLabel(after.method)}`);
    if (before.reference !== after.reference) changes.push(`Reference: ${text(before.reference)} → ${text(after.reference)}`);
    if (before.notes !== after.notes) changes.push(`Notes: ${text(before.notes)} → ${text(after.notes)}`);
    if (JSON.stringify(before.allocations) !== JSON.stringify(after.allocations))
      changes.push(`Pays: ${alloc(before.allocations)} → ${alloc(after.allocations)}`);
    return { revisedAt: before.revisedAt, revisedBy: before.revisedBy, reason: before.reason, changes };
  });
}

/**
 * What a partial credit note does to its invoice, for the form's preview: the invoice's balance
 * after it, and the money already paid beyond that which becomes family credit
 * (`createPartialCreditNote` cuts those allocations). `creditTotal` is the credit note's total
 * (negative, as stored).
 */
export function partialCreditEffect(balanceBefore: number, creditTotal: number): { newBalance: number; toFamilyCredit: number } {
  const after = balanceBefore + creditTotal;
  return { newBalance: Math.max(after, 0), toFamilyCredit: Math.max(-after, 0) };
}
