/**
 * Reports over a date range (docs/billing.md "Reports"). Ranges are inclusive local dates
 * (YYYY-MM-DD, practice time zone). Money values are integer minor units.
 *
 * - income by month: invoiced (issue date; credit notes subtract) and received (payment date);
 * - tutors: lessons and hours taught (occurrences where a student attended) and the net amount
 *   billed for their lessons (issued invoice lines by service date);
 * - subjects: the same per subject;
 * - attendance: counts per status and the attendance rate.
 */
import { ATTENDANCE_STATUSES, type AttendanceStatus, type Invoice, type Payment, type Staff, type Student } from '../model/types';
import { assertIsoDate, localDateBoundsUtc, monthOf, monthsOverlapping } from './dates';
import { BillingError } from './errors';
import type { BillableLesson } from './rates';
import { lineNet } from './totals';
import { recordKind } from './records';

export interface DateRange {
  from: string;
  to: string;
}

function checkRange(range: DateRange): void {
  assertIsoDate(range.from, 'from');
  assertIsoDate(range.to, 'to');
  if (range.to < range.from) throw new BillingError('invalid_period', 'The range ends before it starts');
}

export interface IncomeMonthRow {
  month: string;
  /** Issued invoices' totals minus credit notes' (tax included). */
  invoiced: number;
  /** The same without tax. */
  invoicedNet: number;
  tax: number;
  /** Payments received (by payment date), less reversals of payments (by the reversal's date). */
  received: number;
  /** Refunds paid to families (by refund date), less reversals of refunds. */
  refunded: number;
  invoices: number;
  creditNotes: number;
}

/** One row per month overlapping the range (months without activity included, for charts). */
export function incomeByMonth(invoices: Iterable<Invoice>, payments: Iterable<Payment>, range: DateRange): IncomeMonthRow[] {
  checkRange(range);
  const rows = new Map<string, IncomeMonthRow>();
  for (const month of monthsOverlapping(range.from, range.to)) {
    rows.set(month, { month, invoiced: 0, invoicedNet: 0, tax: 0, received: 0, refunded: 0, invoices: 0, creditNotes: 0 });
  }
  for (const inv of invoices) {
    if (inv.status === 'draft' || !inv.issueDate || inv.issueDate < range.from || inv.issueDate > range.to) continue;
    const row = rows.get(monthOf(inv.issueDate));
    if (!row) continue;
    // A void invoice counts in its month; its credit note subtracts in the credit note's month.
    row.invoiced += inv.total;
    row.tax += inv.taxTotal;
    row.invoicedNet += inv.total - inv.taxTotal;
    if (inv.kind === 'credit_note') row.creditNotes += 1;
    else row.invoices += 1;
  }
  // Cash basis: each record counts on its own date; a reversal takes back, on its date, what the
  // record it reverses counted (a cheque that bounces in March leaves February's income alone).
  const records = [...payments];
  const byId = new Map(records.map((p) => [p.id, p]));
  for (const p of records) {
    if (p.date < range.from || p.date > range.to) continue;
    const row = rows.get(monthOf(p.date));
    if (!row) continue;
    const kind = recordKind(p);
    if (kind === 'payment') row.received += p.amount;
    else if (kind === 'refund') row.refunded += p.amount;
    else {
      const target = p.reverses ? byId.get(p.reverses) : undefined;
      const amount = target ? target.amount : p.amount;
      if (target && recordKind(target) === 'refund') row.refunded -= amount;
      else row.received -= amount;
    }
  }
  return [...rows.values()];
}

/** Lessons of the range: BillableLessons whose start falls on a local date in [from, to]. */
export function lessonsInRange(lessons: Iterable<BillableLesson>, range: DateRange, timeZone: string): BillableLesson[] {
  checkRange(range);
  const { startMs, endMs } = localDateBoundsUtc(range.from, range.to, timeZone);
  const within = instantWithin(startMs, endMs);
  const out: BillableLesson[] = [];
  for (const l of lessons) if (within(l.start)) out.push(l);
  return out;
}

