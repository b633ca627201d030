import { describe, expect, it } from 'vitest';
import { proposeMakeupStart, type MakeupSlotInput } from '../../../src-shared/schedule/makeup-slot';
import { findLessonConflicts } from '../../../src-shared/schedule/conflicts';
import { createLesson } from '../../../src-shared/schedule/edit';
import { at, closure, ctx, lesson, wall } from './fixtures';

const LON = 'Europe/London';
/** Olivia's own weekly lesson: Mondays 16:00 with tutor-1 in Room 1. */
const regular = () =>
  lesson({ start: at('2025-03-10T16:00', LON), rrule: 'FREQ=WEEKLY;BYDAY=MO', studentIds: ['student-1'], room: 'Room 1' }, 'regular');

function input(over: Partial<MakeupSlotInput> = {}): MakeupSlotInput {
  return {
    missedStart: at('2025-03-17T16:00', LON),
    durationMinutes: 60,
    tutorId: 'tutor-1',
    studentId: 'student-1',
    room: 'Room 1',
    zone: LON,
    now: at('2025-03-17T18:00', LON),
    lessons: [regular()],
    occurrences: [],
    closures: [],
    ...over,
  };
}

/** The conflicts a make-up lesson at `start` would have (what the dialog warns about). */
function clashes(start: string, i: MakeupSlotInput) {
  const draft = createLesson(
    { tutorId: i.tutorId, studentIds: [i.studentId], subject: 'Maths', room: i.room, start, durationMinutes: 60, timeZone: LON },
    ctx,
    () => 'makeup',
  );
  const end = new Date(Date.parse(start) + 3_600_000).toISOString();
  return findLessonConflicts(draft, i.lessons, i.occurrences, i.closures, { start, end }, LON);
}

describe('proposeMakeupStart', () => {
  it('does not propose the student’s own next lesson a week later', () => {
    const i = input();
    // A week after the missed Monday is the regular Monday lesson: a clash.
    expect(
      clashes(at('2025-03-24T16:00', LON), i)
        .map((c) => c.kind)
        .sort(),
    ).toEqual(['room', 'student', 'tutor']);
    const start = proposeMakeupStart(i);
    expect(wall(start, LON)).toBe('2025-03-18T16:00');
    expect(clashes(start, i)).toEqual([]);
  });

  it('skips days when the tutor or the room is booked, and closed days', () => {
    const busyTutor = lesson(
      { start: at('2025-03-11T15:30', LON), rrule: 'FREQ=WEEKLY;BYDAY=TU,WE', studentIds: ['student-2'], room: 'Room 2' },
      'busy-tutor',
    );
    const busyRoom = lesson(
      { start: at('2025-03-13T16:30', LON), rrule: 'FREQ=WEEKLY;BYDAY=TH', tutorId: 'tutor-2', studentIds: ['student-3'], room: 'room 1' },
      'busy-room',
    );
    const i = input({ lessons: [regular(), busyTutor, busyRoom], closures: [closure('2025-03-21', '2025-03-23', 'Spring break')] });
    const start = proposeMakeupStart(i);
    // Tue, Wed: tutor; Thu: room; Fri to Sun: closed; Mon: the regular lesson; Tue 25 to Thu 27 busy again.
    expect(wall(start, LON)).toBe('2025-03-28T16:00');
    expect(clashes(start, i)).toEqual([]);
  });

  it('keeps the local time of day across the change to summer time', () => {
    const start = proposeMakeupStart(input({ missedStart: at('2025-03-24T16:00', LON), now: at('2025-03-29T12:00', LON) }));
    expect(wall(start, LON)).toBe('2025-03-30T16:00');
    expect(start).toBe('2025-03-30T15:00:00.000Z');
  });

  it('proposes a day after a missed lesson that is still to come, never before it', () => {
    const start = proposeMakeupStart(input({ missedStart: at('2025-03-24T16:00', LON), now: at('2025-03-17T09:00', LON) }));
    expect(wall(start, LON)).toBe('2025-03-25T16:00');
  });

  it('falls back to a week later when no day is free, so the clash warning explains it', () => {
    const daily = lesson(
      { start: at('2025-03-01T16:00', LON), rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', studentIds: ['student-2'] },
      'daily',
    );
    const start = proposeMakeupStart(input({ lessons: [regular(), daily], maxDays: 10 }));
    expect(wall(start, LON)).toBe('2025-03-24T16:00');
  });
});
