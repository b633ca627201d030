/**
 * `startSync`: the sync client's entry. It replicates every collection of the local database
 * with the practice's CouchDB-compatible server (one database per collection,
 * `tutordesk-<practice>-<collection>`) and keeps the status the indicator shows.
 *
 *   start-sync.ts ── session.ts (retry logic: one session at a time, backoff, reconnect)
 *        │               └─ connection.ts (one session)
 *        │                    ├─ connection-check.ts (_session first, then the databases)
 *        │                    ├─ replication.ts: per collection, RxDB's replicateRxCollection with
 *        │                    │    pull.ts (pull handler), push.ts (push handler), live-poll.ts (stream$)
 *        │                    └─ requests.ts (every request: ≤ 4 in flight, typed errors.ts) ← couchdb.ts (the calls)
 *        ├─ pending.ts (local changes not yet on the server)
 *        ├─ status.ts (what the indicator shows)
 *        ├─ reports.ts → review-lists.ts (refused changes, conflicts that need a person)
 *        └─ after each completed cycle: ../claims-check.ts (orphan claims), ../money-check.ts (money records)
 *
 * Requests go through the host's requester (`bridge.sync.fetch`), so the password never reaches
 * the renderer; the network state comes from the host too (`online`). Both are injected: this
 * folder uses no DOM.
 */
import type { RxCollection } from 'rxdb';
import { COLLECTION_NAMES, type CollectionName } from '../../../../src-shared/model/schemas';
import type { SyncRequester } from '../../../../src-shared/sync/http-contract';
import type { TutorDatabase } from '../database';
import { SyncConnection } from './connection';
import { SyncError } from './errors';
import type { PracticeKeyring } from './keyring';
import { normalizeServerUrl } from './connection-check';
import { PendingChanges } from './pending';
import { RepeatedRefusals } from './push';
import { SyncReports } from './reports';
import { dismissQuarantined, watchQuarantine, watchSyncConflicts } from './review-lists';
import { ALWAYS_ONLINE, Reconnector, type OnlineSource } from './session';
import { StatusStore, initialStatus, type SyncStatus } from './status';
import { checkOrphanClaims } from '../claims-check';
import { checkMoneyRecordsOf } from '../money-check';
import { mergesAfterSync } from '../merge-followup';

export interface StartSyncOptions {
  db: TutorDatabase;
  /** Server root, e.g. 'https://couch.example.org' (names the replication's checkpoints). */
  serverUrl: string;
  practice: string;
  /** Sends one request to the server with the stored credentials: the host bridge's `sync.fetch`. */
  request: SyncRequester;
  onStatus?: (status: SyncStatus) => void;
  /** Collections to replicate; default every collection the database has. */
  collections?: readonly CollectionName[];
  batchSize?: { push?: number; pull?: number };
  /** Live polling of the server's changes (ms). Default 2 000 after activity, up to 20 000 idle. */
  poll?: { minMs?: number; maxMs?: number };
  /** Reconnect backoff while the server is unreachable (ms). Default 1 000 … 60 000. */
  retry?: { initialMs?: number; maxMs?: number };
  /** The host's network state (default: always online). */
  online?: OnlineSource;
  /** Requests in flight at once (Chromium allows 6 per host). Default 4. */
  maxConcurrent?: number;
  /** End-to-end encryption of the practice's personal fields (keyring.ts). */
  keyring?: PracticeKeyring;
}

export interface SyncHandle {
  status(): SyncStatus;
  /** Polls and pushes now; reconnects at once if disconnected. Resolves with the status reached. */
  syncNow(options?: { timeoutMs?: number }): Promise<SyncStatus>;
  /** Resolves when every collection is in sync with the server (tests, "Sync now" feedback). */
  awaitInSync(timeoutMs?: number): Promise<void>;
  /** Pushes a refused document again (after it was edited, or after permissions changed). */
  retryQuarantined(collection: CollectionName, docId: string): Promise<void>;
  stop(): Promise<void>;
  /** Writes the server's records that still hold clear text again, encrypted (turning encryption on). */
  encryptServerRecords(): Promise<{ written: number; remaining: number }>;
}

/** Pull batches: a first sync of a big practice moves this many documents per request. */
const DEFAULT_PULL_BATCH = 500;
const DEFAULT_PUSH_BATCH = 200;

