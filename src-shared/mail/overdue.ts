/**
 * Overdue accounts, one row per family, for overdue reminders (docs/email-templates.md "Overdue
 * reminders"). The arithmetic is billing's: an invoice's balance and days overdue come from
 * `invoiceStanding` with payments from `paidByInvoice` (reversed payments count for nothing) and
 * partial credit notes from `creditedByInvoice` (the credit note of a void is left out: a void
 * invoice owes nothing). As in `agingReport`, only issued invoices issued on or before `asOf`
 * count, with the payments and credit notes dated on or before it; drafts and void invoices never.
 *
 * Pure: no Electron, React or DOM.
 */
import { assertIsoDate } from '../billing/dates';
import { invoiceStanding, paidByInvoice } from '../billing/lifecycle';
import { creditedByInvoice } from '../billing/records';
import type { Family, Invoice, Payment } from '../model/types';
import type { MailValues } from './templates';

export const OVERDUE_BUCKETS = ['1–30', '31–60', '61–90', '90+'] as const;
/** Days past due of the oldest overdue invoice: 1–30, 31–60, 61–90, or 91 and more ('90+'). */
export type OverdueBucket = (typeof OVERDUE_BUCKETS)[number];

export function overdueBucket(daysOverdue: number): OverdueBucket {
  if (!(daysOverdue >= 1)) throw new RangeError(`An invoice ${daysOverdue} days past due is not overdue`);
  return daysOverdue <= 30 ? '1–30' : daysOverdue <= 60 ? '31–60' : daysOverdue <= 90 ? '61–90' : '90+';
}

export interface OverdueInvoice {
  invoiceId: string;
  number: string;
  dueDate: string;
  total: number;
  /** What is left to pay, minor units. */
  balance: number;
  daysOverdue: number;
}

export interface OverdueRow {
  familyId: string;
  /** The family's name ('' when the family is not known here). */
  familyName: string;
  /** Sum of the overdue invoices' balances, minor units. */
  amountOverdue: number;
  /** Days past due of the oldest overdue invoice. */
  daysOverdue: number;
  bucket: OverdueBucket;
  /** Oldest first. */
  invoices: OverdueInvoice[];
}

/** Families with overdue invoices on `asOf` (YYYY-MM-DD), longest overdue first (then largest amount). */
export function overdueByFamily(
  invoices: readonly Invoice[],
  payments: readonly Payment[],
  families: Iterable<Pick<Family, 'id' | 'name'>>,
  asOf: string,
): OverdueRow[] {
  assertIsoDate(asOf, 'date');
  const paid = paidByInvoice(payments.filter((p) => p.date <= asOf));
  const credited = creditedByInvoice(invoices.filter((i) => i.kind !== 'credit_note' || i.issueDate <= asOf));
  const names = new Map<string, string>();
  for (const f of families) names.set(f.id, f.name);
  const rows = new Map<string, OverdueRow>();
  for (const inv of invoices) {
    if (inv.kind !== 'invoice' || inv.status !== 'issued' || !inv.issueDate || inv.issueDate > asOf) continue;
    const st = invoiceStanding(inv, paid.get(inv.id) ?? 0, asOf, credited.get(inv.id) ?? 0);
    if (!st.overdue) continue;
    let row = rows.get(inv.familyId);
    if (!row) {
      row = {
        familyId: inv.familyId,
        familyName: names.get(inv.familyId) ?? '',
        amountOverdue: 0,
        daysOverdue: 0,
        bucket: '1–30',
        invoices: [],
      };
      rows.set(inv.familyId, row);
    }
    row.amountOverdue += st.balance;
    row.daysOverdue = Math.max(row.daysOverdue, st.daysOverdue);
    row.invoices.push({
      invoiceId: inv.id,
      number: inv.number,
      dueDate: inv.dueDate,
      total: inv.total,
      balance: st.balance,
      daysOverdue: st.daysOverdue,
    });
  }
  const list = [...rows.values()];
  for (const r of list) {
    r.bucket = overdueBucket(r.daysOverdue);
    r.invoices.sort((a, b) => b.daysOverdue - a.daysOverdue || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
  }
  return list.sort(
    (a, b) =>
      b.daysOverdue - a.daysOverdue ||
      b.amountOverdue - a.amountOverdue ||
      a.familyName.localeCompare(b.familyName) ||
      (a.familyId < b.familyId ? -1 : 1),
  );
}

/** The overdue reminder's values for a row: the amount, and the oldest invoice's number, total and due date. */
export function overdueMailValues(
  row: OverdueRow,
  family: Pick<Family, 'name' | 'contactName'>,
  studentFirstNames: readonly string[] = [],
): MailValues {
  const oldest = row.invoices[0];
  return {
    family: { name: family.name, contactName: family.contactName },
    students: studentFirstNames,
    overdue: { amount: row.amountOverdue, days: row.daysOverdue },
    ...(oldest ? { invoice: { number: oldest.number, total: oldest.total, dueDate: oldest.dueDate } } : {}),
  };
}
