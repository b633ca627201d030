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

/** The connection form and status on its own (e.g. for a "join a practice" card on the welcome screen). */
export { ConnectionTab as SyncConnectionForm } from './ConnectionTab';
export { syncControllerFor, type SyncController, type SyncSnapshot } from './controller';
