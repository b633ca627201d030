/**
 * Replication of the local database with the practice's CouchDB-compatible server.
 *
 * `startSync` replicates every collection with RxDB's `replicateCouchDB` (one database per
 * collection, `tutordesk-<practice>-<collection>`) over a `SyncTransport` (sync-fetch.ts) and
 * keeps a status for the always-visible indicator: offline / connecting / syncing (counts,
 * progress of a first sync) / up to date (last sync time) / error (what is wrong, what to do),
 * plus the number of local changes not yet on the server, refused documents and conflicts.
 *
 * It reconnects by itself: on the host's online events, and with backoff (1 s … 60 s) while the
 * server cannot be reached. Errors a person must fix (wrong password, not a member, databases
 * missing, TLS) stop the sync until `syncNow()` or a new `startSync`.
 *
 * The fetch is injected (docs/sync.md): in Electron `createBridgeFetch(bridge.sync.fetch, url)`
 * (credentials stay in the main process), in the browser build `createBasicAuthFetch(user, pw)`.
 */
import { getChangedDocumentsSince, type RxCollection, type WithDeleted } from 'rxdb';
import { replicateCouchDB, type RxCouchDBReplicationState } from 'rxdb/plugins/replication-couchdb';
import type { Subscription } from 'rxjs';
import { COLLECTION_NAMES, type CollectionName } from '../../../src-shared/model/schemas';
import type { QuarantineRecord } from '../../../src-shared/sync/conflicts';
import { identityFromRoles, practiceDbName, type PracticeIdentity } from '../../../src-shared/sync/names';
import { docsEqual, type AnyDoc } from '../../../src-shared/sync/merge';
import type { TutorDatabase } from './database';
import { dismissQuarantined, quarantineDocs, releaseQuarantined, watchQuarantine, watchSyncConflicts } from './sync-conflicts';
import { NEEDS_USER_ACTION, SyncError, actionFor, toSyncError, type SyncErrorKind } from './sync-errors';
import { SyncStoppedError, SyncTransport, normalizeServerUrl, type FetchLike, type RejectedRow } from './sync-fetch';

export type { FetchLike } from './sync-fetch';
export { createBasicAuthFetch, createBridgeFetch } from './sync-fetch';
export { SyncError } from './sync-errors';

export type SyncState = 'stopped' | 'offline' | 'connecting' | 'syncing' | 'up-to-date' | 'error';

export interface SyncStatus {
  state: SyncState;
  /** Local changes not yet on the server (refused documents are counted in `quarantined`). */
  pending: number;
  /** Local documents the server refused; listed with the reason (watchQuarantine). */
  quarantined: number;
  /** Conflicts that need a person (watchSyncConflicts). */
  conflicts: number;
  /** When the last sync completed (ISO), null if never. */
  lastSyncedAt: string | null;
  /** Documents received from / sent to the server since this connection started. */
  pulled: number;
  pushed: number;
  /** During the first sync of a practice: documents received so far of the server's total. */
  progress: { done: number; total: number } | null;
  /** What is wrong and what to do (state error, or offline because the server is unreachable). */
  error: { kind: SyncErrorKind; message: string; action: string } | null;
  /** When the next automatic attempt is due (ISO), null if none is planned. */
  nextRetryAt: string | null;
  /** Who the server says we are (after a successful connection). */
  identity: (PracticeIdentity & { username: string }) | null;
}

/** The host's network state: Electron's online events via the bridge, or the browser's. */
export interface OnlineSource {
  isOnline(): boolean | Promise<boolean>;
  subscribe(listener: (online: boolean) => void): () => void;
}

export interface StartSyncOptions {
  db: TutorDatabase;
  /** Server root, e.g. 'https://couch.example.org' (a trailing slash is added). */
  serverUrl: string;
  practice: string;
  fetch: FetchLike;
  onStatus?: (status: SyncStatus) => void;
  /** Collections to replicate; default every collection the database has. */
  collections?: readonly CollectionName[];
  batchSize?: { push?: number; pull?: number };
  /** Live polling of the server's changes (ms). Default 2 000 after activity, up to 20 000 idle. */
  poll?: { minMs?: number; maxMs?: number };
  /** Reconnect backoff while the server is unreachable (ms). Default 1 000 … 60 000. */
  retry?: { initialMs?: number; maxMs?: number };
  /** Default: the browser's online/offline events when there is a window, else always online. */
  online?: OnlineSource;
  /** Requests in flight at once (Chromium allows 6 per host). Default 4. */
  maxConcurrent?: number;
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
}

