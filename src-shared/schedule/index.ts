/** Public API of the schedule domain (see docs/schedule.md). */
export * from './time';
export * from './recurrence';
export * from './expand';
export * from './edit';
export * from './conflicts';
export * from './rooms';
export * from './attendance';
export * from './reminders';
export * from './ics';
export * from './vtimezone';
export * from './export-csv';
export * from './timetable';
export * from './sample';
export * from './validity';
export * from './makeup-slot';
