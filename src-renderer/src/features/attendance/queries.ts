/**
 * Live data for the attendance controls, the Today screen and the student's make-up credits.
 * Occurrence documents are only ever read by primary key (their ids are deterministic,
 * `${lessonId}@${originalStart}`) or by the indexed lessonId, never by scanning the collection,
 * so this stays fast with 100,000 occurrences.
 */
import { useEffect, useMemo, useState } from 'react';
import { useApp, type AppServices } from '../../app/AppContext';
import type { Closure, Lesson, Occurrence, PracticeSettings } from '../../../../src-shared/model/types';
import { expandLessons, occurrenceId, type ExpandedOccurrence } from '../../../../src-shared/schedule/expand';
import { makeupCredits, type MakeupCredit } from '../../../../src-shared/schedule/attendance';
import { DAY_MS, localDaysRange, toMs } from '../../../../src-shared/schedule/time';
import { ruleInstances } from '../../../../src-shared/schedule/recurrence';
import { lessonProblem, occurrenceProblem } from '../../../../src-shared/schedule/validity';

/** A record left out because it cannot be expanded (src-shared/schedule/validity.ts). */
export interface SkippedRecord {
  id: string;
  reason: string;
}

/** Splits documents into those that can be drawn and those that cannot (with the reason). */
function drawable<T extends { id: string }>(docs: T[], problem: (doc: T) => string | null): { ok: T[]; skipped: SkippedRecord[] } {
  const ok: T[] = [];
  const skipped: SkippedRecord[] = [];
  for (const d of docs) {
    const reason = problem(d);
    if (reason) skipped.push({ id: d.id, reason });
    else ok.push(d);
  }
  return { ok, skipped };
}

type Sub = { unsubscribe(): void };

/** The stored Occurrence document of an occurrence id (null: none yet; undefined: loading). */
export function useOccurrenceDoc(id: string): Occurrence | null | undefined {
  const { db } = useApp();
  const [doc, setDoc] = useState<Occurrence | null | undefined>(undefined);
  useEffect(() => {
    const sub = db.occurrences.findOne(id).$.subscribe((d) => setDoc(d ? (d.toJSON() as Occurrence) : null));
    return () => sub.unsubscribe();
  }, [db, id]);
  return doc;
}

/** Lessons booked as make-ups for an occurrence (they consume its credits). */
export function useMakeupLessonsFor(occurrenceIdValue: string): Lesson[] {
  const { db } = useApp();
  const [lessons, setLessons] = useState<Lesson[]>([]);
  useEffect(() => {
    const sub = db.lessons
      .find({ selector: { makeupForOccurrenceId: occurrenceIdValue } })
      .$.subscribe((docs) => setLessons(docs.map((d) => d.toJSON() as Lesson)));
    return () => sub.unsubscribe();
  }, [db, occurrenceIdValue]);
  return lessons;
}

export interface StudentCredits {
  granted: MakeupCredit[];
  available: MakeupCredit[];
  consumed: MakeupCredit[];
  lessonsById: Map<string, Lesson>;
  occurrencesById: Map<string, Occurrence>;
}

/** A student's make-up credits (derived from their lessons' occurrences; src-shared/schedule/attendance.ts). */
export function useStudentMakeupCredits(studentId: string): StudentCredits | null {
  const { db, settings } = useApp();
  const [lessons, setLessons] = useState<Lesson[] | null>(null);
  const [occurrences, setOccurrences] = useState<Occurrence[] | null>(null);
  useEffect(() => {
    const sub = db.lessons
      .find({ selector: { studentIds: { $elemMatch: { $eq: studentId } } } } as never)
      .$.subscribe((docs) => setLessons(docs.map((d) => d.toJSON() as Lesson)));
    return () => sub.unsubscribe();
  }, [db, studentId]);
  const lessonKey =
    lessons
      ?.map((l) => l.id)
      .sort()
      .join(',') ?? null;
  useEffect(() => {
    if (lessonKey === null) return;
    const ids = lessonKey ? lessonKey.split(',') : [];
    const sub = db.occurrences
      .find({ selector: { lessonId: { $in: ids } } })
      .$.subscribe((docs) => setOccurrences(docs.map((d) => d.toJSON() as Occurrence)));
    return () => sub.unsubscribe();
  }, [db, lessonKey]);
  return useMemo(() => {
    if (!lessons || !occurrences || !settings) return null;
    const usable = { lessons: drawable(lessons, lessonProblem).ok, occurrences: drawable(occurrences, occurrenceProblem).ok };
    return {
      ...makeupCredits(studentId, usable.lessons, usable.occurrences, settings.attendance),
      lessonsById: new Map(lessons.map((l) => [l.id, l])),
      occurrencesById: new Map(occurrences.map((o) => [o.id, o])),
    };
  }, [lessons, occurrences, settings, studentId]);
}

