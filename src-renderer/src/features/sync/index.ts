/**
 * Sync feature: the always-visible status indicator (top bar), the Sync screen (connection
 * settings, conflicts, refused changes) and its entry in Settings. Imported once from
 * app/features.tsx. The replication itself is src-renderer/src/data/replication.ts.
 */
import { registerSettingsSection } from '../settings/SettingsScreen';
import { SyncSettingsSection } from './SyncSettingsSection';

registerSettingsSection('sync', 'Sync', SyncSettingsSection);

export { SyncIndicator } from './SyncIndicator';
export { SyncScreen } from './SyncScreen';
/** The connection form and status on its own (e.g. for a "join a practice" card on the welcome screen). */
export { ConnectionTab as SyncConnectionForm } from './ConnectionTab';
export { syncControllerFor, type SyncController, type SyncSnapshot } from './controller';
