/** Students: the students table, the student dialog, CSV import and export, and each student's timeline. */
import type { FeatureManifest } from '../../app/registry';
import { StudentsScreen } from './StudentsScreen';

export const studentsFeature: FeatureManifest = {
  id: 'students',
  screens: [{ path: '/students', label: 'Students', icon: 'students', section: 'practice', component: StudentsScreen }],
};
