/**
 * Schedule: the calendar, the lesson editor, the next-lesson reminder in the top bar, schedule
 * settings, the rooms, the sample lessons, and the students table's lesson dates.
 */
import type { FeatureManifest } from '../../app/registry';
import { useScheduleLessonDates } from './lesson-dates';
import { ScheduleTopbarItem } from './Reminders';
import { addSampleLessons } from './sample';
import { ScheduleScreen } from './ScheduleScreen';
import { ScheduleSettings } from './ScheduleSettings';
import { RoomSettings } from './RoomSettings';

export const scheduleFeature: FeatureManifest = {
  id: 'schedule',
  screens: [{ path: '/schedule', label: 'Schedule', icon: 'calendar', section: 'practice', component: ScheduleScreen }],
  topbar: [{ id: 'schedule-next-lesson', label: 'Next lesson', side: 'end', component: ScheduleTopbarItem }],
  settingsSections: [
    { id: 'schedule', title: 'Schedule', component: ScheduleSettings, writes: ['settings', 'closures'] },
    { id: 'rooms', title: 'Rooms', component: RoomSettings, writes: ['settings', 'lessons', 'occurrences'] },
  ],
  sampleData: addSampleLessons,
  lessonDates: useScheduleLessonDates,
};

export { scheduleStoreFor, useScheduleStore, type ScheduleStore } from './store';
