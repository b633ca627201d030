/**
 * Schedule feature registrations (imported once from app/features.tsx): the settings section,
 * the sample lessons of "Load a sample practice" and the students table's lesson dates.
 */
import { registerSettingsSection } from '../settings/SettingsScreen';
import { registerSampleExtender } from '../onboarding/load-sample';
import { registerLessonDatesProvider } from '../students/lesson-dates';
import { ScheduleSettings } from './ScheduleSettings';
import { addSampleLessons } from './sample';
import { useScheduleLessonDates } from './lesson-dates';

registerSettingsSection('schedule', 'Schedule', ScheduleSettings);
registerSampleExtender(addSampleLessons);
registerLessonDatesProvider(useScheduleLessonDates);

export { ScheduleScreen } from './ScheduleScreen';
export { ScheduleTopbarItem } from './Reminders';
export { registerOccurrencePanelSection } from './extensions';
