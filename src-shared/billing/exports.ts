/**
 * CSV exports for accountants (docs/billing.md "Exports"). All go through `src-shared/csv.ts`
 * (RFC 4180, UTF-8 BOM, CRLF, spreadsheet formulas neutralised). Conventions:
 * dates are ISO (YYYY-MM-DD); money columns are plain decimal numbers in major units (-45.5 for
 * −£45.50, exact: written from the integer minor units) with a Currency column; credit notes are
 * negative; one header row; stable column order.
 */
import { STORED_INVOICE_STATUS_WORDS } from '../locale/wording';
import { toCsv, type CsvColumn } from '../csv';
import type { Family, Invoice, Payment, PracticeSettings, Staff, Student } from '../model/types';
import { paidByInvoice } from './lifecycle';
import { moneyCell } from '../money';
import {
  AGING_BUCKETS,
  AGING_BUCKET_LABELS,
  LEDGER_KIND_LABELS,
  allocatedAmount,
  paymentMethodLabel,
  type AgingReport,
  type Statement,
} from './payments';
import type { Payroll } from './payroll';
import type { AttendanceRow, IncomeMonthRow, SubjectReportRow, TutorReportRow } from './reports';
import { lineNet } from './totals';
import { splitLineDescription } from './line-reasons';
import { ATTENDANCE_LABELS } from '../schedule/export-csv';
import { creditedByInvoice, recordKind, refundedByPayment, reversedIds } from './records';

type Names = { families?: Iterable<Family>; students?: Iterable<Student>; staff?: Iterable<Staff> };

function nameMaps(n: Names) {
  const families = new Map<string, string>();
  for (const f of n.families ?? []) families.set(f.id, f.name);
  const students = new Map<string, string>();
  for (const s of n.students ?? []) students.set(s.id, `${s.firstName} ${s.lastName}`.trim());
  const staff = new Map<string, string>();
  for (const s of n.staff ?? []) staff.set(s.id, s.name);
  return { families, students, staff };
}

const STATUS_LABEL = STORED_INVOICE_STATUS_WORDS;

/** One row per invoice / credit note (drafts excluded unless asked). */
export function invoicesCsv(
  invoices: readonly Invoice[],
  args: {
    settings: Pick<PracticeSettings, 'currency'>;
    families?: Iterable<Family>;
    payments?: Iterable<Payment>;
    includeDrafts?: boolean;
  },
): string {
  const names = nameMaps(args);
  const paid = paidByInvoice(args.payments ?? []);
  const credited = creditedByInvoice(invoices);
  const numberOf = new Map(invoices.map((i) => [i.id, i.number]));
  const rows = invoices
    .filter((i) => args.includeDrafts || i.status !== 'draft')
    .sort((a, b) => (a.issueDate < b.issueDate ? -1 : a.issueDate > b.issueDate ? 1 : a.number < b.number ? -1 : 1));
  const m = (v: number, inv: Invoice) => moneyCell(v, inv.currency);
  const columns: CsvColumn<Invoice>[] = [
    { header: 'Number', value: (i) => i.number },
    { header: 'Type', value: (i) => (i.kind === 'credit_note' ? 'Credit note' : 'Invoice') },
    { header: 'Status', value: (i) => STATUS_LABEL[i.status] },
    { header: 'Family', value: (i) => names.families.get(i.familyId) ?? i.familyId },
    { header: 'Family ID', value: (i) => i.familyId },
    { header: 'Issue date', value: (i) => i.issueDate },
    { header: 'Due date', value: (i) => i.dueDate },
    { header: 'Period start', value: (i) => i.periodStart },
    { header: 'Period end', value: (i) => i.periodEnd },
    { header: 'Currency', value: (i) => i.currency },
    { header: 'Net', value: (i) => m(i.total - i.taxTotal, i) },
    { header: 'Tax', value: (i) => m(i.taxTotal, i) },
    { header: 'Tax label', value: (i) => (i.taxMode === 'none' ? '' : i.taxLabel) },
    { header: 'Tax rate %', value: (i) => (i.taxMode === 'none' ? 0 : i.taxRateBp / 100) },
    { header: 'Tax mode', value: (i) => i.taxMode },
    { header: 'Total', value: (i) => m(i.total, i) },
    { header: 'Paid', value: (i) => (i.kind === 'invoice' ? m(paid.get(i.id) ?? 0, i) : 0) },
    {
      header: 'Balance',
      value: (i) => (i.kind === 'invoice' && i.status === 'issued' ? m(i.total - (paid.get(i.id) ?? 0) - (credited.get(i.id) ?? 0), i) : 0),
    },
    { header: 'Credits invoice', value: (i) => (i.creditNoteFor ? (numberOf.get(i.creditNoteFor) ?? i.creditNoteFor) : '') },
    { header: 'Voided by', value: (i) => (i.voidedBy ? (numberOf.get(i.voidedBy) ?? i.voidedBy) : '') },
    { header: 'Notes', value: (i) => i.notes },
    { header: 'Credited', value: (i) => (i.kind === 'invoice' ? m(credited.get(i.id) ?? 0, i) : 0) },
  ];
  return toCsv(rows, columns);
}

