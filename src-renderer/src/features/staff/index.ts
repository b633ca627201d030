/** Staff: tutors and administrators, their roles and pay rates. */
import type { FeatureManifest } from '../../app/registry';
import { StaffScreen } from './StaffScreen';

export const staffFeature: FeatureManifest = {
  id: 'staff',
  screens: [{ path: '/staff', label: 'Staff', icon: 'staff', section: 'admin', component: StaffScreen }],
};
