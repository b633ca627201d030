/**
 * A student's progress report for a period (a term, usually): attendance figures, the notes the
 * tutor chose, and goals, as figures (`progressReport`) and as ONE self-contained printable HTML
 * document in the invoice's visual style (`renderProgressReportHtml`: inline CSS, the logo only as
 * a safe data: URL, no scripts, every piece of user text escaped), which the host prints to PDF
 * and the outbox attaches (docs/email-templates.md "Progress reports").
 *
 * The figures count the student's lessons whose start falls on a day of [from, to] in the practice
 * time zone, lessons on closed days and cancelled series left out. Each lesson counts once with the
 * student's own status in it (group lessons may record one per student):
 *
 * - scheduled: every such lesson, whatever happened to it;
 * - taken: 'attended' (there is no "arrived late" status: `cancelled_student_late` is a late
 *   cancellation, so it counts as missed);
 * - missed: 'no_show', 'cancelled_student_late', 'cancelled_student_in_time';
 * - cancelled by the tutor: 'cancelled_tutor';
 * - not recorded: still 'scheduled' (not marked yet, or still to come);
 * - attendance rate: taken / (taken + missed), as billing's attendance report counts it (tutor
 *   cancellations and unrecorded lessons do not lower it), as a whole percentage rounded to the
 *   nearest, except that 100 % is only shown when nothing was missed and 0 % only when nothing was
 *   taken; null when no lesson was taken or missed;
 * - hours taught: the minutes of the lessons taken, in hours to one decimal.
 *
 * Pure: no Electron, React or DOM.
 */
import { escapeHtml, printBaseCss, safeLogo, type PageSize } from '../billing/html';
import { countOf } from '../locale/count';
import { practiceFormat } from '../locale/practice-locale';
import { NOUNS } from '../locale/wording';
import type { Address, Closure, Family, Lesson, Note, Occurrence, PracticeSettings, Staff, Student } from '../model/types';
import { expandLessons, parseOccurrenceId, studentAttendance } from '../schedule/expand';
import { localDate, localDaysRange, toMs } from '../schedule/time';

export interface ProgressFigures {
  scheduled: number;
  taken: number;
  missed: number;
  cancelledByTutor: number;
  notRecorded: number;
  /** Whole percentage (rule above), null when nothing was taken or missed. */
  attendanceRate: number | null;
  minutesTaught: number;
  /** minutesTaught in hours, to one decimal. */
  hoursTaught: number;
}

export interface ReportNote {
  id: string;
  /** YYYY-MM-DD in the practice time zone: the lesson's day for a lesson note, else when it was written. */
  date: string;
  tutorName: string;
  title: string;
  body: string;
  covered: string;
  homework: string;
  nextSteps: string;
}

export interface ProgressReport {
  studentId: string;
  studentName: string;
  familyName: string;
  /** YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
  /** Subjects of the period's lessons, sorted. */
  subjects: string[];
  /** Tutors of the lessons taken, sorted. */
  tutors: string[];
  figures: ProgressFigures;
  /** The chosen notes about this student, oldest first. */
  notes: ReportNote[];
  goals: string[];
}

export interface ProgressReportInput {
  student: Student;
  family: Pick<Family, 'name'>;
  occurrences: readonly Occurrence[];
  lessons: readonly Lesson[];
  notes: Iterable<Note>;
  staff: Iterable<Pick<Staff, 'id' | 'name'>>;
  closures?: readonly Closure[];
  from: string;
  to: string;
  timeZone: string;
  /** Notes the tutor picked for the report; notes not about this student are left out. */
  chosenNoteIds: readonly string[];
  /** Goals for the next period, one per entry. */
  goals: readonly string[];
}

const MISSED = new Set(['no_show', 'cancelled_student_late', 'cancelled_student_in_time']);

/** The attendance rate rule (see the module comment). */
export function attendancePercent(taken: number, missed: number): number | null {
  const expected = taken + missed;
  if (expected === 0) return null;
  const rounded = Math.round((100 * taken) / expected);
  if (missed > 0 && rounded > 99) return 99;
  if (taken > 0 && rounded < 1) return 1;
  return rounded;
}