export const SYNC_STATE_LOCAL_ID = 'sync-state';
/**
 * How often the pending list is saved while it changes (and at stop). It lists every pending id,
 * so during a first sync of a big practice each save is a large write competing with the sync.
 */
const PERSIST_STATE_MS = 2000;

const browserOnline = (): OnlineSource => ({
  isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine),
  subscribe(listener) {
    if (typeof window === 'undefined') return () => undefined;
    const on = () => listener(true);
    const off = () => listener(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  },
});

/** Online state from the host bridge (Electron's `net.isOnline` and online events). */
export function bridgeOnlineSource(bridge: {
  isOnline(): Promise<boolean>;
  onEvent(listener: (e: { type: string; online?: boolean }) => void): () => void;
}): OnlineSource {
  return {
    isOnline: () => bridge.isOnline(),
    subscribe: (listener) => bridge.onEvent((e) => e.type === 'online-changed' && listener(Boolean(e.online))),
  };
}

type AnyCollection = RxCollection<AnyDoc>;

/** Removes CouchDB-only fields (`_rev`, `_revisions`, `_conflicts`, `_attachments`, …) from pulled documents. */
function cleanPulled(doc: AnyDoc): AnyDoc {
  const out: AnyDoc = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_') || k === '_deleted') out[k] = v;
  out._deleted = Boolean(doc._deleted);
  return out;
}

