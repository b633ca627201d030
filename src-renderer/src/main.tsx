import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { tutorDexieStorage } from './data';
import './styles.css';
import { App } from './app/App';
import { AppProvider, loadDevice } from './app/AppContext';
import { FEATURES } from './app/features';
import { combineFeatures, FeatureRegistryProvider } from './app/registry';
import {
  activeDatabaseName,
  attachSnapshots,
  checkMoneyRecordsOf,
  flushSnapshotWrites,
  checkOrphanClaims,
  createTutorDatabase,
  databasesToRemove,
  deleteDexieDatabases,
  followUpMergesAtStart,
  forgetRemovedDatabase,
  recoverIntents,
  openSnapshotStore,
  removeTutorDatabase,
} from './data';
import { whenStarted } from './app/startup';
import { ErrorBoundary, PartFailure } from './ui/ErrorBoundary';
import { ToastProvider } from './ui/Toast';

/**
 * True only in the test build (`npm run build:web`, vite.renderer.config.ts): the product build
 * replaces it with `false` and drops the test hooks with the dead branch below.
 */
declare const __TEST_HOOKS__: boolean;

async function start() {
  const root = createRoot(document.getElementById('root')!);
  try {
    const features = combineFeatures(FEATURES);
    // The pointer names the database holding the practice (data/active-database.ts): it moves
    // only when a replacing restore has fully succeeded. What such a restore left behind (the
    // replaced practice, or a restore cut short) is removed once this one has opened.
    const name = activeDatabaseName(localStorage);
    const db = await createTutorDatabase({ name, storage: tutorDexieStorage(), validate: 'precompiled' });
    // Large screens start from snapshots caught up with the database (docs/architecture.md).
    try {
      const snapshots = await openSnapshotStore(name, indexedDB);
      attachSnapshots(db, snapshots);
      // What waits to be saved (throttled while the app is in use) is saved when the window
      // goes to the background, where a pause of the page is not felt.
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'hidden') void flushSnapshotWrites(snapshots);
      });
    } catch (e) {
      console.warn('Start-up snapshots are off: their database could not be opened', e);
    }
    for (const old of databasesToRemove(localStorage)) {
      void removeTutorDatabase(old, tutorDexieStorage())
        .then(() => deleteDexieDatabases(old))
        .then(() => forgetRemovedDatabase(old, localStorage))
        .catch((e: unknown) => console.error(`Removing the replaced database ${old} failed`, e));
    }
    const device = await loadDevice(db);
    // Writes that stopped half-way last time are finished or undone before any screen reads
    // (docs/data-model.md "Writes that span several documents"); then, once the first screen is
    // up, orphan billing claims are released (docs/billing.md "Billing claims"), what still
    // points at a merged family or student is moved to it (docs/data-model.md "Merging
    // duplicates"), and the money records are checked.
    const ctx = () => ({ deviceId: device.deviceId, staffId: device.meStaffId || 'unknown', now: new Date() });
    try {
      await recoverIntents(db, ctx());
    } catch (e) {
      console.error('Recovering unfinished writes failed', e);
    }
    void whenStarted()
      .then(() => checkOrphanClaims(db, ctx(), { invoicesCaughtUp: false }))
      .catch((e: unknown) => console.error('Orphan-claim check failed', e))
      .then(() => followUpMergesAtStart(db, ctx()))
      .catch((e: unknown) => console.error('Moving records to merged families and students failed', e))
      // Then the money records (docs/billing.md "Corrections and refunds": "After sync").
      .then(() => checkMoneyRecordsOf(db))
      .catch((e: unknown) => console.error('Money-records check failed', e));
    if (__TEST_HOOKS__ && new URLSearchParams(window.location.search).has('testHooks')) {
      const { installTestHooks } = await import('./testing/install');
      installTestHooks(db, features);
    }
    root.render(
      <StrictMode>
        <ToastProvider>
          <FeatureRegistryProvider registry={features}>
            <AppProvider db={db} initialDevice={device}>
              {/* The last line of defence: screens and top-bar items have their own (app/App.tsx). */}
              <ErrorBoundary fallback={(error, retry) => <AppFailure error={error} retry={retry} />}>
                <App />
              </ErrorBoundary>
            </AppProvider>
          </FeatureRegistryProvider>
        </ToastProvider>
      </StrictMode>,
    );
  } catch (e) {
    console.error(e);
    root.render(
      <div className="empty" role="alert">
        <h2>TutorDesk could not open its database</h2>
        <p>{(e as Error).message}</p>
        <p>Your data has not been changed. Close other TutorDesk windows and start it again.</p>
      </div>,
    );
  }
}

/** When the shell itself cannot be drawn: the reason and a way back, never a blank window. */
function AppFailure({ error, retry }: { error: Error; retry: () => void }) {
  return (
    <main className="app-failure">
      <PartFailure what="This window" error={error} retry={retry} />
      <p className="muted">Your data has not been changed. If this keeps happening, reload the window.</p>
      <button type="button" className="btn" onClick={() => window.location.reload()}>
        Reload
      </button>
    </main>
  );
}

void start();
