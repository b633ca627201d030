/**
 * CSV export of lessons with attendance for a range: one row per student per occurrence (group
 * lessons have per-student attendance), through the shared `toCsv` (RFC 4180, UTF-8 BOM, CRLF,
 * formula injection neutralised).
 */
import { ATTENDANCE_WORDS } from '../locale/wording';
import { DateTime } from 'luxon';
import { toCsv, type CsvColumn } from '../csv';
import type { AttendanceStatus } from '../model/types';
import { isBillable, isPayable, type AttendanceSettings } from './attendance';
import { studentAttendance, type ExpandedOccurrence } from './expand';
import type { ExportNames } from './ics';

/** The words for each status (one table: src-shared/locale/wording.ts). */
export const ATTENDANCE_LABELS = ATTENDANCE_WORDS;

export interface LessonsCsvOptions extends ExportNames {
  timeZone: string;
  /** With settings, Billable / Paid to tutor columns are filled. */
  settings?: AttendanceSettings;
  /** Also list occurrences skipped for a closure (status "Closed: <label>"); default false. */
  includeClosed?: boolean;
}

interface Row {
  o: ExpandedOccurrence;
  studentId: string;
  status: AttendanceStatus;
}

export const LESSONS_CSV_HEADERS = [
  'Date',
  'Start',
  'End',
  'Duration (min)',
  'Tutor',
  'Student',
  'Subject',
  'Room',
  'Location',
  'Online link',
  'Attendance',
  'Billable',
  'Paid to tutor',
  'Moved',
  'Make-up for',
  'Lesson ID',
  'Occurrence ID',
] as const;

export function lessonsCsv(occurrences: readonly ExpandedOccurrence[], opts: LessonsCsvOptions): string {
  const rows: Row[] = [];
  for (const o of occurrences) {
    if (o.closed && !opts.includeClosed) continue;
    const students = o.studentIds.length ? o.studentIds : [''];
    for (const studentId of students) rows.push({ o, studentId, status: studentId ? studentAttendance(o, studentId) : o.status });
  }
  const local = (ms: number) => DateTime.fromMillis(ms, { zone: opts.timeZone });
  const yesNo = (b: boolean) => (b ? 'Yes' : 'No');
  const h = LESSONS_CSV_HEADERS;
  const columns: CsvColumn<Row>[] = [
    { header: h[0], value: (r) => local(r.o.startMs).toISODate() },
    { header: h[1], value: (r) => local(r.o.startMs).toFormat('HH:mm') },
    { header: h[2], value: (r) => local(r.o.endMs).toFormat('HH:mm') },
    { header: h[3], value: (r) => r.o.durationMinutes },
    { header: h[4], value: (r) => opts.tutorName(r.o.tutorId) },
    { header: h[5], value: (r) => (r.studentId ? opts.studentName(r.studentId) : '') },
    { header: h[6], value: (r) => r.o.subject },
    { header: h[7], value: (r) => r.o.room },
    { header: h[8], value: (r) => r.o.location },
    { header: h[9], value: (r) => r.o.onlineUrl },
    { header: h[10], value: (r) => (r.o.closed ? `Closed: ${r.o.closureLabel}` : ATTENDANCE_LABELS[r.status]) },
    { header: h[11], value: (r) => (opts.settings ? yesNo(!r.o.closed && isBillable(r.status, opts.settings)) : '') },
    { header: h[12], value: (r) => (opts.settings ? yesNo(!r.o.closed && isPayable(r.status, opts.settings)) : '') },
    { header: h[13], value: (r) => yesNo(r.o.moved) },
    { header: h[14], value: (r) => r.o.makeupForOccurrenceId },
    { header: h[15], value: (r) => r.o.lessonId },
    { header: h[16], value: (r) => r.o.id },
  ];
  return toCsv(rows, columns);
}