export async function startSync(options: StartSyncOptions): Promise<SyncHandle> {
  const { db, practice } = options;
  const serverRoot = normalizeServerUrl(options.serverUrl);
  const names = (options.collections ?? COLLECTION_NAMES).filter((c) => (db.collections as Record<string, unknown>)[c]);
  const dbToCollection = new Map(names.map((c) => [practiceDbName(practice, c), c] as const));
  const coll = (c: CollectionName) => (db.collections as unknown as Record<string, AnyCollection>)[c]!;
  const online = options.online ?? browserOnline();
  const retryInitial = options.retry?.initialMs ?? 1000;
  const retryMax = options.retry?.maxMs ?? 60_000;

  // ---- status ---------------------------------------------------------------------------
  // Pending local changes survive restarts; with a server/practice never synced before, every
  // local document is pending until the server has it. Finding those reads every document, so it
  // runs alongside the first connection instead of before it (documents the server accepts
  // meanwhile are not counted again).
  const stateKey = `${serverRoot}|${practice}`;
  const savedRaw = (await db.getLocal(SYNC_STATE_LOCAL_ID))?.toJSON().data as { key?: string; pending?: string[]; lastSyncedAt?: string | null } | undefined;
  const saved = savedRaw?.key === stateKey ? savedRaw : undefined;
  const pending = new Set<string>(saved?.pending ?? []);
  /**
   * The current local version of documents changed since this start, kept from the change events,
   * so an accepted push is compared with it without reading the database.
   */
  const localVersion = new Map<string, AnyDoc>();
  const acceptedWhileScanning = new Set<string>();
  let scanning: Promise<void> | null = null;
  if (!saved) {
    scanning = (async () => {
      for (const c of names) {
        const { documents } = await getChangedDocumentsSince(coll(c).storageInstance, Number.MAX_SAFE_INTEGER);
        for (const d of documents) {
          const key = `${c}/${String((d as AnyDoc).id)}`;
          if (!acceptedWhileScanning.has(key)) pending.add(key);
        }
      }
    })()
      .catch((e: unknown) => console.error('Could not count the local changes to sync', e))
      .finally(() => {
        scanning = null;
        acceptedWhileScanning.clear();
        emit({});
        persistState();
      });
  }
  let status: SyncStatus = {
    state: 'connecting',
    pending: pending.size,
    quarantined: 0,
    conflicts: 0,
    lastSyncedAt: saved?.lastSyncedAt ?? null,
    pulled: 0,
    pushed: 0,
    progress: null,
    error: null,
    nextRetryAt: null,
    identity: null,
  };
  const listeners = new Set<(s: SyncStatus) => void>();
  if (options.onStatus) listeners.add(options.onStatus);
  const emit = (patch: Partial<SyncStatus>) => {
    status = { ...status, ...patch, pending: pending.size };
    for (const l of listeners) {
      try {
        l(status);
      } catch (e) {
        console.error('sync status listener failed', e);
      }
    }
  };
  let persistTimer: ReturnType<typeof setTimeout> | null = null;
  const persistState = () => {
    // A half-done scan must not be saved as the pending list.
    if (persistTimer || scanning) return;
    persistTimer = setTimeout(() => {
      persistTimer = null;
      if (db.closed) return;
      db.upsertLocal(SYNC_STATE_LOCAL_ID, { key: stateKey, pending: [...pending], lastSyncedAt: status.lastSyncedAt }).catch(() => undefined);
    }, PERSIST_STATE_MS);
  };

  // ---- local change tracking (pending count) --------------------------------------------
  const subs: Subscription[] = [];
  for (const c of names) {
    subs.push(
      coll(c).eventBulks$.subscribe((bulk) => {
        if (bulk.isLocal) return;
        if (String(bulk.context).startsWith('replication-downstream')) {
          for (const ev of bulk.events) {
            const key = `${c}/${ev.documentId}`;
            if (localVersion.has(key)) localVersion.set(key, ev.documentData as unknown as AnyDoc);
          }
          return;
        }
        for (const ev of bulk.events) {
          const key = `${c}/${ev.documentId}`;
          pending.add(key);
          localVersion.set(key, ev.documentData as unknown as AnyDoc);
        }
        emit({});
        persistState();
        session?.transport.wake();
      }),
    );
  }
  subs.push(watchQuarantine(db).subscribe((list) => emit({ quarantined: list.length })));
  subs.push(watchSyncConflicts(db).subscribe((list) => emit({ conflicts: list.length })));

  const onAccepted = async (dbName: string, docs: Record<string, unknown>[]) => {
    const c = dbToCollection.get(dbName);
    if (!c || db.closed) return;
    const ids = docs.map((d) => String(d.id));
    for (const d of docs as AnyDoc[]) {
      const key = `${c}/${String(d.id)}`;
      // Changed here since it was read for sending: still pending. A document with no change
      // event since this start is as RxDB read it (every local write since is seen).
      const now = localVersion.get(key);
      if (now && !docsEqual(now, d)) continue;
      pending.delete(key);
      localVersion.delete(key);
      if (scanning) acceptedWhileScanning.add(key);
    }
    if (status.quarantined > 0) await releaseQuarantined(db, c, ids);
    emit({ pushed: status.pushed + docs.length });
    persistState();
  };
  const onRejected = async (rows: RejectedRow[]) => {
    const records: QuarantineRecord[] = [];
    for (const r of rows) {
      const c = dbToCollection.get(r.db);
      if (!c) continue;
      pending.delete(`${c}/${r.id}`);
      localVersion.delete(`${c}/${r.id}`);
      records.push({ collection: c, docId: r.id, error: r.error, reason: r.reason, doc: r.doc ?? { id: r.id }, quarantinedAt: new Date().toISOString() });
    }
    if (!db.closed) await quarantineDocs(db, records);
    emit({});
    persistState();
  };

  // ---- sessions ---------------------------------------------------------------------------
  interface Session {
    id: number;
    transport: SyncTransport;
    replications: RxCouchDBReplicationState<AnyDoc>[];
    subs: Subscription[];
    initialDone: boolean;
    failed: boolean;
  }
  let session: Session | null = null;
  let sessionCounter = 0;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryDelay = retryInitial;
  let connecting: Promise<void> | null = null;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  const activeBy = new Map<CollectionName, boolean>();

  const clearRetry = () => {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
  };

  const teardown = async () => {
    const s = session;
    session = null;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    if (!s) return;
    s.transport.close();
    for (const sub of s.subs) sub.unsubscribe();
    await Promise.all(s.replications.map((r) => r.cancel().catch(() => undefined)));
    activeBy.clear();
  };

  const scheduleRetry = (reason: SyncError) => {
    clearRetry();
    if (stopped) return;
    const delay = Math.round(retryDelay * (0.85 + Math.random() * 0.3));
    retryDelay = Math.min(retryMax, retryDelay * 2);
    const offline = reason.kind === 'unreachable' || reason.kind === 'timeout';
    emit({
      state: offline ? 'offline' : 'error',
      error: { kind: reason.kind, message: reason.message, action: actionFor(reason.kind) },
      nextRetryAt: new Date(Date.now() + delay).toISOString(),
      progress: null,
    });
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, delay);
  };

  const fail = async (s: Session | null, e: unknown) => {
    if (stopped) return;
    if (e instanceof SyncStoppedError) return;
    if (s) {
      if (s.failed || session !== s) return;
      s.failed = true;
    }
    const err = toSyncError(e);
    await teardown();
    if (stopped) return;
    if (NEEDS_USER_ACTION.has(err.kind)) {
      clearRetry();
      emit({ state: 'error', error: { kind: err.kind, message: err.message, action: err.action }, nextRetryAt: null, progress: null });
    } else {
      scheduleRetry(err);
    }
  };

  const updateActivity = () => {
    const s = session;
    if (!s || s.failed) return;
    const active = [...activeBy.values()].some(Boolean);
    if (active) {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
      if (status.state !== 'syncing') emit({ state: 'syncing', error: null, nextRetryAt: null });
      return;
    }
    if (!s.initialDone || idleTimer) return;
    idleTimer = setTimeout(() => {
      idleTimer = null;
      if (session !== s || [...activeBy.values()].some(Boolean)) return;
      emit({ state: 'up-to-date', lastSyncedAt: new Date().toISOString(), error: null, nextRetryAt: null, progress: null });
      persistState();
    }, 250);
  };

  async function preflight(transport: SyncTransport): Promise<{ identity: SyncStatus['identity']; serverTotal: number }> {
    const sessionRes = await transport.fetch(`${serverRoot}_session`, { headers: { accept: 'application/json' } });
    const sessionJson = (await sessionRes.json()) as { userCtx?: { name?: string | null; roles?: string[] } };
    const name = sessionJson.userCtx?.name;
    if (!name) throw new SyncError('wrong-credentials', 'The server did not accept the username and password.');
    const roles = sessionJson.userCtx?.roles ?? [];
    let serverTotal = 0;
    await Promise.all(
      names.map(async (c) => {
        const res = await transport.fetch(`${serverRoot}${encodeURIComponent(practiceDbName(practice, c))}`, { headers: { accept: 'application/json' } });
        if (res.status === 404) throw new SyncError('database-missing', `The practice database ${practiceDbName(practice, c)} does not exist on the server.`);
        const info = (await res.json()) as { doc_count?: number };
        serverTotal += Math.max(0, (info.doc_count ?? 0) - 1);
      }),
    );
    return { identity: { ...identityFromRoles(practice, roles), username: name }, serverTotal };
  }

  async function connectOnce(): Promise<void> {
    clearRetry();
    if (stopped) return;
    if (!(await online.isOnline())) {
      await teardown();
      emit({ state: 'offline', error: null, nextRetryAt: null, progress: null });
      return;
    }
    await teardown();
    const id = ++sessionCounter;
    emit({ state: 'connecting', pulled: 0, pushed: 0, progress: null });
    let current: Session | null = null;
    const transport = new SyncTransport({
      serverUrl: serverRoot,
      fetch: options.fetch,
      ...(options.maxConcurrent ? { maxConcurrent: options.maxConcurrent } : {}),
      ...(options.poll ? { poll: options.poll } : {}),
      onRejected: (rows) => void onRejected(rows),
      onAccepted: (dbName, docs) => void onAccepted(dbName, docs).catch(() => undefined),
      onError: (err) => void fail(current, err),
    });
    let pre: Awaited<ReturnType<typeof preflight>>;
    try {
      pre = await preflight(transport);
    } catch (e) {
      transport.close();
      if (id !== sessionCounter || stopped) return;
      await fail(null, e);
      return;
    }
    if (id !== sessionCounter || stopped) {
      transport.close();
      return;
    }
    retryDelay = retryInitial;
    let localTotal = 0;
    for (const c of names) localTotal += await coll(c).count().exec();
    const showProgress = pre.serverTotal - localTotal > 50;
    emit({ identity: pre.identity, error: null, nextRetryAt: null, state: 'syncing', progress: showProgress ? { done: 0, total: pre.serverTotal } : null });

    const s: Session = { id, transport, replications: [], subs: [], initialDone: false, failed: false };
    current = s;
    session = s;
    for (const c of names) {
      const dbName = practiceDbName(practice, c);
      const rep = replicateCouchDB<AnyDoc>({
        replicationIdentifier: `tutordesk|${serverRoot}|${dbName}`,
        collection: coll(c),
        url: `${serverRoot}${encodeURIComponent(dbName)}/`,
        fetch: transport.fetch as typeof fetch,
        live: true,
        retryTime: 5000,
        waitForLeadership: false,
        autoStart: true,
        pull: { batchSize: options.batchSize?.pull ?? 500, modifier: (d: AnyDoc) => cleanPulled(d) as WithDeleted<AnyDoc> },
        push: { batchSize: options.batchSize?.push ?? 200 },
      });
      s.replications.push(rep);
      activeBy.set(c, true);
      s.subs.push(
        rep.active$.subscribe((a) => {
          activeBy.set(c, a);
          updateActivity();
        }),
        rep.received$.subscribe(() => {
          const progress = status.progress ? { done: status.progress.done + 1, total: Math.max(status.progress.total, status.progress.done + 1) } : null;
          emit({ pulled: status.pulled + 1, progress });
        }),
        // HTTP errors arrive typed through the transport's onError (and end the session first);
        // anything else (e.g. a document from the server that cannot be stored locally) is shown
        // while RxDB retries.
        rep.error$.subscribe((e) => {
          if (session !== s || s.failed || transport.isClosed) return;
          emit({
            state: 'error',
            error: { kind: 'server-error', message: `Could not sync ${c}: ${String((e as Error).message ?? e).slice(0, 300)}`, action: actionFor('server-error') },
          });
        }),
      );
    }
    Promise.all(s.replications.map((r) => r.awaitInitialReplication()))
      .then(() => {
        if (session !== s) return;
        s.initialDone = true;
        updateActivity();
      })
      .catch((e: unknown) => void fail(s, e));
  }

  function connect(): Promise<void> {
    if (!connecting) {
      connecting = connectOnce()
        .catch((e: unknown) => fail(null, e))
        .finally(() => {
          connecting = null;
        });
    }
    return connecting;
  }

  const unsubscribeOnline = online.subscribe((isOnline) => {
    if (stopped) return;
    if (!isOnline) {
      clearRetry();
      void teardown().then(() => emit({ state: 'offline', error: null, nextRetryAt: null, progress: null }));
    } else {
      retryDelay = retryInitial;
      void connect();
    }
  });

  async function awaitInSync(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    if (scanning) await scanning;
    for (;;) {
      if (connecting) await connecting;
      const s = session;
      if (!s) throw new SyncError(status.error?.kind ?? 'unreachable', status.error?.message ?? 'Not connected to the server.');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('Timed out waiting for the sync to finish');
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), left)));
      const done = await Promise.race([Promise.all(s.replications.map((r) => r.awaitInSync())).then(() => 'ok' as const), timeout]);
      clearTimeout(timer);
      if (done === 'timeout') throw new Error('Timed out waiting for the sync to finish');
      if (session === s && !s.failed) return;
    }
  }

  const handle: SyncHandle = {
    status: () => status,
    async syncNow(opts) {
      if (stopped) return status;
      const s = session;
      if (!s || s.failed) {
        retryDelay = retryInitial;
        await connect();
      } else {
        s.transport.wake();
        for (const r of s.replications) r.reSync();
      }
      try {
        await awaitInSync(opts?.timeoutMs ?? 30_000);
      } catch {
        // The status says what went wrong.
      }
      return status;
    },
    awaitInSync,
    async retryQuarantined(collection, docId) {
      const doc = await coll(collection).findOne(docId).exec();
      await dismissQuarantined(db, collection, docId);
      if (!doc) return;
      await doc.incrementalModify((d) => ({ ...d, updatedAt: new Date().toISOString() }));
      session?.transport.wake();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearRetry();
      unsubscribeOnline();
      await teardown();
      if (connecting) await connecting.catch(() => undefined);
      await teardown();
      for (const sub of subs) sub.unsubscribe();
      if (scanning) await scanning;
      if (persistTimer) {
        clearTimeout(persistTimer);
        persistTimer = null;
      }
      if (!db.closed) await db.upsertLocal(SYNC_STATE_LOCAL_ID, { key: stateKey, pending: [...pending], lastSyncedAt: status.lastSyncedAt }).catch(() => undefined);
      emit({ state: 'stopped', nextRetryAt: null, progress: null });
    },
  };

  void connect();
  return handle;
}

