/**
 * The retry logic of the sync client: sessions, backoff and reconnection.
 *
 * A session is one connection to the server (start-sync.ts opens it: the connection check, then
 * every collection's replication). `Reconnector` keeps at most one session running:
 * - it connects when started, when the host says the network is back, and on "Sync now";
 * - when the host says the network is gone, it ends the session (state offline);
 * - when a session fails, it ends it and decides by the error (errors.ts): the server cannot be
 *   reached now (unreachable, timeout, offline) → state offline, and a new attempt after a
 *   backoff (1 s doubling to 60 s, with jitter); a server error → state error, same backoff;
 *   an error a person must fix (wrong or changed password, account locked, not a member,
 *   practice missing, TLS, CORS) → state error and NO automatic attempt: trying again with the
 *   same password cannot help and counts towards CouchDB's lockout. "Sync now" (or a new
 *   `startSync` with new details) tries again.
 * Nothing queued is lost when a session ends: local changes stay in the database and in the
 * pending set, and the replication's checkpoints say where to continue.
 */
import { NEEDS_USER_ACTION, OFFLINE_KINDS, SyncError, SyncStoppedError, actionFor, toSyncError } from './errors';
import type { StatusStore, SyncStatus } from './status';

/** The host's network state: Electron's online events via the bridge, or the browser's (injected by features/sync). */
export interface OnlineSource {
  isOnline(): boolean | Promise<boolean>;
  subscribe(listener: (online: boolean) => void): () => void;
}

/** For hosts that cannot tell (tests, tools): always online; failures show as unreachable instead. */
export const ALWAYS_ONLINE: OnlineSource = { isOnline: () => true, subscribe: () => () => undefined };

/** One running connection to the server. */
export interface Session {
  /** Checks the credentials (`_session`, one request), then polls and pushes now. */
  syncNow(): Promise<void>;
  /** Resolves when every collection is in sync with the server. */
  awaitInSync(): Promise<void>;
  /** Ends the session (its requests fail with SyncStoppedError; replications are cancelled). */
  close(): Promise<void>;
}

export interface ReconnectorOptions {
  /** Opens a session; `fail` ends it later with an error (a request failed). Throws if the connection check fails. */
  open(fail: (e: unknown) => void, isCurrent: () => boolean): Promise<Session>;
  status: StatusStore;
  online: OnlineSource;
  retry?: { initialMs?: number; maxMs?: number };
}

export class Reconnector {
  private session: Session | null = null;
  private generation = 0;
  private stopped = false;
  private connecting: Promise<void> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly retryInitial: number;
  private readonly retryMax: number;
  private retryDelay: number;
  private readonly unsubscribeOnline: () => void;

  constructor(private readonly o: ReconnectorOptions) {
    this.retryInitial = o.retry?.initialMs ?? 1000;
    this.retryMax = o.retry?.maxMs ?? 60_000;
    this.retryDelay = this.retryInitial;
    this.unsubscribeOnline = o.online.subscribe((isOnline) => {
      if (this.stopped) return;
      if (!isOnline) {
        this.clearRetry();
        void this.endSession().then(() => this.emit({ state: 'offline', error: null, nextRetryAt: null, progress: null }));
      } else {
        this.retryDelay = this.retryInitial;
        void this.connect();
      }
    });
  }

  private emit(patch: Partial<SyncStatus>): void {
    if (!this.stopped) this.o.status.update(patch);
  }

  get current(): Session | null {
    return this.session;
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private async endSession(): Promise<void> {
    this.generation++;
    const s = this.session;
    this.session = null;
    if (s) await s.close();
  }

  /** Connects now (one attempt at a time); resolves when the attempt is over. */
  connect(): Promise<void> {
    if (!this.connecting) {
      this.connecting = this.connectOnce()
        .catch((e: unknown) => this.fail(null, e))
        .finally(() => {
          this.connecting = null;
        });
    }
    return this.connecting;
  }

  private async connectOnce(): Promise<void> {
    this.clearRetry();
    if (this.stopped) return;
    await this.endSession();
    if (!(await this.o.online.isOnline())) {
      this.emit({ state: 'offline', error: null, nextRetryAt: null, progress: null });
      return;
    }
    const gen = this.generation;
    this.emit({ state: 'connecting', pulled: 0, pushed: 0, progress: null });
    let session: Session | null = null;
    const isCurrent = () => !this.stopped && gen === this.generation;
    try {
      session = await this.o.open((e) => void this.fail(gen, e), isCurrent);
    } catch (e) {
      if (isCurrent()) await this.fail(null, e);
      return;
    }
    if (!isCurrent()) {
      await session.close();
      return;
    }
    this.session = session;
    this.retryDelay = this.retryInitial;
  }

  /** Ends the session `gen` (null: the attempt that is connecting) with an error, and plans what comes next. */
  private async fail(gen: number | null, e: unknown): Promise<void> {
    if (this.stopped || e instanceof SyncStoppedError) return;
    if (gen !== null && gen !== this.generation) return;
    const err = toSyncError(e);
    await this.endSession();
    if (this.stopped) return;
    if (NEEDS_USER_ACTION.has(err.kind)) {
      this.clearRetry();
      this.emit({ state: 'error', error: statusError(err), nextRetryAt: null, progress: null });
    } else {
      this.scheduleRetry(err);
    }
  }

  private scheduleRetry(reason: SyncError): void {
    this.clearRetry();
    if (this.stopped) return;
    const delay = Math.round(this.retryDelay * (0.85 + Math.random() * 0.3));
    this.retryDelay = Math.min(this.retryMax, this.retryDelay * 2);
    this.emit({
      state: OFFLINE_KINDS.has(reason.kind) ? 'offline' : 'error',
      error: statusError(reason),
      nextRetryAt: new Date(Date.now() + delay).toISOString(),
      progress: null,
    });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
  }

  /** "Sync now": polls and pushes at once, or connects again (also after an error that stopped the sync). */
  async syncNow(): Promise<void> {
    if (this.stopped) return;
    if (this.connecting) await this.connecting;
    if (this.session) await this.session.syncNow().catch(() => undefined);
    else {
      this.retryDelay = this.retryInitial;
      await this.connect();
    }
  }

  /** Resolves when the running session is in sync; rejects when there is none (with what is wrong) or after `timeoutMs`. */
  async awaitInSync(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.connecting) await this.connecting;
      const s = this.session;
      const status = this.o.status.get();
      if (!s) throw new SyncError(status.error?.kind ?? 'unreachable', status.error?.message ?? 'Not connected to the server.');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('Timed out waiting for the sync to finish');
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), left)));
      const done = await Promise.race([s.awaitInSync().then(() => 'ok' as const), timeout]);
      clearTimeout(timer);
      if (done === 'timeout') throw new Error('Timed out waiting for the sync to finish');
      if (this.session === s) return;
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.clearRetry();
    this.unsubscribeOnline();
    await this.endSession();
    if (this.connecting) await this.connecting.catch(() => undefined);
    await this.endSession();
  }
}

function statusError(err: SyncError): NonNullable<SyncStatus['error']> {
  return {
    kind: err.kind,
    message: err.message,
    action: actionFor(err.kind),
    ...(err.details.retryAfter ? { retryAfter: err.details.retryAfter } : {}),
  };
}