/** `toISOString()`'s form, "2026-03-04T16:00:00.000Z": such strings sort as their instants do. */
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Whether an ISO instant falls in [startMs, endMs). The schedule writes instants as
 * `toISOString()` does; those are compared as strings (a report filters a year's lessons three
 * times), anything else is parsed.
 */
export function instantWithin(startMs: number, endMs: number): (iso: string) => boolean {
  const canonicalBounds = startMs >= 0 && endMs < 253402300800000; // years 1970 … 9999
  const from = canonicalBounds ? new Date(startMs).toISOString() : '';
  const to = canonicalBounds ? new Date(endMs).toISOString() : '';
  return (iso) => {
    if (canonicalBounds && iso.length === 24 && CANONICAL_UTC.test(iso)) return iso >= from && iso < to;
    const ms = Date.parse(iso);
    return ms >= startMs && ms < endMs;
  };
}

/**
 * Net billed amount of issued (not void) invoice lines with a service date in the range, by key.
 * Partial credit notes subtract (their lines keep the credited line's tutor, subject and date);
 * the credit note of a void is left out with its void invoice.
 */
function billedBy(invoices: Iterable<Invoice>, range: DateRange, key: (line: Invoice['lines'][number]) => string): Map<string, number> {
  const out = new Map<string, number>();
  const list = [...invoices];
  const status = new Map(list.map((i) => [i.id, i.status]));
  for (const inv of list) {
    if (inv.status !== 'issued') continue;
    if (inv.kind === 'credit_note' && status.get(inv.creditNoteFor) !== 'issued') continue;
    for (const line of inv.lines) {
      const date = line.serviceDate || inv.issueDate;
      if (date < range.from || date > range.to) continue;
      const k = key(line);
      out.set(k, (out.get(k) ?? 0) + lineNet(line, inv.taxMode));
    }
  }
  return out;
}

interface TaughtAgg {
  occurrences: Set<string>;
  minutes: number;
  students: Set<string>;
}

/** Occurrences taught (at least one student 'attended'), aggregated by a key of the lesson. */
function taught(lessons: readonly BillableLesson[], key: (l: BillableLesson) => string): Map<string, TaughtAgg> {
  const out = new Map<string, TaughtAgg>();
  for (const l of lessons) {
    if (l.status !== 'attended') continue;
    const k = key(l);
    let agg = out.get(k);
    if (!agg) out.set(k, (agg = { occurrences: new Set(), minutes: 0, students: new Set() }));
    agg.students.add(l.studentId);
    if (agg.occurrences.has(l.occurrenceId)) continue; // a group lesson is taught once
    agg.occurrences.add(l.occurrenceId);
    agg.minutes += l.durationMinutes;
  }
  return out;
}

export interface TutorReportRow {
  /** '' = lines not tied to a tutor (packages, monthly fees, manual items). */
  tutorId: string;
  tutorName: string;
  lessonsTaught: number;
  minutesTaught: number;
  studentsTaught: number;
  /** Net (tax-exclusive) amount billed for the tutor's lessons, minor units. */
  billedNet: number;
}

/** Hours taught and income by tutor for a range. Sorted by tutor name; the unattributed row last. */
export function tutorReport(args: {
  lessons: Iterable<BillableLesson>;
  invoices: Iterable<Invoice>;
  staff: Iterable<Staff>;
  range: DateRange;
  timeZone: string;
}): TutorReportRow[] {
  const lessons = lessonsInRange(args.lessons, args.range, args.timeZone);
  const names = new Map<string, string>();
  for (const s of args.staff) names.set(s.id, s.name);
  const t = taught(lessons, (l) => l.tutorId);
  const billed = billedBy(args.invoices, args.range, (line) => (line.kind === 'lesson' ? line.tutorId : ''));
  const ids = new Set([...t.keys(), ...billed.keys()]);
  const rows: TutorReportRow[] = [...ids].map((id) => ({
    tutorId: id,
    tutorName: id === '' ? 'Not attributed to a tutor (packages, monthly fees, other items)' : (names.get(id) ?? `Unknown tutor (${id})`),
    lessonsTaught: t.get(id)?.occurrences.size ?? 0,
    minutesTaught: t.get(id)?.minutes ?? 0,
    studentsTaught: t.get(id)?.students.size ?? 0,
    billedNet: billed.get(id) ?? 0,
  }));
  return rows.sort((a, b) => (a.tutorId === '' ? 1 : b.tutorId === '' ? -1 : a.tutorName.localeCompare(b.tutorName)));
}

