/**
 * The data layer's one public entry: the local database (RxDB over Dexie/IndexedDB), the write
 * path, and the sync client. Features, the app shell and the entry point import from here and
 * from nothing else inside `data/` (docs/architecture.md).
 */
export { createTutorDatabase, type TutorDatabase } from './database';
export { tutorDexieStorage } from './dexie-storage';
export { insertAllOrNothing, newId, saveDoc, type DocOf, type ValuesOf } from './repo';
export { localDoc$ } from './local-docs';
export { deleteDoc } from './sync-delete';
export { dismissQuarantined, dismissSyncConflict, watchQuarantine, watchSyncConflicts } from './sync-conflicts';
export type { SyncErrorKind } from './sync-errors';
export {
  bridgeOnlineSource,
  createBasicAuthFetch,
  createBridgeFetch,
  startSync,
  testConnection,
  type ConnectionTestResult,
  type SyncHandle,
  type SyncStatus,
} from './replication';