type LineRow = { inv: Invoice; line: Invoice['lines'][number] };

/** One row per invoice line (issued invoices and credit notes), for detailed bookkeeping. */
export function invoiceLinesCsv(invoices: readonly Invoice[], args: Names & { includeDrafts?: boolean } = {}): string {
  const names = nameMaps(args);
  const rows: LineRow[] = [];
  for (const inv of invoices) {
    if (!args.includeDrafts && inv.status === 'draft') continue;
    for (const line of inv.lines) rows.push({ inv, line });
  }
  const m = (v: number, r: LineRow) => moneyCell(v, r.inv.currency);
  return toCsv(rows, [
    { header: 'Number', value: (r) => r.inv.number },
    { header: 'Type', value: (r) => (r.inv.kind === 'credit_note' ? 'Credit note' : 'Invoice') },
    { header: 'Status', value: (r) => STATUS_LABEL[r.inv.status] },
    { header: 'Issue date', value: (r) => r.inv.issueDate },
    { header: 'Family', value: (r) => names.families.get(r.inv.familyId) ?? r.inv.familyId },
    { header: 'Line kind', value: (r) => r.line.kind },
    {
      header: 'Description',
      value: (r) => (r.line.kind === 'lesson' ? splitLineDescription(r.line.description).main : r.line.description),
    },
    { header: 'Student', value: (r) => (r.line.studentId ? (names.students.get(r.line.studentId) ?? r.line.studentId) : '') },
    { header: 'Service date', value: (r) => r.line.serviceDate },
    { header: 'Subject', value: (r) => r.line.subject },
    { header: 'Tutor', value: (r) => (r.line.tutorId ? (names.staff.get(r.line.tutorId) ?? r.line.tutorId) : '') },
    { header: 'Quantity', value: (r) => r.line.quantityMilli / 1000 },
    { header: 'Minutes', value: (r) => r.line.durationMinutes || '' },
    { header: 'Unit price', value: (r) => m(r.line.unitAmount, r) },
    { header: 'Discount', value: (r) => m(r.line.discountAmount + r.line.invoiceDiscountShare, r) },
    { header: 'Net', value: (r) => m(lineNet(r.line, r.inv.taxMode), r) },
    { header: 'Tax', value: (r) => m(r.line.taxAmount, r) },
    { header: 'Currency', value: (r) => r.inv.currency },
    { header: 'Charged as', value: (r) => (r.line.kind === 'lesson' ? splitLineDescription(r.line.description).reason : '') },
  ]);
}

const RECORD_TYPE_LABELS = { payment: 'Payment', refund: 'Refund', reversal: 'Reversal' } as const;

/**
 * One row per money record (payments, refunds, reversals), with what it was applied to. Amount is
 * signed by its effect on the practice's cash: a payment is positive, a refund negative, a
 * reversal the opposite of what it reverses. A reversed record keeps its row, marked "Reversed".
 */
