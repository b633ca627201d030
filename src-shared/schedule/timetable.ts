/**
 * A printable weekly timetable for one tutor: a complete, self-contained HTML document (inline
 * CSS, no scripts, no external resources) laid out for A4 landscape. Every value is HTML-escaped.
 * The host prints it to PDF (Electron `webContents.printToPDF`).
 */
import { DateTime } from 'luxon';
import { ATTENDANCE_LABELS } from './export-csv';
import type { ExpandedOccurrence } from './expand';
import { localDate, localWeekRange } from './time';
import { countOf } from '../locale/count';
import { NOUNS } from '../locale/wording';
import { roomText } from './rooms';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface TimetableOptions {
  tutorName: string;
  /** Any date in the week (YYYY-MM-DD, in timeZone). */
  weekOf: string;
  /** The tutor's occurrences of that week (expandLessons for the week, filtered by tutor). */
  occurrences: readonly ExpandedOccurrence[];
  studentName: (id: string) => string;
  timeZone: string;
  locale?: string;
  practiceName?: string;
  /** 1 = Monday … 7 = Sunday. */
  weekStartsOn?: number;
  /** Shown in the footer; defaults to now. */
  generatedAt?: Date;
}

const CSS = `
@page { size: A4 landscape; margin: 10mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 9.5pt; color: #111; margin: 0; }
header { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 2px solid #111; padding-bottom: 2mm; margin-bottom: 3mm; }
h1 { font-size: 15pt; margin: 0; }
header p { margin: 0; color: #444; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th { background: #f0f0f0; border: 1px solid #999; padding: 1.5mm; text-align: left; font-size: 9.5pt; }
th .date { font-weight: normal; color: #444; display: block; }
td { border: 1px solid #999; vertical-align: top; padding: 1mm; height: 150mm; }
.lesson { border: 1px solid #bbb; border-left: 3px solid #333; border-radius: 1mm; padding: 1mm 1.5mm; margin-bottom: 1.5mm; break-inside: avoid; page-break-inside: avoid; }
.time { font-weight: 600; }
.subject { font-weight: 600; }
.meta { color: #333; }
.status { font-style: italic; }
.cancelled { opacity: 0.6; text-decoration: line-through; }
.closed { border-left-color: #999; background: #f4f4f4; }
.empty { color: #777; }
footer { margin-top: 2mm; color: #666; font-size: 8pt; display: flex; justify-content: space-between; }
@media screen { body { margin: 10mm; } }
`;

export function weeklyTimetableHtml(opts: TimetableOptions): string {
  const locale = opts.locale ?? 'en-GB';
  const zone = opts.timeZone;
  const { days } = localWeekRange(opts.weekOf, zone, opts.weekStartsOn ?? 1);
  const fmtTime = (ms: number) => DateTime.fromMillis(ms, { zone }).setLocale(locale).toLocaleString(DateTime.TIME_SIMPLE);
  const dayTitle = (d: string) => DateTime.fromISO(d, { zone }).setLocale(locale);
  const byDay = new Map<string, ExpandedOccurrence[]>(days.map((d) => [d, []]));
  for (const o of [...opts.occurrences].sort((a, b) => a.startMs - b.startMs)) byDay.get(localDate(o.startMs, zone))?.push(o);
  const e = escapeHtml;
  const cell = (list: ExpandedOccurrence[]) => {
    if (list.length === 0) return '<p class="empty">No lessons</p>';
    return list
      .map((o) => {
        const cancelled = o.status.startsWith('cancelled');
        const cls = ['lesson', cancelled ? 'cancelled' : '', o.closed ? 'closed' : ''].filter(Boolean).join(' ');
        const where = [o.room ? roomText(o.room) : '', o.location, o.onlineUrl ? 'Online' : ''].filter(Boolean).join(' · ');
        const status = o.closed
          ? `Closed: ${o.closureLabel}`
          : o.status !== 'scheduled'
            ? ATTENDANCE_LABELS[o.status]
            : o.moved
              ? 'Moved'
              : '';
        return [
          `<div class="${cls}">`,
          `<div class="time">${e(fmtTime(o.startMs))}–${e(fmtTime(o.endMs))}</div>`,
          `<div class="subject">${e(o.subject || 'Lesson')}</div>`,
          `<div class="students">${e(o.studentIds.map(opts.studentName).join(', '))}</div>`,
          where ? `<div class="meta">${e(where)}</div>` : '',
          status ? `<div class="status">${e(status)}</div>` : '',
          '</div>',
        ].join('');
      })
      .join('\n');
  };
  const first = dayTitle(days[0]!);
  const last = dayTitle(days[6]!);
  const title = `${opts.tutorName} — week of ${first.toLocaleString(DateTime.DATE_FULL)}`;
  const generated = DateTime.fromJSDate(opts.generatedAt ?? new Date(), { zone })
    .setLocale(locale)
    .toLocaleString(DateTime.DATETIME_MED);
  const total = opts.occurrences.filter((o) => !o.closed && !o.status.startsWith('cancelled')).length;
  return `<!DOCTYPE html>
<html lang="${e(locale)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${e(opts.tutorName)}</h1>
<p>${e(first.toLocaleString(DateTime.DATE_MED))} – ${e(last.toLocaleString(DateTime.DATE_MED))}${opts.practiceName ? ` · ${e(opts.practiceName)}` : ''}</p>
</header>
<main>
<table aria-label="${e(title)}">
<thead><tr>${days.map((d) => `<th scope="col">${e(dayTitle(d).toFormat('cccc'))}<span class="date">${e(dayTitle(d).toLocaleString({ day: 'numeric', month: 'short' }))}</span></th>`).join('')}</tr></thead>
<tbody><tr>${days.map((d) => `<td>${cell(byDay.get(d)!)}</td>`).join('')}</tr></tbody>
</table>
</main>
<footer><span>${countOf(total, NOUNS.lesson)} · times in ${e(zone)}</span><span>Printed ${e(generated)} · TutorDesk</span></footer>
</body>
</html>
`;
}
