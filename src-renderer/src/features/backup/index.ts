/** Backups: a Settings card to make a backup file, and the first-run screen's restore (docs/backup.md). */
import type { FeatureManifest } from '../../app/registry';
import { BackupReminder } from './BackupReminder';
import { BackupSection } from './BackupSection';

export const backupFeature: FeatureManifest = {
  id: 'backup',
  settingsSections: [{ id: 'backup', title: 'Backups', component: BackupSection }],
  topbar: [{ id: 'backup-reminder', label: 'Backup reminder', side: 'end', component: BackupReminder }],
};

export { RestoreFromBackup } from './RestoreFromBackup';