export function paymentsCsv(payments: readonly Payment[], args: { invoices: Iterable<Invoice>; families?: Iterable<Family> }): string {
  const names = nameMaps(args);
  const numbers = new Map<string, string>();
  for (const inv of args.invoices) numbers.set(inv.id, inv.number);
  const byId = new Map(payments.map((p) => [p.id, p]));
  const reversed = reversedIds(payments);
  const refunded = refundedByPayment(payments);
  const rows = [...payments].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.createdAt < b.createdAt ? -1 : 1));
  const signed = (p: Payment): number => {
    const kind = recordKind(p);
    if (kind === 'payment') return p.amount;
    if (kind === 'refund') return -p.amount;
    const target = p.reverses ? byId.get(p.reverses) : undefined;
    const amount = target ? target.amount : p.amount;
    return target && recordKind(target) === 'refund' ? amount : -amount;
  };
  const isPayment = (p: Payment) => recordKind(p) === 'payment';
  const describeTarget = (id: string) => {
    const t = byId.get(id);
    return t ? `${RECORD_TYPE_LABELS[recordKind(t)]} ${t.date}${t.reference ? ` ${t.reference}` : ''} (${id})` : id;
  };
  return toCsv(rows, [
    { header: 'Date', value: (p) => p.date },
    { header: 'Family', value: (p) => names.families.get(p.familyId) ?? p.familyId },
    { header: 'Family ID', value: (p) => p.familyId },
    { header: 'Method', value: (p) => paymentMethodLabel(p.method) },
    { header: 'Reference', value: (p) => p.reference },
    { header: 'Amount', value: (p) => moneyCell(signed(p), p.currency) },
    { header: 'Allocated', value: (p) => moneyCell(isPayment(p) && !reversed.has(p.id) ? allocatedAmount(p) : 0, p.currency) },
    {
      header: 'Unallocated (credit)',
      value: (p) =>
        moneyCell(isPayment(p) && !reversed.has(p.id) ? p.amount - allocatedAmount(p) - (refunded.get(p.id) ?? 0) : 0, p.currency),
    },
    { header: 'Currency', value: (p) => p.currency },
    {
      header: 'Applied to',
      value: (p) => p.allocations.map((a) => `${numbers.get(a.invoiceId) || a.invoiceId}: ${moneyCell(a.amount, p.currency)}`).join('; '),
    },
    { header: 'Notes', value: (p) => p.notes },
    { header: 'Payment ID', value: (p) => p.id },
    { header: 'Type', value: (p) => RECORD_TYPE_LABELS[recordKind(p)] },
    { header: 'Reverses', value: (p) => (p.reverses ? describeTarget(p.reverses) : '') },
    {
      header: 'Refunded from',
      value: (p) => (p.refundSources ?? []).map((s) => `${describeTarget(s.paymentId)}: ${moneyCell(s.amount, p.currency)}`).join('; '),
    },
    { header: 'Reason', value: (p) => p.reason ?? '' },
    { header: 'Reversed', value: (p) => (reversed.has(p.id) ? 'Reversed' : '') },
    { header: 'Edits', value: (p) => p.revisions?.length ?? 0 },
  ]);
}

/** A family statement: opening balance row, the entries, closing balance row. */
export function statementCsv(st: Statement, currency: string): string {
  type Row = { date: string; type: string; reference: string; description: string; debit: number; credit: number; balance: number };
  const rows: Row[] = [
    { date: st.from, type: 'Opening balance', reference: '', description: '', debit: 0, credit: 0, balance: st.openingBalance },
    ...st.entries.map((e) => ({
      date: e.date,
      type: LEDGER_KIND_LABELS[e.kind],
      reference: e.reference,
      description: e.description,
      debit: e.debit,
      credit: e.credit,
      balance: e.balance,
    })),
    { date: st.to, type: 'Closing balance', reference: '', description: '', debit: 0, credit: 0, balance: st.closingBalance },
  ];
  return toCsv(rows, [
    { header: 'Date', value: (r) => r.date },
    { header: 'Type', value: (r) => r.type },
    { header: 'Reference', value: (r) => r.reference },
    { header: 'Description', value: (r) => r.description },
    { header: 'Debit', value: (r) => moneyCell(r.debit, currency) },
    { header: 'Credit', value: (r) => moneyCell(r.credit, currency) },
    { header: 'Balance', value: (r) => moneyCell(r.balance, currency) },
    { header: 'Currency', value: () => currency },
  ]);
}

export function agingCsv(report: AgingReport, args: { currency: string; families?: Iterable<Family> }): string {
  const names = nameMaps(args);
  const c = args.currency;
  return toCsv(report.rows, [
    { header: 'Family', value: (r) => names.families.get(r.familyId) ?? r.familyId },
    { header: 'Family ID', value: (r) => r.familyId },
    ...AGING_BUCKETS.map((b) => ({
      header: AGING_BUCKET_LABELS[b],
      value: (r: AgingReport['rows'][number]) => moneyCell(r.buckets[b], c),
    })),
    { header: 'Outstanding', value: (r) => moneyCell(r.outstanding, c) },
    { header: 'Credit', value: (r) => moneyCell(r.credit, c) },
    { header: 'Net', value: (r) => moneyCell(r.net, c) },
    { header: 'Currency', value: () => c },
    { header: 'As of', value: () => report.asOf },
  ]);
}

export function incomeByMonthCsv(rows: readonly IncomeMonthRow[], currency: string): string {
  return toCsv(rows, [
    { header: 'Month', value: (r) => r.month },
    { header: 'Invoiced (net)', value: (r) => moneyCell(r.invoicedNet, currency) },
    { header: 'Tax', value: (r) => moneyCell(r.tax, currency) },
    { header: 'Invoiced (total)', value: (r) => moneyCell(r.invoiced, currency) },
    { header: 'Received', value: (r) => moneyCell(r.received, currency) },
    { header: 'Refunded', value: (r) => moneyCell(r.refunded, currency) },
    { header: 'Invoices', value: (r) => r.invoices },
    { header: 'Credit notes', value: (r) => r.creditNotes },
    { header: 'Currency', value: () => currency },
  ]);
}

const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;

