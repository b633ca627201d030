/** Backups: a Settings card to make a backup file, and the first-run screen's restore (docs/backup.md). */
import type { FeatureManifest } from '../../app/registry';
import { BackupSection } from './BackupSection';

export const backupFeature: FeatureManifest = {
  id: 'backup',
  settingsSections: [{ id: 'backup', title: 'Backups', component: BackupSection }],
};

export { RestoreFromBackup } from './RestoreFromBackup';
