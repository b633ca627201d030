/**
 * One connection to the server (a "session" of session.ts): the connection check, then every
 * collection's replication (replication.ts) over one requests gate (requests.ts) and one live
 * poll (live-poll.ts), and the activity that drives the status (syncing while any replication
 * works, up to date 250 ms after the last one rested). Any request failure is handed to `fail`:
 * the Reconnector ends the connection and decides what comes next.
 */
import type { RxCollection } from 'rxdb';
import type { CollectionName } from '../../../../src-shared/model/schemas';
import type { SyncRequester } from '../../../../src-shared/sync/http-contract';
import { upgradeDocument } from '../../../../src-shared/model/migrations';
import { practiceDbName } from '../../../../src-shared/sync/names';
import { localValidatorFor } from '../validation';
import { checkConnection, checkCredentials } from './connection-check';
import { CouchDatabase, type AppDoc, type CouchDoc } from './couchdb';
import { OwnWrites } from './echo';
import { SyncError, SyncStoppedError, actionFor } from './errors';
import { LivePoll, PushActivity } from './live-poll';
import type { PendingChanges } from './pending';
import type { RepeatedRefusals } from './push';
import { replicateCollection, type CollectionReplication } from './replication';
import type { PracticeKeyring } from './keyring';
import { PRACTICE_SETTINGS_ID } from '../../../../src-shared/model/types';
import { ENCRYPTED_FIELDS, hasClearFields, type PracticeEncryption } from '../../../../src-shared/sync/encryption';
import type { SyncReports } from './reports';
import { SyncHttp } from './requests';
import type { Session } from './session';
import type { StatusStore } from './status';

export interface ConnectionSetup {
  /** The database (for its local schema check). */
  db: object;
  serverRoot: string;
  practice: string;
  collections: ReadonlyMap<CollectionName, RxCollection>;
  request: SyncRequester;
  maxConcurrent?: number;
  poll?: { minMs?: number; maxMs?: number };
  batch: { pull: number; push: number };
  status: StatusStore;
  pending: PendingChanges;
  reports: SyncReports;
  refusals: ReadonlyMap<CollectionName, RepeatedRefusals>;
  /** End-to-end encryption (keyring.ts); none: records travel as they are. */
  keyring?: PracticeKeyring;
}

/** A first sync shows its progress when the server holds more than this many documents the laptop lacks. */
const PROGRESS_MIN_DOCS = 50;
/** Up to date this long after the last replication rested. */
const IDLE_MS = 250;

export class SyncConnection implements Session {
  private closed = false;
  private readonly replications: CollectionReplication[] = [];
  private readonly subs: { unsubscribe(): void }[] = [];
  private readonly activeBy = new Map<CollectionName, boolean>();
  private initialDone = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  private constructor(
    private readonly s: ConnectionSetup,
    private readonly http: SyncHttp,
    private readonly live: LivePoll,
    private readonly pushes: PushActivity,
    private readonly fail: (e: unknown) => void,
  ) {}

  /** Checks the connection and starts replicating; throws what the check found wrong. */
  static async open(s: ConnectionSetup, fail: (e: unknown) => void, isCurrent: () => boolean): Promise<SyncConnection> {
    const http = new SyncHttp(s.request, { ...(s.maxConcurrent ? { maxConcurrent: s.maxConcurrent } : {}), onFatal: fail });
    const pushes = new PushActivity();
    const live = new LivePoll({ ...s.poll, batchSize: s.batch.pull, pushes, onError: fail });
    const conn = new SyncConnection(s, http, live, pushes, fail);
    try {
      const facts = await checkConnection(http, s.practice, [...s.collections.keys()]);
      if (!isCurrent()) throw new SyncStoppedError();
      let localTotal = 0;
      for (const c of s.collections.values()) localTotal += await c.count().exec();
      const { roles: _roles, ...identity } = facts.identity;
      const progress = facts.serverTotal - localTotal > PROGRESS_MIN_DOCS ? { done: 0, total: facts.serverTotal } : null;
      s.status.update({ identity, error: null, nextRetryAt: null, state: 'syncing', progress });
      if (s.keyring) await conn.learnEncryption(s.keyring);
      if (!isCurrent()) throw new SyncStoppedError();
      conn.start();
      return conn;
    } catch (e) {
      await conn.close();
      throw e;
    }
  }

  /**
   * Reads the server's practice settings first: a laptop that joins (or missed the change) learns
   * there that the practice encrypts before it sends a single record in clear text.
   */
  private async learnEncryption(keyring: PracticeKeyring): Promise<void> {
    const settingsDb = new CouchDatabase(this.http, practiceDbName(this.s.practice, 'settings'));
    const [row] = await settingsDb.allDocs([PRACTICE_SETTINGS_ID], true);
    await keyring.learn((row?.doc as { encryption?: PracticeEncryption } | null | undefined)?.encryption);
    keyring.requireKey();
  }