export function tutorReportCsv(rows: readonly TutorReportRow[], currency: string): string {
  return toCsv(rows, [
    { header: 'Tutor', value: (r) => r.tutorName },
    { header: 'Tutor ID', value: (r) => r.tutorId },
    { header: 'Lessons taught', value: (r) => r.lessonsTaught },
    { header: 'Hours taught', value: (r) => hours(r.minutesTaught) },
    { header: 'Students', value: (r) => r.studentsTaught },
    { header: 'Billed (net)', value: (r) => moneyCell(r.billedNet, currency) },
    { header: 'Currency', value: () => currency },
  ]);
}

export function subjectReportCsv(rows: readonly SubjectReportRow[], currency: string): string {
  return toCsv(rows, [
    { header: 'Subject', value: (r) => r.subject || 'Other (fees, packages, items)' },
    { header: 'Lessons taught', value: (r) => r.lessonsTaught },
    { header: 'Hours taught', value: (r) => hours(r.minutesTaught) },
    { header: 'Students', value: (r) => r.studentsTaught },
    { header: 'Billed (net)', value: (r) => moneyCell(r.billedNet, currency) },
    { header: 'Currency', value: () => currency },
  ]);
}

export function attendanceCsv(rows: readonly AttendanceRow[]): string {
  return toCsv(rows, [
    { header: 'Group', value: (r) => r.label },
    { header: 'Lessons', value: (r) => r.total },
    { header: 'Attended', value: (r) => r.counts.attended },
    { header: 'No-show', value: (r) => r.counts.no_show },
    { header: 'Cancelled late (student)', value: (r) => r.counts.cancelled_student_late },
    { header: 'Cancelled in time (student)', value: (r) => r.counts.cancelled_student_in_time },
    { header: 'Cancelled by tutor', value: (r) => r.counts.cancelled_tutor },
    { header: 'Scheduled', value: (r) => r.counts.scheduled },
    { header: 'Attendance %', value: (r) => (r.attendanceRate === null ? '' : Math.round(r.attendanceRate * 1000) / 10) },
  ]);
}

/** Payroll summary: one row per tutor. */
export function payrollCsv(p: Payroll): string {
  return toCsv(p.rows, [
    { header: 'Tutor', value: (r) => r.tutorName },
    { header: 'Tutor ID', value: (r) => r.tutorId },
    { header: 'Period start', value: () => p.range.from },
    { header: 'Period end', value: () => p.range.to },
    { header: 'Lessons', value: (r) => r.lessons },
    { header: 'Hours', value: (r) => hours(r.minutes) },
    { header: 'Pay unit', value: (r) => (r.payUnit === 'hour' ? 'per hour' : 'per lesson') },
    { header: 'Pay rate', value: (r) => moneyCell(r.payRate, r.currency) },
    { header: 'Amount', value: (r) => moneyCell(r.amount, r.currency) },
    { header: 'Currency', value: (r) => r.currency },
  ]);
}

/** Payroll detail: one row per paid lesson (sums to the summary). */
export function payrollLinesCsv(p: Payroll, args: { staff?: Iterable<Staff>; currency: string }): string {
  const names = nameMaps(args);
  return toCsv(p.lines, [
    { header: 'Tutor', value: (l) => names.staff.get(l.tutorId) ?? l.tutorId },
    { header: 'Date', value: (l) => l.date },
    { header: 'Start (UTC)', value: (l) => l.start },
    { header: 'Subject', value: (l) => l.subject },
    { header: 'Minutes', value: (l) => l.minutes },
    { header: 'Students', value: (l) => l.students },
    { header: 'Status', value: (l) => l.statuses.map((st) => ATTENDANCE_LABELS[st]).join('; ') },
    { header: 'Status codes', value: (l) => l.statuses.join(' ') },
    { header: 'Amount', value: (l) => moneyCell(l.amount, args.currency) },
    { header: 'Currency', value: () => args.currency },
    { header: 'Occurrence ID', value: (l) => l.occurrenceId },
  ]);
}

/**
 * The month the Export dialog opens on (YYYY-MM): the latest month up to `today` holding an issued
 * invoice or a payment, so right after issuing this month's invoices it is this month; the current
 * month when there is nothing yet.
 */
export function defaultExportMonth(
  invoices: readonly Pick<Invoice, 'status' | 'issueDate'>[],
  payments: readonly Pick<Payment, 'date'>[],
  today: string,
): string {
  const thisMonth = today.slice(0, 7);
  let latest = '';
  for (const i of invoices) if (i.status !== 'draft' && i.issueDate && i.issueDate <= today && i.issueDate > latest) latest = i.issueDate;
  for (const p of payments) if (p.date <= today && p.date > latest) latest = p.date;
  return latest ? latest.slice(0, 7) : thisMonth;
}
