import { describe, expect, it } from 'vitest';
import type { Lesson, Occurrence } from '../../../src-shared/model/types';
import { generateSampleLessonNotes } from '../../../src-shared/notes/sample';
import { createLesson, writeOccurrence } from '../../../src-shared/schedule/edit';
import { ruleInstances } from '../../../src-shared/schedule/recurrence';

const ctx = { staffId: 'tutor-1', deviceId: 'd', now: new Date('2026-01-01T00:00:00Z') };

describe('sample lesson notes', () => {
  it('writes lesson notes only on attended lessons, dated after them, and progress notes per student; deterministic', () => {
    const lesson: Lesson = createLesson(
      {
        tutorId: 'tutor-1',
        studentIds: ['s1'],
        subject: 'Biology',
        start: '2026-01-05T16:00:00Z',
        durationMinutes: 60,
        timeZone: 'Europe/London',
        rrule: 'FREQ=WEEKLY;BYDAY=MO',
      },
      ctx,
      () => 'lesson-1',
    );
    const starts = ruleInstances(lesson, Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-03-01T00:00:00Z'));
    const occurrences: Occurrence[] = starts.map((ms, i) =>
      writeOccurrence(lesson, ms, null, { status: i % 4 === 3 ? 'no_show' : 'attended', statusChangedAt: new Date(ms).toISOString() }, ctx),
    );
    const make = () =>
      generateSampleLessonNotes({
        lessons: [lesson],
        occurrences,
        studentFirstName: () => 'Ada',
        noteId: (o) => `note-${o}`,
        deviceId: 'd',
        share: 1,
        seed: 3,
      });
    const notes = make();
    const lessonNotes = notes.filter((n) => n.kind === 'lesson');
    const attended = occurrences.filter((o) => o.status === 'attended');
    expect(lessonNotes.map((n) => n.occurrenceId).sort()).toEqual(attended.map((o) => o.id).sort());
    for (const n of lessonNotes) {
      expect(n.id).toBe(`note-${n.occurrenceId}`);
      expect(n.studentIds).toEqual(['s1']);
      expect(n.covered.length).toBeGreaterThan(0);
      expect(Date.parse(n.createdAt)).toBeGreaterThan(Date.parse(n.occurrenceId.split('@')[1]!));
    }
    expect(notes.filter((n) => n.kind === 'progress').every((n) => n.studentIds[0] === 's1')).toBe(true);
    expect(make()).toEqual(notes);
  });
});
