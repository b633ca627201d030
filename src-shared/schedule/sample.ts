/**
 * Deterministic demo/benchmark data for the schedule and notes: weekly series spread over the
 * tutors' working week, a few skipped and moved lessons, attendance for the past, holidays, and
 * lesson/progress notes with varied text. Used by the seed script and the benchmarks
 * (e.g. 2,000 series × 52 weeks ≈ 100,000 occurrences in a year; 50,000 notes).
 */
import { DateTime } from 'luxon';
import { stampChange, type ChangeContext } from '../model/meta';
import type { AttendanceStatus, Closure, Lesson, Note, Occurrence, PracticeRoom } from '../model/types';
import { seededRandom } from '../random';
import { createLesson, overrideOccurrence, skipOccurrence, writeOccurrence } from './edit';
import { ruleInstances } from './recurrence';
import { canonicalInstant } from './time';

export interface SampleScheduleOptions {
  tutorIds: readonly string[];
  studentIds: readonly string[];
  subjects?: readonly string[];
  timeZone: string;
  /** Number of weekly series. */
  series: number;
  /** First week (YYYY-MM-DD, a date in it). */
  from: string;
  /** Lessons before this instant get an attendance status. */
  now: Date;
  seed?: number;
  deviceId?: string;
}

const SUBJECTS = [
  'Maths',
  'English',
  'Physics',
  'Chemistry',
  'Biology',
  'French',
  'Spanish',
  'Piano',
  'Computer Science',
  'History',
  'Geography',
  '11+ prep',
];
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

/** The sample practice's rooms (Settings › Rooms), which its lessons are booked in. */
export const SAMPLE_ROOMS: readonly PracticeRoom[] = [
  { id: 'sample-room-1', name: 'Room 1', location: 'Main office', active: true },
  { id: 'sample-room-2', name: 'Room 2', location: 'Main office', active: true },
  { id: 'sample-room-3', name: 'Room 3', location: 'Main office', active: true },
  { id: 'sample-room-4', name: 'Music room', location: 'Main office', active: true },
];

export function generateSampleSchedule(opts: SampleScheduleOptions): { lessons: Lesson[]; occurrences: Occurrence[]; closures: Closure[] } {
  const rand = seededRandom(opts.seed ?? 7);
  const ctx: ChangeContext = { staffId: 'sample', deviceId: opts.deviceId ?? 'sample', now: opts.now };
  let n = 0;
  const id = (prefix: string) => () => `${prefix}-${(opts.seed ?? 7).toString(36)}-${(n++).toString(36).padStart(6, '0')}`;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const subjects = opts.subjects ?? SUBJECTS;
  const weekStart = DateTime.fromISO(opts.from, { zone: opts.timeZone }).startOf('week');
  const lessons: Lesson[] = [];
  const occurrences: Occurrence[] = [];
  const nowMs = opts.now.getTime();
  for (let i = 0; i < opts.series; i += 1) {
    const dayIndex = Math.floor(rand() * WEEKDAYS.length);
    const hour = dayIndex === 5 ? 9 + Math.floor(rand() * 5) : 15 + Math.floor(rand() * 5);
    const start = weekStart.plus({ days: dayIndex }).set({ hour, minute: rand() < 0.5 ? 0 : 30 });
    const group = rand() < 0.1;
    const students = group
      ? [pick(opts.studentIds), pick(opts.studentIds)].filter((s, k, a) => a.indexOf(s) === k)
      : [pick(opts.studentIds)];
    // Drawn in the order they always were: the same seed gives the same practice.
    const subject = pick(subjects);
    const room = rand() < 0.5 ? SAMPLE_ROOMS[Math.floor(rand() * SAMPLE_ROOMS.length)]! : undefined;
    const typedLocation = rand() < 0.2 ? 'Online' : 'Main office';
    let lesson = createLesson(
      {
        tutorId: opts.tutorIds[i % opts.tutorIds.length]!,
        studentIds: students,
        subject,
        room: room?.name ?? '',
        // A lesson in a room is where the room is.
        location: room ? room.location : typedLocation,
        onlineUrl: '',
        start: start.toUTC().toISO()!,
        durationMinutes: pick([30, 45, 60, 60, 60, 90]),
        timeZone: opts.timeZone,
        rrule: `FREQ=WEEKLY;INTERVAL=${rand() < 0.15 ? 2 : 1};BYDAY=${WEEKDAYS[dayIndex]}`,
      },
      ctx,
      id('lesson'),
    );
    const firstYear = ruleInstances(lesson, Date.parse(lesson.start), Date.parse(lesson.start) + 366 * 86_400_000);
    if (rand() < 0.3 && firstYear.length > 10)
      lesson = skipOccurrence(lesson, canonicalInstant(firstYear[Math.floor(rand() * firstYear.length)]!), ctx);
    let movedMs = NaN;
    if (rand() < 0.2 && firstYear.length > 10) {
      const orig = firstYear[Math.floor(rand() * firstYear.length)]!;
      if (!lesson.exdates.includes(canonicalInstant(orig))) {
        occurrences.push(overrideOccurrence(lesson, canonicalInstant(orig), null, { start: canonicalInstant(orig + 86_400_000) }, ctx));
        movedMs = orig;
      }
    }
    for (const ms of firstYear) {
      if (ms >= nowMs || ms === movedMs || lesson.exdates.includes(canonicalInstant(ms))) continue;
      const r = rand();
      const status: AttendanceStatus =
        r < 0.88
          ? 'attended'
          : r < 0.93
            ? 'cancelled_student_in_time'
            : r < 0.96
              ? 'cancelled_student_late'
              : r < 0.98
                ? 'no_show'
                : 'cancelled_tutor';
      occurrences.push(writeOccurrence(lesson, ms, null, { status, statusChangedAt: new Date(ms).toISOString() }, ctx));
    }
    lessons.push(lesson);
  }
  const year = weekStart.year;
  const closures = [
    [`${year}-12-24`, `${year + 1}-01-01`, 'Christmas holidays'],
    [`${year}-08-01`, `${year}-08-15`, 'Summer break'],
  ].map(([startDate, endDate, label]) =>
    stampChange<Closure>(undefined, { startDate: startDate!, endDate: endDate!, label: label! }, ctx, id('closure')),
  );
  return { lessons, occurrences, closures };
}

