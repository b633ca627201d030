/** Lesson notes and progress notes: registered into the occurrence panel and the app shell. */
import { registerOccurrencePanelSection } from '../schedule/extensions';
import { registerSampleExtender } from '../onboarding/load-sample';
import { LessonNoteSection } from './LessonNoteSection';
import { addSampleNotes } from './sample';

registerOccurrencePanelSection('lesson-note', LessonNoteSection, { title: 'Lesson note', order: 20 });
registerSampleExtender(addSampleNotes);

export { NoteDraftRecovery } from './NoteDraftRecovery';
export { lessonNoteId } from './LessonNoteSection';
