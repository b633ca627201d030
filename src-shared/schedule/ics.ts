/**
 * iCalendar (RFC 5545) export of a tutor's, a student's or the whole practice's schedule for a
 * range, written with `ical-generator` (text escaping, 75-octet line folding, CRLF):
 *
 * - a series is ONE VEVENT with DTSTART;TZID=<lesson zone>, an RRULE bounded to the range (UNTIL =
 *   the last lesson in the range, in UTC), EXDATEs for skipped dates, closed days and lessons taken
 *   over by another tutor (tutor export), and one RECURRENCE-ID VEVENT per changed occurrence
 *   (moved, other duration/tutor/room, or cancelled → STATUS:CANCELLED);
 * - UIDs are stable (`${lessonId}@tutordesk`), so re-importing updates instead of duplicating;
 *   SEQUENCE grows with the documents' updatedAt;
 * - every zone used gets a VTIMEZONE (see vtimezone.ts).
 */
import ical, { ICalEventStatus, escape as icalEscape, type ICalCalendar } from 'ical-generator';
import { DateTime } from 'luxon';
import type { Closure, Lesson, Occurrence } from '../model/types';
import { lessonProblem } from './validity';
import { closureOn, indexOccurrences } from './expand';
import { ruleInstances, withRRuleEnd } from './recurrence';
import { icalUtc, localDate, MINUTE_MS, toMs, type TimeRange } from './time';
import { vtimezoneFor } from './vtimezone';
import { roomText } from './rooms';

export interface ExportNames {
  tutorName: (id: string) => string;
  studentName: (id: string) => string;
}

export interface IcsExportOptions {
  lessons: readonly Lesson[];
  occurrences: readonly Occurrence[];
  closures: readonly Closure[];
  /** Lessons whose original start is in [range.start, range.end) are exported. */
  range: TimeRange;
  practiceTz: string;
  /** A tutor's or a student's schedule; neither = the whole practice. */
  filter?: { tutorId?: string; studentId?: string };
  names: ExportNames;
  calendarName?: string;
  /** DTSTAMP; defaults to the current time. */
  now?: Date;
}

export const ICS_UID_DOMAIN = 'tutordesk';

export function lessonUid(lessonId: string): string {
  return `${lessonId}@${ICS_UID_DOMAIN}`;
}

const SEQUENCE_EPOCH = Date.UTC(2020, 0, 1);
function sequenceOf(...instants: string[]): number {
  const ms = Math.max(...instants.map((i) => Date.parse(i)).filter(Number.isFinite));
  return Number.isFinite(ms) ? Math.max(0, Math.floor((ms - SEQUENCE_EPOCH) / 1000)) : 0;
}

interface EventFields {
  tutorId: string;
  room: string;
  startMs: number;
  durationMinutes: number;
  cancelled: boolean;
}

function isCancelled(o: Occurrence | undefined): boolean {
  return !!o && o.status.startsWith('cancelled');
}

function changesOccurrence(o: Occurrence | undefined): boolean {
  return !!o && (o.start !== '' || o.durationMinutes > 0 || o.tutorId !== '' || o.room !== '' || isCancelled(o));
}

function effective(lesson: Lesson, originalMs: number, o: Occurrence | undefined): EventFields {
  return {
    tutorId: o?.tutorId || lesson.tutorId,
    room: o?.room || lesson.room,
    startMs: o?.start ? toMs(o.start) : originalMs,
    durationMinutes: o && o.durationMinutes > 0 ? o.durationMinutes : lesson.durationMinutes,
    cancelled: isCancelled(o),
  };
}

function summary(lesson: Lesson, f: EventFields, opts: IcsExportOptions): string {
  const subject = lesson.subject || 'Lesson';
  if (opts.filter?.studentId) return `${subject} with ${opts.names.tutorName(f.tutorId)}`;
  const students = lesson.studentIds.map(opts.names.studentName).join(', ');
  return students ? `${subject} – ${students}` : subject;
}

function description(lesson: Lesson, f: EventFields, opts: IcsExportOptions): string {
  const lines = [`Tutor: ${opts.names.tutorName(f.tutorId)}`, `Students: ${lesson.studentIds.map(opts.names.studentName).join(', ')}`];
  if (lesson.onlineUrl) lines.push(`Online: ${lesson.onlineUrl}`);
  // The lesson's internal notes go to the tutors' and the practice's calendars, not to a student's.
  if (lesson.notes && !opts.filter?.studentId) lines.push('', lesson.notes);
  return lines.join('\n');
}

function location(lesson: Lesson, f: EventFields): string {
  return [f.room ? roomText(f.room) : '', lesson.location].filter(Boolean).join(', ');
}

function addEvent(
  cal: ICalCalendar,
  lesson: Lesson,
  f: EventFields,
  opts: IcsExportOptions,
  extra: { uid: string; sequence: number; lastModified: string; repeating?: string; recurrenceId?: number },
): void {
  const zone = lesson.timeZone;
  const at = (ms: number) => DateTime.fromMillis(ms, { zone });
  cal.createEvent({
    id: extra.uid,
    sequence: extra.sequence,
    stamp: opts.now ?? new Date(),
    lastModified: new Date(extra.lastModified),
    start: at(f.startMs),
    end: at(f.startMs + f.durationMinutes * MINUTE_MS),
    timezone: zone,
    summary: summary(lesson, f, opts),
    description: description(lesson, f, opts),
    location: location(lesson, f) || null,
    url: lesson.onlineUrl || null,
    status: f.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    ...(extra.repeating ? { repeating: extra.repeating } : {}),
    ...(extra.recurrenceId !== undefined ? { recurrenceId: at(extra.recurrenceId) } : {}),
  });
}