export function progressReport(input: ProgressReportInput): ProgressReport {
  const { student, from, to, timeZone } = input;
  if (to < from) throw new RangeError('The period ends before it starts');
  const range = localDaysRange(from, to, timeZone);
  const fromMs = toMs(range.start);
  const toMs_ = toMs(range.end);
  const staffNames = new Map<string, string>();
  for (const s of input.staff) staffNames.set(s.id, s.name);
  const mine = input.lessons.filter((l) => l.studentIds.includes(student.id));
  const expanded = expandLessons(mine, input.occurrences, input.closures ?? [], range, timeZone, { includeClosed: false });

  const f: ProgressFigures = {
    scheduled: 0,
    taken: 0,
    missed: 0,
    cancelledByTutor: 0,
    notRecorded: 0,
    attendanceRate: null,
    minutesTaught: 0,
    hoursTaught: 0,
  };
  const subjects = new Set<string>();
  const tutors = new Set<string>();
  for (const o of expanded) {
    if (o.startMs < fromMs || o.startMs >= toMs_) continue;
    const status = studentAttendance(o, student.id);
    f.scheduled += 1;
    if (o.subject.trim()) subjects.add(o.subject.trim());
    if (status === 'attended') {
      f.taken += 1;
      f.minutesTaught += o.durationMinutes;
      const tutor = staffNames.get(o.tutorId);
      if (tutor) tutors.add(tutor);
    } else if (MISSED.has(status)) f.missed += 1;
    else if (status === 'cancelled_tutor') f.cancelledByTutor += 1;
    else f.notRecorded += 1;
  }
  f.attendanceRate = attendancePercent(f.taken, f.missed);
  f.hoursTaught = Math.round(f.minutesTaught / 6) / 10;

  const chosen = new Set(input.chosenNoteIds);
  const notes: ReportNote[] = [];
  for (const n of input.notes) {
    if (!chosen.has(n.id) || !n.studentIds.includes(student.id)) continue;
    const occ = n.occurrenceId ? parseOccurrenceId(n.occurrenceId) : null;
    const when = occ?.originalStart ?? n.createdAt;
    notes.push({
      id: n.id,
      date: Number.isNaN(Date.parse(when)) ? '' : localDate(when, timeZone),
      tutorName: staffNames.get(n.authorId) ?? '',
      title: n.title,
      body: n.body,
      covered: n.covered,
      homework: n.homework,
      nextSteps: n.nextSteps,
    });
  }
  notes.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  return {
    studentId: student.id,
    studentName: `${student.firstName} ${student.lastName}`.trim(),
    familyName: input.family.name,
    from,
    to,
    subjects: [...subjects].sort((a, b) => a.localeCompare(b)),
    tutors: [...tutors].sort((a, b) => a.localeCompare(b)),
    figures: f,
    notes,
    goals: input.goals.map((g) => g.trim()).filter(Boolean),
  };
}

export interface ProgressReportLabels {
  title: string;
  student: string;
  period: string;
  subjects: string;
  tutors: string;
  figures: string;
  scheduled: string;
  taken: string;
  missed: string;
  cancelledByTutor: string;
  notRecorded: string;
  attendance: string;
  hoursTaught: string;
  /** Shown for the attendance rate when nothing was taken or missed. */
  noRate: string;
  notes: string;
  covered: string;
  homework: string;
  nextSteps: string;
  goals: string;
  rateRule: string;
}

export const DEFAULT_PROGRESS_LABELS: ProgressReportLabels = {
  title: 'Progress report',
  student: 'Student',
  period: 'Period',
  subjects: 'Subjects',
  tutors: 'Tutors',
  figures: 'Lessons',
  scheduled: 'Scheduled',
  taken: 'Taken',
  missed: 'Missed',
  cancelledByTutor: 'Cancelled by tutor',
  notRecorded: 'Not yet recorded',
  attendance: 'Attendance',
  hoursTaught: 'Time taught',
  noRate: '—',
  notes: 'From the lessons',
  covered: 'Covered',
  homework: 'Homework',
  nextSteps: 'Next steps',
  goals: 'Goals',
  rateRule: 'Attendance counts the lessons taken out of those taken or missed; lessons cancelled by the tutor do not count against it.',
};

function addressLines(a: Address): string[] {
  const cityLine = [a.city, a.region, a.postalCode].filter((x) => x.trim()).join(', ');
  return [a.line1, a.line2, cityLine, a.country].map((x) => x.trim()).filter(Boolean);
}

