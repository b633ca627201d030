/**
 * Sync feature: the always-visible status indicator (top bar), the Sync screen (connection
 * settings, conflicts, refused changes) and its entry in Settings. Imported once from
 * app/features.ts. The replication itself is the data layer's sync client (src-renderer/src/data/sync/).
 */
import type { FeatureManifest } from '../../app/registry';
import { SyncIndicator } from './SyncIndicator';
import { SyncScreen } from './SyncScreen';
import { SyncSettingsSection } from './SyncSettingsSection';

export const syncFeature: FeatureManifest = {
  id: 'sync',
  screens: [{ path: '/sync', label: 'Sync', icon: 'cloud', section: 'admin', component: SyncScreen }],
  topbar: [{ id: 'sync-status', label: 'Sync status', side: 'end', component: SyncIndicator }],
  settingsSections: [{ id: 'sync', title: 'Sync', component: SyncSettingsSection }],
};

/**
 * For the first-run screen's "Join an existing practice" (features/onboarding): the connection
 * form with its exact test-connection answers (`submit` = the controller's `join`), the status and
 * its first-sync progress bar, and the sync error as the Sync screen shows it.
 */
export { ConnectionDetailsForm as SyncConnectionForm, type ConnectionDetailsFormProps } from './ConnectionTab';
export { syncControllerFor, type ConnectOutcome, type SyncController, type SyncSnapshot } from './controller';
export { useSyncController, useSyncSnapshot } from './hooks';
export { ProgressBar as SyncProgressBar } from './SyncIndicator';
export { SyncErrorAlert } from './SyncErrorAlert';
export { SyncIcon } from './SyncIcon';