  /**
   * Turning encryption on: every record on the server that still has clear text in a personal
   * field is written again encrypted (as the next revision, so the other laptops take it like any
   * edit; their copies stay the same text). A record another laptop changed meanwhile is left to
   * the next pass: that laptop's own write is encrypted already. Returns how many were written
   * and how many still hold clear text.
   */
  async encryptServerRecords(): Promise<{ written: number; remaining: number }> {
    const keyring = this.s.keyring;
    if (!keyring || keyring.state() !== 'unlocked') throw new SyncError('needs-passphrase', 'Unlock the practice key first.');
    let written = 0;
    let remaining = 0;
    for (const c of this.s.collections.keys()) {
      if (ENCRYPTED_FIELDS[c].length === 0) continue;
      const db = new CouchDatabase(this.http, practiceDbName(this.s.practice, c));
      const codec = keyring.codecFor(c);
      let since: unknown = 0;
      for (;;) {
        const page = await db.changes(since, 500);
        const clear = page.results
          .map((r) => r.doc)
          .filter((d): d is CouchDoc => !!d && !d._id.startsWith('_design/') && !d._deleted && hasClearFields(c, d));
        if (clear.length) {
          const rows = await db.bulkDocs(clear.map((d) => codec.encode(d)));
          for (const r of rows)
            if (r.ok) written++;
            else remaining++;
        }
        if (page.last_seq !== undefined && page.last_seq !== null) since = page.last_seq;
        if (page.results.length < 500) break;
      }
    }
    return { written, remaining };
  }

  private start(): void {
    const { s, http } = this;
    for (const [c, collection] of s.collections) {
      const own = new OwnWrites();
      const rep = replicateCollection({
        collection: collection as unknown as RxCollection<AppDoc>,
        serverRoot: s.serverRoot,
        db: new CouchDatabase(http, practiceDbName(s.practice, c)),
        live: this.live,
        batchSize: s.batch,
        onError: (e) => {
          if (e instanceof SyncError) this.fail(e);
        },
        pull: {
          echo: own,
          ...(s.keyring ? { codec: s.keyring.codecFor(c) } : {}),
          upgrade: (doc) => upgradeDocument(c, doc as never) as AppDoc,
          validate: localValidatorFor(s.db, collection),
          onInvalid: (rows) => s.reports.pulledInvalid(c, rows),
          onValid: (ids) => s.reports.pulledValid(c, ids),
        },
        push: {
          echo: own,
          ...(s.keyring ? { codec: s.keyring.codecFor(c) } : {}),
          refusals: s.refusals.get(c)!,
          activity: this.pushes,
          onAccepted: (docs) => s.reports.accepted(c, docs),
          onRefused: (rows) => s.reports.refused(c, rows),
        },
      });
      this.replications.push(rep);
      this.activeBy.set(c, true);
      this.subs.push(
        rep.active$.subscribe((a) => {
          this.activeBy.set(c, a);
          this.updateActivity();
        }),
        rep.received$.subscribe((doc) => {
          s.status.received();
          // A practice that turns encryption on while this laptop syncs: learned with its settings.
          if (c === 'settings' && s.keyring) void s.keyring.learn((doc as { encryption?: PracticeEncryption }).encryption);
        }),
        // Our handlers' HTTP failures have ended the connection already (onError above, typed);
        // anything else (e.g. a local write that failed) is shown while RxDB retries.
        rep.error$.subscribe((e) => {
          if (this.closed || http.isClosed) return;
          const cause = (e as { parameters?: { errors?: { name?: string }[] } }).parameters?.errors?.[0];
          if (cause?.name === 'SyncError' || cause?.name === 'SyncStoppedError') return;
          s.status.update({
            state: 'error',
            error: {
              kind: 'server-error',
              message: `Could not sync ${c}: ${String((e as Error).message ?? e).slice(0, 300)}`,
              action: actionFor('server-error'),
            },
          });
        }),
      );
    }
    this.live.start();
    Promise.all(this.replications.map((r) => r.awaitInitialReplication()))
      .then(() => {
        if (this.closed) return;
        this.initialDone = true;
        this.updateActivity();
      })
      .catch((e: unknown) => this.fail(e));
  }

  private updateActivity(): void {
    if (this.closed) return;
    const { status, pending } = this.s;
    if ([...this.activeBy.values()].some(Boolean)) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = null;
      if (status.get().state !== 'syncing') status.update({ state: 'syncing', error: null, nextRetryAt: null });
      return;
    }
    if (!this.initialDone || this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.closed || [...this.activeBy.values()].some(Boolean)) return;
      status.update({ state: 'up-to-date', lastSyncedAt: new Date().toISOString(), error: null, nextRetryAt: null, progress: null });
      pending.persist();
    }, IDLE_MS);
  }

  /** A local change: poll the server soon too (others may be working on the same records). */
  wake(): void {
    this.live.wake();
  }

  async syncNow(): Promise<void> {
    // One request first: if the password was changed meanwhile, it is the only one refused.
    try {
      await checkCredentials(this.http);
    } catch (e) {
      this.fail(e);
      return;
    }
    this.live.wake();
    for (const r of this.replications) r.reSync();
  }

  async awaitInSync(): Promise<void> {
    await Promise.all(this.replications.map((r) => r.awaitInSync()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.http.close();
    this.live.close();
    for (const sub of this.subs.splice(0)) sub.unsubscribe();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await Promise.all(this.replications.map((r) => r.cancel().catch(() => undefined)));
  }
}
