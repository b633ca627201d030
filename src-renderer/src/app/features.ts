/**
 * The features of TutorDesk, in the one order the shell uses for everything they contribute
 * (app/registry.tsx): the sidebar entries of each section, the top-bar items of each side, the
 * Settings cards, the occurrence panel's sections and the sample data all follow this list.
 *
 * The order matters for the sample data: the schedule's lessons are written before the notes
 * and invoices made from them. Adding a feature is one line here and a manifest in its folder.
 */
import type { FeatureManifest } from './registry';
import { studentsFeature } from '../features/students';
import { familiesFeature } from '../features/families';
import { scheduleFeature } from '../features/schedule';
import { attendanceFeature } from '../features/attendance';
import { searchFeature } from '../features/search';
import { notesFeature } from '../features/notes';
import { staffFeature } from '../features/staff';
import { settingsFeature } from '../features/settings';
import { syncFeature } from '../features/sync';
import { billingFeature } from '../features/billing';
import { mailFeature } from '../features/mail';
import { backupFeature } from '../features/backup';
import { onboardingFeature } from '../features/onboarding';

export const FEATURES: readonly FeatureManifest[] = [
  studentsFeature,
  familiesFeature,
  scheduleFeature,
  attendanceFeature,
  searchFeature,
  notesFeature,
  staffFeature,
  settingsFeature,
  syncFeature,
  billingFeature,
  mailFeature,
  backupFeature,
  onboardingFeature,
];
