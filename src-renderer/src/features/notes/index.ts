/** Lesson notes and progress notes: registered into the occurrence panel and the app shell. */
import { registerOccurrencePanelSection } from '../schedule/extensions';
import { LessonNoteSection } from './LessonNoteSection';

registerOccurrencePanelSection('lesson-note', LessonNoteSection, { title: 'Lesson note', order: 20 });

export { NoteDraftRecovery } from './NoteDraftRecovery';
export { lessonNoteId } from './LessonNoteSection';