const TOPICS = [
  'equivalent fractions',
  'long division',
  'simultaneous equations',
  'quadratic formula',
  'Pythagoras',
  'photosynthesis',
  'the water cycle',
  'balancing equations',
  'Newton\u2019s laws',
  'persuasive writing',
  'Macbeth act 2',
  'poetry analysis',
  'past tense verbs',
  'the subjunctive',
  'C major scale',
  'sight reading',
  'Python loops',
  'the Tudors',
  'volcanoes',
  'verbal reasoning',
  'comprehension',
  'spelling patterns',
  'probability trees',
  'circle theorems',
  'electrolysis',
  'cell division',
];
const OPENERS = ['Worked on', 'Revised', 'Introduced', 'Practised', 'Started', 'Finished', 'Reviewed'];
const COMMENTS = [
  'Good progress today.',
  'Needs more practice at home.',
  'Confident with the basics now.',
  'Struggled a little with the harder questions.',
  'Excellent focus throughout.',
  'Asked great questions.',
  'Tired today, kept it light.',
  'Ready for the mock exam.',
];

/** `count` notes spread over the students (lesson notes and progress notes), deterministic. */
export function generateSampleNotes(
  count: number,
  opts: { studentIds: readonly string[]; authorIds: readonly string[]; now: Date; seed?: number; deviceId?: string },
): Note[] {
  const rand = seededRandom(opts.seed ?? 11);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const out: Note[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = new Date(opts.now.getTime() - Math.floor(rand() * 365 * 86_400_000));
    const ctx: ChangeContext = { staffId: pick(opts.authorIds), deviceId: opts.deviceId ?? 'sample', now: at };
    const topic = pick(TOPICS);
    const lesson = rand() < 0.7;
    const body = `${pick(OPENERS)} ${topic}. ${pick(COMMENTS)} ${pick(OPENERS)} ${pick(TOPICS)} briefly. ${pick(COMMENTS)}`;
    out.push(
      stampChange<Note>(
        undefined,
        {
          kind: lesson ? 'lesson' : 'progress',
          studentIds: [pick(opts.studentIds)],
          lessonId: '',
          occurrenceId: '',
          authorId: ctx.staffId,
          title: lesson ? `Lesson: ${topic}` : `Progress: ${topic}`,
          body,
          covered: lesson ? topic : '',
          homework: lesson && rand() < 0.6 ? `Worksheet ${1 + Math.floor(rand() * 20)} on ${pick(TOPICS)}` : '',
          nextSteps: rand() < 0.5 ? `Next: ${pick(TOPICS)}` : '',
          conflicts: [],
        },
        ctx,
        () => `note-${(opts.seed ?? 11).toString(36)}-${i.toString(36).padStart(6, '0')}`,
      ),
    );
  }
  return out;
}
