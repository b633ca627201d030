/**
 * The feature registry: each feature folder contributes its screens here. The shell builds the
 * navigation and routing from this list, so adding a feature touches one line.
 */
import type { ComponentType } from 'react';
import type { IconName } from '../ui/Icon';
import { StudentsScreen } from '../features/students/StudentsScreen';
import { FamiliesScreen } from '../features/families/FamiliesScreen';
import { StaffScreen } from '../features/staff/StaffScreen';
import { SettingsScreen } from '../features/settings/SettingsScreen';
import { ScheduleScreen, ScheduleTopbarItem } from '../features/schedule';
import { TodayScreen } from '../features/attendance';
import { NoteDraftRecovery } from '../features/notes';
import { SearchBox } from '../features/search/SearchBox';
import { SyncIndicator, SyncScreen } from '../features/sync';
import { InvoicesScreen, PaymentsScreen, ReportsScreen, PayrollScreen } from '../features/invoices';

export interface FeatureScreen {
  path: string;
  label: string;
  icon: IconName;
  section: 'practice' | 'money' | 'admin';
  component: ComponentType;
}

/**
 * Items of the top bar (global search, sync status, …), contributed by features in order.
 * Each is a small component; the bar is always visible. order < 50: left side, ≥ 50: right side.
 */
export interface TopbarItem {
  id: string;
  order: number;
  component: ComponentType;
}
export const TOPBAR: TopbarItem[] = [
  { id: 'search', order: 10, component: SearchBox },
  { id: 'notes-recovery', order: 49, component: NoteDraftRecovery },
];
TOPBAR.push({ id: 'schedule-next-lesson', order: 60, component: ScheduleTopbarItem });
TOPBAR.push({ id: 'sync-status', order: 90, component: SyncIndicator });

export const FEATURES: FeatureScreen[] = [
  { path: '/students', label: 'Students', icon: 'students', section: 'practice', component: StudentsScreen },
  { path: '/families', label: 'Families', icon: 'family', section: 'practice', component: FamiliesScreen },
  { path: '/schedule', label: 'Schedule', icon: 'calendar', section: 'practice', component: ScheduleScreen },
  { path: '/today', label: 'Today', icon: 'today', section: 'practice', component: TodayScreen },
  { path: '/invoices', label: 'Invoices', icon: 'invoice', section: 'money', component: InvoicesScreen },
  { path: '/payments', label: 'Payments', icon: 'payment', section: 'money', component: PaymentsScreen },
  { path: '/reports', label: 'Reports', icon: 'reports', section: 'money', component: ReportsScreen },
  { path: '/payroll', label: 'Payroll', icon: 'payroll', section: 'money', component: PayrollScreen },
  { path: '/staff', label: 'Staff', icon: 'staff', section: 'admin', component: StaffScreen },
  { path: '/settings', label: 'Settings', icon: 'settings', section: 'admin', component: SettingsScreen },
  { path: '/sync', label: 'Sync', icon: 'cloud', section: 'admin', component: SyncScreen },
];