/**
 * The occurrences of one local day (YYYY-MM-DD in the practice zone), live. Occurrence documents
 * are fetched by id for the instances of the surrounding week, which also finds an occurrence
 * moved into this day from up to a week away.
 */
export function useDayOccurrences(day: string): {
  occurrences: ExpandedOccurrence[];
  lessons: Lesson[];
  loading: boolean;
  skipped: SkippedRecord[];
} {
  const { db, settings } = useApp();
  const tz = settings?.timeZone ?? 'UTC';
  const [lessons, setLessons] = useState<Lesson[] | null>(null);
  const [closures, setClosures] = useState<Closure[]>([]);
  const [docs, setDocs] = useState<Occurrence[] | null>(null);
  useEffect(() => {
    const subs: Sub[] = [
      db.lessons.find({ selector: { cancelled: false } }).$.subscribe((d) => setLessons(d.map((x) => x.toJSON() as Lesson))),
      db.closures.find().$.subscribe((d) => setClosures(d.map((x) => x.toJSON() as Closure))),
    ];
    return () => subs.forEach((s) => s.unsubscribe());
  }, [db]);
  const range = useMemo(() => localDaysRange(day, day, tz), [day, tz]);
  const usable = useMemo(() => (lessons ? drawable(lessons, lessonProblem) : null), [lessons]);
  const ids = useMemo(() => {
    if (!usable) return null;
    const from = toMs(range.start) - 7 * DAY_MS;
    const to = toMs(range.end) + 7 * DAY_MS;
    const out: string[] = [];
    for (const l of usable.ok) {
      for (const ms of ruleInstances(l, from, to)) out.push(occurrenceId(l.id, ms));
    }
    return out.sort();
  }, [usable, range]);
  const idKey = ids?.join('\n') ?? null;
  useEffect(() => {
    if (idKey === null) return;
    const sub = db.occurrences
      .findByIds(idKey ? idKey.split('\n') : [])
      .$.subscribe((m) => setDocs([...m.values()].map((d) => d.toJSON() as Occurrence)));
    return () => sub.unsubscribe();
  }, [db, idKey]);
  const usableDocs = useMemo(() => (docs ? drawable(docs, occurrenceProblem) : null), [docs]);
  const occurrences = useMemo(
    () => (usable && usableDocs ? expandLessons(usable.ok, usableDocs.ok, closures, range, tz) : []),
    [usable, usableDocs, closures, range, tz],
  );
  const skipped = useMemo(() => [...(usable?.skipped ?? []), ...(usableDocs?.skipped ?? [])], [usable, usableDocs]);
  return { occurrences, lessons: usable?.ok ?? [], loading: lessons === null || docs === null, skipped };
}

/** Writes an Occurrence built by the schedule domain (recordAttendance…) through app.save. */
export async function saveOccurrence(app: AppServices, occ: Occurrence, extra: Partial<Occurrence> = {}): Promise<Occurrence> {
  const { id, createdAt: _c, updatedAt: _u, updatedBy: _b, deviceId: _d, fieldClock: _f, ...values } = occ;
  return app.save('occurrences', id, { ...values, ...extra });
}

export function attendanceSettings(settings: PracticeSettings | null): PracticeSettings['attendance'] {
  return (
    settings?.attendance ?? {
      billable: ['attended', 'cancelled_student_late', 'no_show'],
      payable: ['attended', 'cancelled_student_late', 'no_show'],
      cancellationNoticeHours: 24,
      makeupForInTimeCancellation: true,
    }
  );
}
