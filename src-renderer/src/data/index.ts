/**
 * The data layer's one public entry: the local database (RxDB over Dexie/IndexedDB), the write
 * path, and the sync client (./sync/, docs/sync.md). Features, the app shell and the entry point
 * import from here and from nothing else inside `data/` (docs/architecture.md).
 */
export { createTutorDatabase, removeTutorDatabase, type TutorDatabase } from './database';
export { deleteDexieDatabases, tutorDexieStorage } from './dexie-storage';
export { insertAllOrNothing, insertDoc, newId, saveDoc, type DocOf, type ValuesOf } from './repo';
export { localDoc$ } from './local-docs';
export {
  attachSnapshots,
  checkpointBefore,
  flushSnapshotWrites,
  forEachChangeSince,
  loadCollection,
  MAX_CATCH_UP,
  openSnapshotStore,
  plainResults,
  readPartSnapshot,
  scheduleSave,
  scheduleWrite,
  settledCheckpoint,
  snapshotStoreOf,
  type PartSnapshot,
  type SnapshotStore,
} from './snapshots';
export { watchCollection } from './collection-mirror';
export { deleteDoc, undeleteDoc } from './sync-delete';
export {
  dismissHeldIntent,
  IntentError,
  pendingIntents,
  recoverIntents,
  runIntent,
  runIntents,
  watchHeldIntents,
  type HeldIntent,
  type RecoverySummary,
} from './intents';
export { loadMergeDocs, writeMergePlan } from './merge';
export { followUpMerges, followUpMergesAtStart, type MergeFollowUpResult } from './merge-followup';
export { checkOrphanClaims, releaseReviewedClaim, watchClaimReviews, type ClaimReview } from './claims-check';
export { checkMoneyRecordsOf, keepMoneyReviewFresh, watchMoneyReview, type MoneyCheckFormat, type MoneyFinding } from './money-check';
export { dismissQuarantined, dismissSyncConflict, watchQuarantine, watchSyncConflicts } from './sync/review-lists';
export type { SyncErrorKind } from './sync/errors';
export { testConnection, type ConnectionTestResult } from './sync/connection-check';
export { checkPracticeRules, type PracticeRulesCheck } from './sync/rules-check';
export type { OnlineSource } from './sync/session';
export type { SyncState, SyncStatus, SyncStatusError } from './sync/status';
export { startSync, type StartSyncOptions, type SyncHandle } from './sync/start-sync';
export { PracticeKeyring, type KeyVault, type KeyringState } from './sync/keyring';
export { collectBackupData, restoreBackupData, restoreIntoNewDatabase, RestoreError, type RestoreSummary } from './backup';
export {
  activeDatabaseName,
  beginReplacement,
  databasesToRemove,
  forgetRemovedDatabase,
  newDatabaseName,
  switchActiveDatabase,
} from './active-database';
export { SYNC_STATE_LOCAL_ID } from './sync/pending';