const CSS = (pageSize: PageSize) => `
${printBaseCss(pageSize)}
.title h1 { margin: 0 0 3mm 0; font-size: 20pt; font-weight: 300; letter-spacing: 0.04em; text-transform: uppercase; color: #243b53; }
h2 { font-size: 8.5pt; text-transform: uppercase; letter-spacing: 0.08em; color: #52606d; margin: 0 0 1.5mm 0; font-weight: 600; }
.section { margin-top: 8mm; break-inside: avoid; }
.figures { display: flex; flex-wrap: wrap; gap: 3mm; margin: 2mm 0 3mm 0; }
.figure { flex: 1 1 24mm; border: 0.5pt solid #d9e2ec; border-radius: 1.5mm; padding: 2mm 3mm; background: #f8fafc; }
.figure .value { font-size: 16pt; font-weight: 700; color: #102a43; font-variant-numeric: tabular-nums; }
.figure .label { font-size: 8pt; color: #52606d; text-transform: uppercase; letter-spacing: 0.05em; }
.figure.rate { background: #f0f4f8; border-color: #243b53; }
.bar { display: flex; height: 4mm; border-radius: 1mm; overflow: hidden; background: #e4e7eb; }
.bar span { display: block; height: 100%; }
.bar .taken { background: #2f8132; }
.bar .missed { background: #be1e2d; }
.bar .tutor { background: #9aa5b1; }
.bar .open { background: #d9e2ec; }
.legend { margin-top: 1.5mm; font-size: 8.5pt; color: #3e4c59; }
.legend i { display: inline-block; width: 2.5mm; height: 2.5mm; border-radius: 0.5mm; margin: 0 1mm 0 3mm; vertical-align: -0.3mm; }
.legend i:first-child { margin-left: 0; }
.rule { font-size: 8pt; color: #7b8794; margin-top: 1.5mm; }
.note { border-left: 1.5pt solid #243b53; padding: 1mm 0 1mm 3mm; margin: 0 0 4mm 0; break-inside: avoid; }
.note .when { font-size: 8.5pt; color: #52606d; }
.note .title { font-weight: 700; text-align: left; }
.note dl { margin: 1mm 0 0 0; }
.note dt { font-size: 8pt; text-transform: uppercase; letter-spacing: 0.05em; color: #52606d; margin-top: 1mm; }
.note dd { margin: 0; }
ul.goals { margin: 0; padding-left: 5mm; }
ul.goals li { margin-bottom: 1mm; }
.footer { margin-top: 10mm; font-size: 8.5pt; color: #7b8794; border-top: 0.5pt solid #d9e2ec; padding-top: 2mm; }
`;

const COLOURS: Record<string, string> = { taken: '#2f8132', missed: '#be1e2d', tutor: '#9aa5b1', open: '#d9e2ec' };

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0);