export async function startSync(options: StartSyncOptions): Promise<SyncHandle> {
  const { db, practice } = options;
  const serverRoot = normalizeServerUrl(options.serverUrl);
  const names = (options.collections ?? COLLECTION_NAMES).filter((c) => (db.collections as Record<string, unknown>)[c]);
  const collections = new Map(names.map((c) => [c, (db.collections as unknown as Record<string, RxCollection>)[c]!] as const));

  // The pending set first (it holds the last sync time), then the status that shows it.
  let status: StatusStore | null = null;
  let connection: SyncConnection | null = null;
  const pending = await PendingChanges.open({
    db,
    stateKey: `${serverRoot}|${practice}`,
    collections,
    lastSyncedAt: () => status?.get().lastSyncedAt ?? null,
    onChange: () => {
      status?.update();
      connection?.wake();
    },
  });
  const store = new StatusStore(initialStatus(pending.savedLastSyncedAt), () => ({ pending: pending.size }));
  status = store;
  if (options.onStatus) store.listen(options.onStatus);
  const subs: { unsubscribe(): void }[] = [
    watchQuarantine(db).subscribe((list) => store.update({ quarantined: list.length })),
    watchSyncConflicts(db).subscribe((list) => store.update({ conflicts: list.length })),
  ];
  subs.push(...orphanClaimsAfterSync(db, store));
  // References another laptop wrote to a merged duplicate move to the survivor (../merge-followup.ts).
  subs.push(...mergesAfterSync(db, store));
  subs.push(...moneyRecordsAfterSync(db, store));
  const refusals = new Map(names.map((c) => [c, new RepeatedRefusals()] as const));

  const reconnector = new Reconnector({
    status: store,
    online: options.online ?? ALWAYS_ONLINE,
    ...(options.retry ? { retry: options.retry } : {}),
    async open(fail, isCurrent) {
      const conn = await SyncConnection.open(
        {
          db,
          serverRoot,
          practice,
          collections,
          request: options.request,
          ...(options.maxConcurrent ? { maxConcurrent: options.maxConcurrent } : {}),
          ...(options.poll ? { poll: options.poll } : {}),
          batch: { pull: options.batchSize?.pull ?? DEFAULT_PULL_BATCH, push: options.batchSize?.push ?? DEFAULT_PUSH_BATCH },
          status: store,
          pending,
          reports: new SyncReports(db, pending, store),
          refusals,
          ...(options.keyring ? { keyring: options.keyring } : {}),
        },
        fail,
        isCurrent,
      );
      // Local changes wake its live poll (a closed connection ignores it).
      connection = conn;
      return conn;
    },
  });

  const handle: SyncHandle = {
    status: () => store.get(),
    async encryptServerRecords() {
      await reconnector.syncNow();
      if (!connection) throw new SyncError('unreachable', 'Not connected to the sync server.');
      return connection.encryptServerRecords();
    },
    async syncNow(opts) {
      await reconnector.syncNow();
      try {
        await pending.whenCounted();
        await reconnector.awaitInSync(opts?.timeoutMs ?? 30_000);
      } catch {
        // The status says what went wrong.
      }
      return store.get();
    },
    async awaitInSync(timeoutMs = 60_000) {
      await pending.whenCounted();
      await reconnector.awaitInSync(timeoutMs);
    },
    async retryQuarantined(collection, docId) {
      await dismissQuarantined(db, collection, docId);
      refusals.get(collection)?.clear(docId);
      const doc = await collections.get(collection)?.findOne(docId).exec();
      if (!doc) return;
      await doc.incrementalModify((d: Record<string, unknown>) => ({ ...d, updatedAt: new Date().toISOString() }));
    },
    async stop() {
      await reconnector.stop();
      for (const s of subs) s.unsubscribe();
      await pending.close();
      store.update({ state: 'stopped', nextRetryAt: null, progress: null });
    },
  };

  void reconnector.connect();
  return handle;
}

/**
 * Runs `check` after each completed sync cycle (the status reaches up to date with a new
 * `lastSyncedAt`) in which one of `names` changed since the last run (locally or by the pull), so
 * an idle live poll costs nothing. Nothing when the database lacks one of the collections.
 */
function afterCompletedSync(
  db: TutorDatabase,
  store: StatusStore,
  names: readonly CollectionName[],
  what: string,
  check: () => Promise<unknown>,
): { unsubscribe(): void }[] {
  const colls = names.map((c) => (db.collections as unknown as Record<string, RxCollection | undefined>)[c]);
  if (colls.some((c) => !c)) return [];
  let dirty = true;
  let last = store.get().lastSyncedAt;
  const changes = colls.map((c) => c!.$.subscribe(() => (dirty = true)));
  const stopListening = store.listen((s) => {
    if (s.state !== 'up-to-date' || !s.lastSyncedAt || s.lastSyncedAt === last) return;
    last = s.lastSyncedAt;
    if (!dirty) return;
    dirty = false;
    void check().catch((e: unknown) => console.error(`${what} after sync failed`, e));
  });
  return [...changes, { unsubscribe: stopListening }];
}

/**
 * The orphan-claim check after each completed sync cycle, with the invoices caught up
 * (docs/billing.md "Billing claims") — when claims or invoices changed since the last check.
 */
function orphanClaimsAfterSync(db: TutorDatabase, store: StatusStore): { unsubscribe(): void }[] {
  return afterCompletedSync(db, store, ['billingclaims', 'invoices'], 'orphan-claim check', async () => {
    const device = (await db.getLocal<{ deviceId: string; meStaffId: string }>('device'))?.toJSON().data as
      { deviceId?: string; meStaffId?: string } | undefined;
    if (!device?.deviceId || db.closed) return;
    await checkOrphanClaims(
      db,
      { deviceId: device.deviceId, staffId: device.meStaffId || 'unknown', now: new Date() },
      { invoicesCaughtUp: true },
    );
  });
}

/**
 * The money-records check after each completed sync cycle in which payments or invoices changed
 * (docs/billing.md "Corrections and refunds": credit refunded on two laptops, a reversal of an
 * edited payment, …): its findings are listed for a person, never repaired.
 */
function moneyRecordsAfterSync(db: TutorDatabase, store: StatusStore): { unsubscribe(): void }[] {
  return afterCompletedSync(db, store, ['payments', 'invoices'], 'money-records check', () => checkMoneyRecordsOf(db));
}
