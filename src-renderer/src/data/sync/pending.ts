/**
 * The pending set: local changes not yet on the server ("N local changes not yet on the server").
 *
 * - A local write (any change event that did not come from the replication's own pull) adds its
 *   document; the server accepting it (push.ts `onAccepted`) removes it, unless the document was
 *   changed again locally after it was read for sending: the latest local version is kept from
 *   the change events and compared with what was sent, without reading the database. A document
 *   the server refused leaves the set (it is in the refused-changes list instead).
 * - It is kept in the local document `sync-state` (saved every PERSIST_STATE_MS while it changes,
 *   and at stop) for one server and practice, so it survives a restart.
 * - On the first connection to a server and practice every local document is pending. Finding
 *   them reads every id (the app's Dexie storage: keys only, one request per collection; other
 *   storages: the documents, a page at a time), alongside the first connection (documents the
 *   server accepts meanwhile are not counted again).
 */
import { getChangedDocumentsSince, type RxCollection, type RxStorageDefaultCheckpoint } from 'rxdb';
import type { Subscription } from 'rxjs';
import type { CollectionName } from '../../../../src-shared/model/schemas';
import { docsEqual, type AnyDoc } from '../../../../src-shared/sync/merge';
import { storedIds } from '../dexie-storage';

export const SYNC_STATE_LOCAL_ID = 'sync-state';
/**
 * How often the pending list is saved while it changes (and at stop). It lists every pending id,
 * so during a first sync of a big practice each save is a large write competing with the sync.
 */
export const PERSIST_STATE_MS = 2000;
/** Documents read per request when a first connection counts the local documents. */
export const SCAN_PAGE = 1000;

interface SavedState {
  key?: string;
  pending?: string[];
  lastSyncedAt?: string | null;
}

/** The part of the database this needs. */
export interface PendingDb {
  readonly closed: boolean;
  getLocal(id: string): Promise<{ toJSON(): { data: unknown } } | null>;
  upsertLocal(id: string, data: Record<string, unknown>): Promise<unknown>;
}

const keyOf = (collection: CollectionName, id: string) => `${collection}/${id}`;

export class PendingChanges {
  private readonly ids: Set<string>;
  /** The current local version of documents changed since this start (from change events). */
  private readonly localVersion = new Map<string, AnyDoc>();
  private readonly acceptedWhileScanning = new Set<string>();
  private scanning: Promise<void> | null = null;
  private persistTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly subs: Subscription[] = [];
  /** What was saved for this server and practice, if anything. */
  readonly savedLastSyncedAt: string | null;

  private constructor(
    private readonly db: PendingDb,
    private readonly stateKey: string,
    saved: SavedState | undefined,
    private readonly lastSyncedAt: () => string | null,
    private readonly onChange: () => void,
  ) {
    this.ids = new Set(saved?.pending ?? []);
    this.savedLastSyncedAt = saved?.lastSyncedAt ?? null;
  }

  /**
   * The pending set for `stateKey` (server and practice): the saved one, or, the first time, every
   * local document of `collections` (counted in the background, `whenCounted`).
   */
  static async open(options: {
    db: PendingDb;
    stateKey: string;
    collections: ReadonlyMap<CollectionName, RxCollection>;
    lastSyncedAt: () => string | null;
    onChange: () => void;
  }): Promise<PendingChanges> {
    const raw = (await options.db.getLocal(SYNC_STATE_LOCAL_ID))?.toJSON().data as SavedState | undefined;
    const saved = raw?.key === options.stateKey ? raw : undefined;
    const p = new PendingChanges(options.db, options.stateKey, saved, options.lastSyncedAt, options.onChange);
    if (!saved) p.scan(options.collections);
    p.watch(options.collections);
    return p;
  }

  get size(): number {
    return this.ids.size;
  }

  /** Resolves when the first connection's count of local documents is done. */
  whenCounted(): Promise<void> {
    return this.scanning ?? Promise.resolve();
  }

