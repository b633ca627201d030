/**
 * Tutor payroll (docs/billing.md "Payroll"). For a range of local dates, each tutor is paid for
 * every payable occurrence they taught:
 *
 * - an occurrence is payable when at least one of its students has a status in
 *   `settings.attendance.payable` (a group lesson is paid once, not once per student);
 * - pay per occurrence = the tutor's payRate for payUnit 'lesson', or payRate × minutes / 60
 *   rounded half to even for payUnit 'hour';
 * - a tutor's total is the sum of their lines (so the CSV lines add up to the summary).
 */
import type { AttendanceStatus, PracticeSettings, Staff } from '../model/types';
import { localDateOf } from './dates';
import { prorateHourly, type BillableLesson } from './rates';
import { lessonsInRange, type DateRange } from './reports';

export interface PayrollLine {
  tutorId: string;
  occurrenceId: string;
  lessonId: string;
  /** Local date and the UTC start. */
  date: string;
  start: string;
  subject: string;
  minutes: number;
  /** Students with a payable status. */
  students: number;
  /** The payable statuses seen (e.g. ['attended', 'no_show']). */
  statuses: AttendanceStatus[];
  amount: number;
}

export interface PayrollRow {
  tutorId: string;
  tutorName: string;
  payUnit: Staff['payUnit'];
  payRate: number;
  currency: string;
  lessons: number;
  minutes: number;
  amount: number;
}

export interface PayrollWarning {
  tutorId: string;
  message: string;
}

export interface Payroll {
  range: DateRange;
  rows: PayrollRow[];
  lines: PayrollLine[];
  total: number;
  warnings: PayrollWarning[];
}

export function tutorPayroll(args: {
  lessons: Iterable<BillableLesson>;
  staff: Iterable<Staff>;
  settings: Pick<PracticeSettings, 'attendance' | 'timeZone' | 'currency'>;
  range: DateRange;
}): Payroll {
  const { settings, range } = args;
  const staff = new Map<string, Staff>();
  for (const s of args.staff) staff.set(s.id, s);
  const payable = new Set(settings.attendance.payable);
  const byOcc = new Map<string, { first: BillableLesson; minutes: number; students: Set<string>; statuses: Set<AttendanceStatus> }>();
  for (const l of lessonsInRange(args.lessons, range, settings.timeZone)) {
    if (!payable.has(l.status)) continue;
    let o = byOcc.get(l.occurrenceId);
    if (!o) byOcc.set(l.occurrenceId, (o = { first: l, minutes: l.durationMinutes, students: new Set(), statuses: new Set() }));
    o.students.add(l.studentId);
    o.statuses.add(l.status);
    o.minutes = Math.max(o.minutes, l.durationMinutes);
  }
  const warnings: PayrollWarning[] = [];
  const warned = new Set<string>();
  const warnOnce = (tutorId: string, message: string) => {
    if (warned.has(tutorId)) return;
    warned.add(tutorId);
    warnings.push({ tutorId, message });
  };
  const lines: PayrollLine[] = [];
  const rows = new Map<string, PayrollRow>();
  const sorted = [...byOcc.values()].sort((a, b) =>
    a.first.start < b.first.start ? -1 : a.first.start > b.first.start ? 1 : a.first.occurrenceId < b.first.occurrenceId ? -1 : 1,
  );
  for (const o of sorted) {
    const tutorId = o.first.tutorId;
    const tutor = staff.get(tutorId);
    if (!tutor) {
      warnOnce(tutorId, `Lessons by an unknown tutor (${tutorId || 'none'}) were left out`);
      continue;
    }
    if (tutor.payRate.currency !== settings.currency) {
      warnOnce(tutorId, `${tutor.name}'s pay rate is in ${tutor.payRate.currency}, the practice uses ${settings.currency}; left out`);
      continue;
    }
    const amount = tutor.payUnit === 'hour' ? prorateHourly(tutor.payRate.amount, o.minutes) : tutor.payRate.amount;
    const ms = Date.parse(o.first.start);
    lines.push({
      tutorId,
      occurrenceId: o.first.occurrenceId,
      lessonId: o.first.lessonId,
      date: localDateOf(ms, settings.timeZone),
      start: o.first.start,
      subject: o.first.subject,
      minutes: o.minutes,
      students: o.students.size,
      statuses: [...o.statuses].sort(),
      amount,
    });
    let row = rows.get(tutorId);
    if (!row) {
      rows.set(
        tutorId,
        (row = {
          tutorId,
          tutorName: tutor.name,
          payUnit: tutor.payUnit,
          payRate: tutor.payRate.amount,
          currency: tutor.payRate.currency,
          lessons: 0,
          minutes: 0,
          amount: 0,
        }),
      );
    }
    row.lessons += 1;
    row.minutes += o.minutes;
    row.amount += amount;
  }
  const rowList = [...rows.values()].sort((a, b) => a.tutorName.localeCompare(b.tutorName));
  return { range, rows: rowList, lines, total: rowList.reduce((s, r) => s + r.amount, 0), warnings };
}
