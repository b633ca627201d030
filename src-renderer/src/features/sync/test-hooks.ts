/**
 * Test and benchmark hooks of the sync feature (installed from app/test-hooks.ts only when the
 * page is opened with `?testHooks`): `window.__tutordeskSyncTest`.
 *
 * - `save` writes a record through the app's own write path (stamped like every UI change), for
 *   e2e steps whose screens belong to other features (e.g. billing two computers at once).
 * - `benchPull` / `benchPush` run TutorDesk's replication (startSync, the browser build's
 *   basic-auth fetch) on this page's database and time it (scripts/bench/sync.ts).
 */
import type { CollectionName } from '../../../../src-shared/model/schemas';
import type { SyncMeta } from '../../../../src-shared/model/meta';
import type { TutorDatabase } from '../../db/database';
import { saveDoc } from '../../db/repo';
import { createBasicAuthFetch, startSync, type SyncStatus } from '../../db/replication';

export interface SyncBenchOptions {
  serverUrl: string;
  practice: string;
  username: string;
  password: string;
  collections: CollectionName[];
  batchSize?: { push?: number; pull?: number };
}

export interface SyncBenchResult {
  ms: number;
  docs: number;
  status: SyncStatus;
}

export interface SyncTestHooks {
  save(collection: CollectionName, id: string | undefined, values: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The replication's saved bookkeeping (pending changes, last sync) for debugging tests. */
  savedState(): Promise<unknown>;
  benchPull(options: SyncBenchOptions): Promise<SyncBenchResult>;
  /** Inserts `docs` (complete, stamped documents) locally, then times pushing them. */
  benchPush(options: SyncBenchOptions & { docs: SyncMeta[] }): Promise<SyncBenchResult & { insertMs: number }>;
}

declare global {
  interface Window {
    __tutordeskSyncTest?: SyncTestHooks;
  }
}

async function timedSync(db: TutorDatabase, o: SyncBenchOptions, until: (s: SyncStatus) => boolean): Promise<{ ms: number; status: SyncStatus }> {
  const t0 = performance.now();
  let failed: SyncStatus | null = null;
  const handle = await startSync({
    db,
    serverUrl: o.serverUrl,
    practice: o.practice,
    fetch: createBasicAuthFetch(o.username, o.password),
    collections: o.collections,
    ...(o.batchSize ? { batchSize: o.batchSize } : {}),
    onStatus: (s) => {
      if (s.state === 'error') failed = s;
    },
  });
  try {
    for (;;) {
      await handle.awaitInSync(15 * 60_000);
      if (failed) throw new Error(`sync failed: ${(failed as SyncStatus).error?.message}`);
      if (until(handle.status())) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return { ms: performance.now() - t0, status: handle.status() };
  } finally {
    await handle.stop();
  }
}

export function installSyncTestHooks(db: TutorDatabase): void {
  window.__tutordeskSyncTest = {
    async save(collection, id, values) {
      const device = (await db.getLocal<{ deviceId: string; meStaffId: string }>('device'))?.toJSON().data;
      const ctx = { staffId: device?.meStaffId || 'unknown', deviceId: device?.deviceId ?? 'test', now: new Date() };
      return (await saveDoc(db, collection, id, values as never, ctx)) as unknown as Record<string, unknown>;
    },
    async savedState() {
      return (await db.getLocal('sync-state'))?.toJSON().data ?? null;
    },
    async benchPull(o) {
      const { ms, status } = await timedSync(db, o, () => true);
      let docs = 0;
      for (const c of o.collections) docs += await (db.collections[c] as unknown as { count(): { exec(): Promise<number> } }).count().exec();
      return { ms, docs, status };
    },
    async benchPush(o) {
      const coll = db.collections[o.collections[0]!] as unknown as { bulkInsert(d: SyncMeta[]): Promise<{ error: unknown[] }> };
      const t0 = performance.now();
      for (let i = 0; i < o.docs.length; i += 2000) {
        const r = await coll.bulkInsert(o.docs.slice(i, i + 2000));
        if (r.error.length) throw new Error(`local insert failed: ${JSON.stringify(r.error[0]).slice(0, 300)}`);
      }
      const insertMs = performance.now() - t0;
      const { ms, status } = await timedSync(db, o, (s) => s.pending === 0);
      return { ms, docs: status.pushed, status, insertMs };
    },
  };
}
