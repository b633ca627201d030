/** Attendance: occurrence panel section, settings section, Today screen. */
import { registerOccurrencePanelSection } from '../schedule/extensions';
import { registerSettingsSection } from '../settings/SettingsScreen';
import { AttendanceSection } from './AttendanceSection';
import { AttendancePolicySettings } from './AttendancePolicySettings';

registerOccurrencePanelSection('attendance', AttendanceSection, { title: 'Attendance', order: 10 });
registerSettingsSection('attendance-policy', 'Attendance policy', AttendancePolicySettings);

export { TodayScreen } from './TodayScreen';
export { BookMakeupDialog } from './BookMakeupDialog';
export { useStudentMakeupCredits } from './queries';
