import type { TutorDatabase } from '../../data';
import { insertAllOrNothing } from '../../data';
import type { SampleExtender } from '../../app/registry';
import type { Lesson, Occurrence } from '../../../../src-shared/model/types';
import { generateSampleLessonNotes } from '../../../../src-shared/notes/sample';
import { lessonNoteId } from './LessonNoteSection';

/**
 * "Load a sample practice": lesson notes on the sample's attended lessons and progress notes
 * (runs after the schedule's sample lessons: app/features.ts lists the schedule first).
 */
export const addSampleNotes: SampleExtender = async (db: TutorDatabase, practice) => {
  const [lessons, occurrences] = await Promise.all([
    db.lessons.find().exec(),
    db.occurrences.find({ selector: { status: 'attended' } }).exec(),
  ]);
  if (lessons.length === 0) return;
  const first = new Map(practice.students.map((s) => [s.id, s.firstName]));
  const notes = generateSampleLessonNotes({
    lessons: lessons.map((d) => d.toJSON() as Lesson),
    occurrences: occurrences.map((d) => d.toJSON() as Occurrence),
    studentFirstName: (id) => first.get(id) ?? '',
    noteId: lessonNoteId,
    deviceId: practice.settings.deviceId,
  });
  await insertAllOrNothing(db, [{ collection: 'notes', docs: notes }]);
};
