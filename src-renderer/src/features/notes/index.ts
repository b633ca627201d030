/** Lesson notes and progress notes: the occurrence panel's note, draft recovery, sample notes. */
import type { FeatureManifest } from '../../app/registry';
import { LessonNoteSection } from './LessonNoteSection';
import { NoteDraftRecovery } from './NoteDraftRecovery';
import { addSampleNotes } from './sample';

export const notesFeature: FeatureManifest = {
  id: 'notes',
  topbar: [{ id: 'notes-recovery', label: 'Note recovery', side: 'start', component: NoteDraftRecovery }],
  occurrencePanelSections: [{ id: 'lesson-note', title: 'Lesson note', component: LessonNoteSection }],
  sampleData: addSampleNotes,
};

export { lessonNoteId } from './LessonNoteSection';
export { LESSON_NOTE_FIELDS, NoteEditor, PROGRESS_NOTE_FIELDS } from './NoteEditor';
export { NoteConflicts } from './NoteConflicts';