// ---- testConnection --------------------------------------------------------------------------

export type ConnectionTestResult =
  | {
      ok: true;
      server: { name: string; version: string };
      user: { name: string; roles: string[] } & PracticeIdentity;
      message: string;
    }
  | { ok: false; kind: SyncErrorKind; message: string; action: string };

/**
 * "Test connection": an exact answer — unreachable, TLS problem, wrong username or password, not
 * a member of the practice, practice databases missing, or OK with the server's name and version.
 */
export async function testConnection(options: { serverUrl: string; practice: string; fetch: FetchLike; collections?: readonly CollectionName[] }): Promise<ConnectionTestResult> {
  const fail = (e: unknown): ConnectionTestResult => {
    const err = toSyncError(e);
    return { ok: false, kind: err.kind, message: err.message, action: err.action };
  };
  let root: string;
  try {
    root = normalizeServerUrl(options.serverUrl);
  } catch (e) {
    return fail(e);
  }
  const transport = new SyncTransport({ serverUrl: root, fetch: options.fetch });
  try {
    const rootRes = await transport.fetch(root, { headers: { accept: 'application/json' } });
    let info: { couchdb?: string; version?: string; vendor?: { name?: string; version?: string } } = {};
    try {
      info = (await rootRes.json()) as typeof info;
    } catch {
      info = {};
    }
    if (!info.couchdb && !info.vendor && !('express-pouchdb' in info)) {
      return { ok: false, kind: 'server-error', message: `${root} answers, but it is not a CouchDB server.`, action: 'Check the server address.' };
    }
    const server = {
      name: info.couchdb ? `Apache CouchDB${info.vendor?.name && info.vendor.name !== 'The Apache Software Foundation' ? ` (${info.vendor.name})` : ''}` : `${info.vendor?.name ?? 'CouchDB-compatible server'}${'express-pouchdb' in info ? ' (PouchDB Server)' : ''}`,
      version: String(info.version ?? info.vendor?.version ?? '?'),
    };
    const sessionRes = await transport.fetch(`${root}_session`, { headers: { accept: 'application/json' } });
    const session = (await sessionRes.json()) as { userCtx?: { name?: string | null; roles?: string[] } };
    const name = session.userCtx?.name;
    if (!name) return fail(new SyncError('wrong-credentials', 'The server does not accept this username and password.'));
    const roles = session.userCtx?.roles ?? [];
    const identity = identityFromRoles(options.practice, roles);
    const names = options.collections ?? COLLECTION_NAMES;
    for (const c of names) {
      const dbName = practiceDbName(options.practice, c);
      const res = await transport.fetch(`${root}${encodeURIComponent(dbName)}`, { headers: { accept: 'application/json' } });
      if (res.status === 404) {
        return fail(new SyncError('database-missing', `Practice "${options.practice}" is not set up on this server (database ${dbName} is missing).`));
      }
    }
    return {
      ok: true,
      server,
      user: { name, roles, ...identity, isMember: true },
      message: `Connected to ${server.name} ${server.version} as ${name}${identity.isAdmin ? ' (practice admin)' : ''}.`,
    };
  } catch (e) {
    if (e instanceof SyncError && e.kind === 'not-member') {
      return fail(new SyncError('not-member', `User is not a member of practice "${options.practice}" on this server.`));
    }
    return fail(e);
  } finally {
    transport.close();
  }
}