  private scan(collections: ReadonlyMap<CollectionName, RxCollection>): void {
    this.scanning = (async () => {
      for (const [c, coll] of collections) {
        const add = (id: string) => {
          const key = keyOf(c, id);
          if (!this.acceptedWhileScanning.has(key)) this.ids.add(key);
        };
        // The app's Dexie storage gives the ids alone (one request); other storages, page by page.
        const ids = await storedIds(coll.storageInstance);
        if (ids) {
          ids.forEach(add);
          continue;
        }
        let checkpoint: RxStorageDefaultCheckpoint | undefined;
        for (;;) {
          if (this.db.closed) return;
          const page = await getChangedDocumentsSince(coll.storageInstance, SCAN_PAGE, checkpoint);
          for (const d of page.documents) add(String((d as AnyDoc).id));
          if (page.documents.length < SCAN_PAGE) break;
          checkpoint = page.checkpoint as RxStorageDefaultCheckpoint;
        }
      }
    })()
      .catch((e: unknown) => console.error('Could not count the local changes to sync', e))
      .finally(() => {
        this.scanning = null;
        this.acceptedWhileScanning.clear();
        this.onChange();
        this.persist();
      });
  }

  private watch(collections: ReadonlyMap<CollectionName, RxCollection>): void {
    for (const [c, coll] of collections) {
      this.subs.push(
        coll.eventBulks$.subscribe((bulk) => {
          if (bulk.isLocal) return;
          if (String(bulk.context).startsWith('replication-downstream')) {
            // Pulled versions replace the local version of documents being tracked.
            for (const ev of bulk.events) {
              const key = keyOf(c, ev.documentId);
              if (this.localVersion.has(key)) this.localVersion.set(key, ev.documentData as unknown as AnyDoc);
            }
            return;
          }
          for (const ev of bulk.events) {
            const key = keyOf(c, ev.documentId);
            this.ids.add(key);
            this.localVersion.set(key, ev.documentData as unknown as AnyDoc);
          }
          this.onChange();
          this.persist();
        }),
      );
    }
  }

  /** The server stored `docs` (app form, as sent). */
  accepted(collection: CollectionName, docs: readonly AnyDoc[]): void {
    for (const d of docs) {
      const key = keyOf(collection, String(d.id));
      // Changed here since it was read for sending: still pending. A document with no change
      // event since this start is as the replication read it (every local write since is seen).
      const now = this.localVersion.get(key);
      if (now && !docsEqual(now, d)) continue;
      this.ids.delete(key);
      this.localVersion.delete(key);
      if (this.scanning) this.acceptedWhileScanning.add(key);
    }
    this.persist();
  }

  /** The server refused these for good: they are listed elsewhere, no longer pending. */
  refused(collection: CollectionName, ids: readonly string[]): void {
    for (const id of ids) {
      const key = keyOf(collection, id);
      this.ids.delete(key);
      this.localVersion.delete(key);
      if (this.scanning) this.acceptedWhileScanning.add(key);
    }
    this.persist();
  }

  /** Saves the set soon (at most every PERSIST_STATE_MS; never a half-done count). */
  persist(): void {
    if (this.persistTimer || this.scanning) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = null;
      if (this.db.closed) return;
      this.db.upsertLocal(SYNC_STATE_LOCAL_ID, this.saved() as Record<string, unknown>).catch(() => undefined);
    }, PERSIST_STATE_MS);
  }

  private saved(): SavedState {
    return { key: this.stateKey, pending: [...this.ids], lastSyncedAt: this.lastSyncedAt() };
  }

  /** Stops watching, finishes the count, and saves now. */
  async close(): Promise<void> {
    for (const s of this.subs.splice(0)) s.unsubscribe();
    if (this.scanning) await this.scanning;
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = null;
    if (!this.db.closed) await this.db.upsertLocal(SYNC_STATE_LOCAL_ID, this.saved() as Record<string, unknown>).catch(() => undefined);
  }
}