export interface SubjectReportRow {
  /** '' = lines without a subject (fees, packages, manual items). */
  subject: string;
  lessonsTaught: number;
  minutesTaught: number;
  studentsTaught: number;
  billedNet: number;
}

/** Totals per subject for a range, sorted by billed amount (largest first). */
export function subjectReport(args: {
  lessons: Iterable<BillableLesson>;
  invoices: Iterable<Invoice>;
  range: DateRange;
  timeZone: string;
}): SubjectReportRow[] {
  const lessons = lessonsInRange(args.lessons, args.range, args.timeZone);
  const t = taught(lessons, (l) => l.subject);
  const billed = billedBy(args.invoices, args.range, (line) => line.subject);
  const keys = new Set([...t.keys(), ...billed.keys()]);
  return [...keys]
    .map((subject) => ({
      subject,
      lessonsTaught: t.get(subject)?.occurrences.size ?? 0,
      minutesTaught: t.get(subject)?.minutes ?? 0,
      studentsTaught: t.get(subject)?.students.size ?? 0,
      billedNet: billed.get(subject) ?? 0,
    }))
    .sort((a, b) => b.billedNet - a.billedNet || a.subject.localeCompare(b.subject));
}

/** Statuses where the student was expected (the denominator of the attendance rate). */
export const EXPECTED_STATUSES: readonly AttendanceStatus[] = [
  'attended',
  'no_show',
  'cancelled_student_late',
  'cancelled_student_in_time',
];

export interface AttendanceRow {
  key: string;
  label: string;
  counts: Record<AttendanceStatus, number>;
  /** Student-lessons in the range (every status). */
  total: number;
  /** attended / (attended + no-show + student cancellations); null when nothing was expected. */
  attendanceRate: number | null;
}

/**
 * Attendance per student-lesson (a group lesson counts once per student), grouped by tutor,
 * subject, student or overall. Tutor cancellations and still-scheduled lessons do not lower the
 * rate. Sorted by label.
 */
export function attendanceReport(args: {
  lessons: Iterable<BillableLesson>;
  range: DateRange;
  timeZone: string;
  groupBy: 'all' | 'tutor' | 'subject' | 'student';
  staff?: Iterable<Staff>;
  students?: Iterable<Student>;
}): AttendanceRow[] {
  const lessons = lessonsInRange(args.lessons, args.range, args.timeZone);
  const staffNames = new Map<string, string>();
  for (const s of args.staff ?? []) staffNames.set(s.id, s.name);
  const studentNames = new Map<string, string>();
  for (const s of args.students ?? []) studentNames.set(s.id, `${s.firstName} ${s.lastName}`.trim());
  const keyOf = (l: BillableLesson) =>
    args.groupBy === 'tutor' ? l.tutorId : args.groupBy === 'subject' ? l.subject : args.groupBy === 'student' ? l.studentId : 'all';
  const labelOf = (k: string) =>
    args.groupBy === 'tutor'
      ? (staffNames.get(k) ?? k)
      : args.groupBy === 'student'
        ? (studentNames.get(k) ?? k)
        : args.groupBy === 'all'
          ? 'All lessons'
          : k;
  const rows = new Map<string, AttendanceRow>();
  for (const l of lessons) {
    const k = keyOf(l);
    let r = rows.get(k);
    if (!r) {
      const counts = Object.fromEntries(ATTENDANCE_STATUSES.map((s) => [s, 0])) as Record<AttendanceStatus, number>;
      rows.set(k, (r = { key: k, label: labelOf(k), counts, total: 0, attendanceRate: null }));
    }
    r.counts[l.status] += 1;
    r.total += 1;
  }
  for (const r of rows.values()) {
    const expected = EXPECTED_STATUSES.reduce((s, st) => s + r.counts[st], 0);
    r.attendanceRate = expected === 0 ? null : r.counts.attended / expected;
  }
  return [...rows.values()].sort((a, b) => a.label.localeCompare(b.label));
}