function exdateLine(zone: string, instants: number[]): string {
  const fmt = (ms: number) => DateTime.fromMillis(ms, { zone }).toFormat("yyyyLLdd'T'HHmmss");
  return zone === 'UTC' ? `EXDATE:${instants.map(icalUtc).join(',')}` : `EXDATE;TZID=${zone}:${instants.map(fmt).join(',')}`;
}

/** Builds the .ics text. */
export function buildIcs(opts: IcsExportOptions): string {
  const fromMs = toMs(opts.range.start);
  const toMs_ = toMs(opts.range.end);
  const cal = ical({
    prodId: { company: 'TutorDesk', product: 'TutorDesk', language: 'EN' },
    name: opts.calendarName ? icalEscape(opts.calendarName.replace(/[\r\n]+/g, ' '), false) : null,
    timezone: { name: null, generator: (zone: string) => vtimezoneFor(zone, fromMs, toMs_) },
  });
  const byLesson = indexOccurrences(opts.occurrences);
  const tutorId = opts.filter?.tutorId;
  const studentId = opts.filter?.studentId;

  const sorted = [...opts.lessons].sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id));
  for (const lesson of sorted) {
    if (lesson.cancelled) continue;
    if (studentId && !lesson.studentIds.includes(studentId)) continue;
    // A lesson whose timing cannot be expanded is left out of the file (the schedule reports it).
    if (lessonProblem(lesson)) continue;
    const overrides = byLesson.get(lesson.id) ?? new Map<number, Occurrence>();
    let exdates: Set<number>;
    let generated: number[];
    try {
      exdates = new Set(lesson.exdates.map(toMs));
      generated = ruleInstances(lesson, fromMs, toMs_);
    } catch {
      continue;
    }
    const instances = generated.filter((ms) => !exdates.has(ms));
    if (instances.length === 0) continue;
    const isClosed = (ms: number) => {
      const o = overrides.get(ms);
      if (!lesson.rrule || (o?.start && toMs(o.start) !== ms) || (o && o.status !== 'scheduled')) return false;
      return closureOn(localDate(ms, opts.practiceTz), opts.closures) !== undefined;
    };
    const mine = (ms: number) => !tutorId || effective(lesson, ms, overrides.get(ms)).tutorId === tutorId;
    const uid = lessonUid(lesson.id);

    if (tutorId && lesson.tutorId !== tutorId) {
      // Another tutor's lesson: export only the occurrences this tutor covers, as single events.
      for (const ms of instances) {
        const o = overrides.get(ms);
        if (!mine(ms) || isClosed(ms)) continue;
        addEvent(cal, lesson, effective(lesson, ms, o), opts, {
          uid: `${lesson.id}-${icalUtc(ms)}@${ICS_UID_DOMAIN}`,
          sequence: sequenceOf(lesson.updatedAt, o?.updatedAt ?? ''),
          lastModified: o && o.updatedAt > lesson.updatedAt ? o.updatedAt : lesson.updatedAt,
        });
      }
      continue;
    }

    if (!lesson.rrule) {
      const ms = instances[0]!;
      const o = overrides.get(ms);
      if (!mine(ms)) continue; // handed over to another tutor
      addEvent(cal, lesson, effective(lesson, ms, o), opts, {
        uid,
        sequence: sequenceOf(lesson.updatedAt, o?.updatedAt ?? ''),
        lastModified: o && o.updatedAt > lesson.updatedAt ? o.updatedAt : lesson.updatedAt,
      });
      continue;
    }

    const excluded = (ms: number) => exdates.has(ms) || isClosed(ms) || !mine(ms);
    const kept = generated.filter((ms) => !excluded(ms));
    if (kept.length === 0) continue;
    const first = kept[0]!;
    const last = kept.at(-1)!;
    // The rule keeps FREQ/INTERVAL/BYDAY/WKST; its end becomes the last lesson in the range.
    const rrule = withRRuleEnd(lesson.rrule, { untilMs: last });
    const exLines = generated.filter((ms) => ms > first && ms < last && excluded(ms));
    const repeating = [`RRULE:${rrule}`, ...(exLines.length ? [exdateLine(lesson.timeZone, exLines)] : [])].join('\r\n');
    const changed = kept.filter((ms) => changesOccurrence(overrides.get(ms)));
    const lastModified = [lesson.updatedAt, ...changed.map((ms) => overrides.get(ms)!.updatedAt)].sort().at(-1)!;
    const sequence = sequenceOf(lastModified);
    addEvent(cal, lesson, effective(lesson, first, undefined), opts, { uid, sequence, lastModified, repeating });
    for (const ms of changed) {
      const o = overrides.get(ms)!;
      addEvent(cal, lesson, effective(lesson, ms, o), opts, {
        uid,
        sequence,
        lastModified: o.updatedAt > lesson.updatedAt ? o.updatedAt : lesson.updatedAt,
        recurrenceId: ms,
      });
    }
  }
  return cal.toString();
}

/** A file name for the export, e.g. `tutordesk-emily-chen-2025-03-01-2025-03-31.ics`. */
export function icsFileName(label: string, range: TimeRange, zone: string): string {
  const slug =
    label
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[\s_]+/g, '-') || 'schedule';
  const endDay = localDate(toMs(range.end) - 1, zone);
  return `tutordesk-${slug}-${localDate(range.start, zone)}-${endDay}.ics`;
}
