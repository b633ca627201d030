/** Attendance: the occurrence panel's attendance, the attendance policy, the Today screen, make-up credits. */
import type { FeatureManifest } from '../../app/registry';
import { AttendancePolicySettings } from './AttendancePolicySettings';
import { AttendanceSection } from './AttendanceSection';
import { TodayScreen } from './TodayScreen';

export const attendanceFeature: FeatureManifest = {
  id: 'attendance',
  screens: [{ path: '/today', label: 'Today', icon: 'today', section: 'practice', component: TodayScreen }],
  settingsSections: [{ id: 'attendance-policy', title: 'Attendance policy', component: AttendancePolicySettings, writes: ['settings'] }],
  occurrencePanelSections: [{ id: 'attendance', title: 'Attendance', component: AttendanceSection, writes: ['occurrences'] }],
};

export { MakeupCreditsBadge, MakeupCreditsCard } from './MakeupCredits';
