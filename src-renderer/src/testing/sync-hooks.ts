/**
 * Test and benchmark hooks of the sync feature (test build only, installed from install.ts when the
 * page is opened with `?testHooks`): `window.__tutordeskSyncTest`.
 *
 * - `save` writes a record through the app's own write path (stamped like every UI change), for
 *   e2e steps whose screens belong to other features (e.g. billing two computers at once).
 * - `benchPull` / `benchPush` run TutorDesk's replication (startSync, the browser bridge's
 *   sync requests) on this page's database and time it (scripts/bench/sync.ts).
 */
import type { CollectionName } from '../../../src-shared/model/schemas';
import type { SyncMeta } from '../../../src-shared/model/meta';
import type { TutorDatabase } from '../data';
import { saveDoc } from '../data';
import { startSync, type SyncStatus } from '../data';
import { browserSyncFetch } from '../platform/browser-bridge';
import { createTutorDatabase } from '../data';
import { tutorDexieStorage } from '../data';
import { PracticeKeyring } from '../data';
import { windowBackupPlatform } from '../platform/web-crypto';
import type { PracticeEncryption } from '../../../src-shared/sync/encryption';

/** The database a benchmark runs on, and how to clean it up. */
async function benchDb(appDb: TutorDatabase, o: SyncBenchOptions): Promise<{ db: TutorDatabase; done: () => Promise<void> }> {
  if (o.database !== 'unvalidated') return { db: appDb, done: async () => undefined };
  const db = await createTutorDatabase({
    name: `bench-${Date.now()}`,
    storage: tutorDexieStorage(),
    validate: false,
    collections: o.collections,
  });
  return { db, done: async () => void (await db.remove()) };
}

export interface SyncBenchOptions {
  serverUrl: string;
  practice: string;
  username: string;
  password: string;
  collections: CollectionName[];
  batchSize?: { push?: number; pull?: number };
  /**
   * 'app' (default): the app's own database, as shipped (Dexie, precompiled Ajv validation). 'unvalidated':
   * a temporary Dexie database with the same collections but no local schema validation, to show
   * what validation costs.
   */
  database?: 'app' | 'unvalidated';
  /** Stop after this long and report what was done (`complete: false`). */
  deadlineMs?: number;
  /** End-to-end encryption on, with this practice key (base64 of 64 bytes): the bench's "encryption on". */
  encryptionKey?: string;
}

/** A keyring unlocked with `key`, as a laptop has it after the passphrase (the bench's practice has no settings record). */
async function benchKeyring(practice: string, key: string): Promise<PracticeKeyring> {
  const keyring = new PracticeKeyring(practice, windowBackupPlatform, null);
  const settings: PracticeEncryption = {
    version: 1,
    keyId: '00000000000000be',
    cipher: 'AES-SIV-CMAC-512',
    kdf: 'PBKDF2-SHA256',
    iterations: 600_000,
    salt: '',
    wrappedKey: { iv: '', data: '' },
    enabledAt: new Date(0).toISOString(),
    passphraseChangedAt: new Date(0).toISOString(),
  };
  await keyring.adopt(settings, windowBackupPlatform.base64Decode(key));
  return keyring;
}

export interface SyncBenchResult {
  ms: number;
  docs: number;
  /** False when the deadline stopped it first. */
  complete: boolean;
  status: SyncStatus;
  /** [ms since start, state, pulled, pushed] at each state change and every 1,000 documents. */
  trace: [number, string, number, number][];
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

async function timedSync(
  db: TutorDatabase,
  o: SyncBenchOptions,
  until: (s: SyncStatus) => boolean,
): Promise<{ ms: number; complete: boolean; status: SyncStatus; trace: SyncBenchResult['trace'] }> {
  const t0 = performance.now();
  let failed: SyncStatus | null = null;
  const trace: SyncBenchResult['trace'] = [];
  let last = '';
  const keyring = o.encryptionKey ? await benchKeyring(o.practice, o.encryptionKey) : null;
  const handle = await startSync({
    db,
    ...(keyring ? { keyring } : {}),
    serverUrl: o.serverUrl,
    practice: o.practice,
    request: (req) =>
      browserSyncFetch({ serverUrl: o.serverUrl, username: o.username, password: o.password }, req, { origin: location.origin }),
    collections: o.collections,
    ...(o.batchSize ? { batchSize: o.batchSize } : {}),
    onStatus: (s) => {
      if (s.state === 'error') failed = s;
      const mark = `${s.state}|${Math.floor(s.pulled / 1000)}|${Math.floor(s.pushed / 1000)}`;
      if (mark !== last) trace.push([Math.round(performance.now() - t0), s.state, s.pulled, s.pushed]);
      last = mark;
    },
  });
  const deadline = t0 + (o.deadlineMs ?? 15 * 60_000);
  try {
    let complete = true;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) {
        complete = false;
        break;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([
        handle.awaitInSync(left + 1000).then(
          () => 'synced' as const,
          () => 'late' as const,
        ),
        new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), left))),
      ]).catch(() => 'late' as const);
      clearTimeout(timer);
      if (failed) throw new Error(`sync failed: ${(failed as SyncStatus).error?.message}`);
      if (outcome === 'late') {
        complete = false;
        break;
      }
      if (until(handle.status())) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return { ms: performance.now() - t0, complete, status: handle.status(), trace };
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
      const target = await benchDb(db, o);
      try {
        const { ms, complete, status, trace } = await timedSync(target.db, o, () => true);
        let docs = 0;
        for (const c of o.collections)
          docs += await (target.db.collections[c] as unknown as { count(): { exec(): Promise<number> } }).count().exec();
        return { ms, docs, complete, status, trace };
      } finally {
        await target.done();
      }
    },
    async benchPush(o) {
      const target = await benchDb(db, o);
      try {
        return await push(target.db, o);
      } finally {
        await target.done();
      }
    },
  };

  async function push(target: TutorDatabase, o: SyncBenchOptions & { docs: SyncMeta[] }): Promise<SyncBenchResult & { insertMs: number }> {
    const coll = target.collections[o.collections[0]!] as unknown as { bulkInsert(d: SyncMeta[]): Promise<{ error: unknown[] }> };
    const t0 = performance.now();
    for (let i = 0; i < o.docs.length; i += 2000) {
      const r = await coll.bulkInsert(o.docs.slice(i, i + 2000));
      if (r.error.length) throw new Error(`local insert failed: ${JSON.stringify(r.error[0]).slice(0, 300)}`);
    }
    const insertMs = performance.now() - t0;
    const { ms, complete, status, trace } = await timedSync(target, o, (s) => s.pending === 0);
    return { ms, docs: status.pushed, complete, status, insertMs, trace };
  }
}