/** The complete HTML document of a progress report. */
export function renderProgressReportHtml(
  report: ProgressReport,
  practice: Pick<PracticeSettings, 'name' | 'address' | 'email' | 'phone' | 'logo' | 'locale' | 'timeZone' | 'currency'> &
    Partial<Pick<PracticeSettings, 'billing'>>,
  labels: Partial<ProgressReportLabels> = {},
): string {
  const L = { ...DEFAULT_PROGRESS_LABELS, ...labels };
  const e = escapeHtml;
  const fmt = practiceFormat(practice.locale, practice.timeZone, practice.currency);
  const date = (d: string) => e(fmt.date(d));
  const f = report.figures;
  const pageSize: PageSize = practice.billing?.paperSize ?? 'A4';
  const logo = safeLogo(practice.logo);
  const contact = [practice.email, practice.phone]
    .filter((x) => x.trim())
    .map(e)
    .join(' · ');
  const period = `${date(report.from)} – ${date(report.to)}`;
  const num = (n: number) => e(fmt.number(n, 1));

  const meta: [string, string][] = [
    [L.student, e(report.studentName)],
    [L.period, period],
  ];
  if (report.subjects.length) meta.push([L.subjects, e(report.subjects.join(', '))]);
  if (report.tutors.length) meta.push([L.tutors, e(report.tutors.join(', '))]);

  const figure = (label: string, value: string, cls = '') =>
    `<div class="figure${cls ? ` ${cls}` : ''}"><div class="value">${value}</div><div class="label">${e(label)}</div></div>`;
  const figures = [
    figure(L.scheduled, num(f.scheduled)),
    figure(L.taken, num(f.taken)),
    figure(L.missed, num(f.missed)),
    figure(L.cancelledByTutor, num(f.cancelledByTutor)),
    figure(L.attendance, f.attendanceRate === null ? e(L.noRate) : e(fmt.percent(f.attendanceRate / 100)), 'rate'),
    figure(L.hoursTaught, e(countOf(f.hoursTaught, NOUNS.hour, fmt.locale))),
  ].join('');
  const segments: [string, number, string][] = [
    ['taken', f.taken, L.taken],
    ['missed', f.missed, L.missed],
    ['tutor', f.cancelledByTutor, L.cancelledByTutor],
    ['open', f.notRecorded, L.notRecorded],
  ];
  const bar =
    f.scheduled > 0
      ? `<div class="bar" role="img" aria-label="${e(`${L.taken} ${f.taken}, ${L.missed} ${f.missed}, ${L.cancelledByTutor} ${f.cancelledByTutor}, ${L.notRecorded} ${f.notRecorded}`)}">${segments
          .filter(([, n]) => n > 0)
          .map(([cls, n]) => `<span class="${cls}" style="width: ${pct(n, f.scheduled)}%"></span>`)
          .join('')}</div>
<div class="legend">${segments
          .filter(([, n]) => n > 0)
          .map(([cls, n, label]) => `<i style="background: ${COLOURS[cls]}"></i>${e(label)} ${num(n)}`)
          .join(' ')}</div>`
      : '';

  const field = (label: string, text: string) => (text.trim() ? `<dt>${e(label)}</dt><dd class="pre">${e(text)}</dd>` : '');
  const notes = report.notes.length
    ? `<div class="section"><h2>${e(L.notes)}</h2>${report.notes
        .map(
          (n) =>
            `<div class="note"><div class="when">${n.date ? date(n.date) : ''}${n.tutorName ? ` · ${e(n.tutorName)}` : ''}</div>${
              n.title.trim() ? `<div class="title">${e(n.title)}</div>` : ''
            }${n.body.trim() ? `<div class="pre">${e(n.body)}</div>` : ''}<dl>${field(L.covered, n.covered)}${field(L.homework, n.homework)}${field(
              L.nextSteps,
              n.nextSteps,
            )}</dl></div>`,
        )
        .join('\n')}</div>`
    : '';
  const goals = report.goals.length
    ? `<div class="section"><h2>${e(L.goals)}</h2><ul class="goals">${report.goals.map((g) => `<li class="pre">${e(g)}</li>`).join('')}</ul></div>`
    : '';
  const docTitle = `${L.title} — ${report.studentName} — ${practice.name}`;

  return `<!DOCTYPE html>
<html lang="${e(practice.locale || 'en')}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${e(docTitle)}</title>
<style>${CSS(pageSize)}</style>
</head>
<body>
<div class="doc">
<div class="top">
  <div class="practice">
    ${logo ? `<img src="${e(logo)}" alt="${e(practice.name)}">` : ''}
    <div class="name">${e(practice.name)}</div>
    <div class="muted">${addressLines(practice.address).map(e).join('<br>')}</div>
    ${contact ? `<div class="muted">${contact}</div>` : ''}
  </div>
  <div class="title">
    <h1>${e(L.title)}</h1>
    <table class="meta">${meta.map(([k, v]) => `<tr><th>${e(k)}</th><td>${v}</td></tr>`).join('')}</table>
  </div>
</div>
<div class="section">
  <h2>${e(L.figures)}</h2>
  <div class="figures">${figures}</div>
  ${bar}
  <div class="rule">${e(L.rateRule)}</div>
</div>
${notes}
${goals}
<div class="footer">${e(practice.name)} · ${e(report.studentName)} · ${period}</div>
</div>
</body>
</html>
`;
}

/** A safe file name for the PDF: "Progress report Amy Lee 2026-01-05 to 2026-03-27.pdf". */
export function progressReportFileName(student: Pick<Student, 'firstName' | 'lastName'>, from: string, to: string): string {
  const clean = `Progress report ${student.firstName} ${student.lastName} ${from} to ${to}`
    .normalize('NFC')
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 120);
  return `${clean || 'Progress report'}.pdf`;
}
