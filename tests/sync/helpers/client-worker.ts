/**
 * One simulated laptop for the sync integration tests: a child process running the app's own
 * data layer (createTutorDatabase with RxDB's memory storage, startSync with the browser
 * bridge's sync requests) and answering commands over IPC. The free RxDB allows 13 open collections
 * per process, so each laptop lives in its own process.
 *
 * "Restart" = close the database and open it again on the same storage object, which keeps the
 * data and the replication checkpoints like a real app restart keeps IndexedDB.
 */
import { getChangedDocumentsSince } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { saveDoc } from '../../../src-renderer/src/data/repo';
import { deleteDoc } from '../../../src-renderer/src/data/sync-delete';
import { collectBackupData, restoreBackupData } from '../../../src-renderer/src/data/backup';
import { MONEY_REVIEW_DOC } from '../../../src-renderer/src/data/money-check';
import { loadMergeDocs, writeMergePlan } from '../../../src-renderer/src/data/merge';
import { planFamilyMerge, planStudentMerge } from '../../../src-shared/students/merge';
import { startSync, type SyncHandle } from '../../../src-renderer/src/data/sync/start-sync';
import { testConnection } from '../../../src-renderer/src/data/sync/connection-check';
import type { OnlineSource } from '../../../src-renderer/src/data/sync/session';
import type { SyncStatus } from '../../../src-renderer/src/data/sync/status';
import { conflictHandlersRecordingTo, listQuarantine, listSyncConflicts } from '../../../src-renderer/src/data/sync/review-lists';
import type { CollectionName } from '../../../src-shared/model/schemas';
import { stampChange, type SyncMeta } from '../../../src-shared/model/meta';
import { basicAuthRequester, loggingRequester } from './requester';
import { PracticeKeyring, type KeyVault } from '../../../src-renderer/src/data/sync/keyring';
import { createPracticeEncryption } from '../../../src-shared/sync/encryption';
import { PRACTICE_SETTINGS_ID } from '../../../src-shared/model/types';
import { nodeBackupPlatform as nodeCrypto } from '../../unit/backup/node-platform';

const storage = getRxStorageMemory();
let db: TutorDatabase | null = null;
let dbName = '';
let openCollections: CollectionName[] | undefined;
let sync: SyncHandle | null = null;
let keyring: PracticeKeyring | null = null;
/** The host's key store (bridge sync.keepPracticeKey), in memory like the browser build's. */
const kept = new Map<string, { keyId: string; key: string }>();
const keptKeys: KeyVault = {
  keep: async (practice, keyId, key) => void kept.set(practice, { keyId, key }),
  load: async (practice) => kept.get(practice) ?? null,
  forget: async (practice) => void kept.delete(practice),
};
let actor = { staffId: 'staff-test', deviceId: `dev-${process.pid}` };
const statuses: SyncStatus[] = [];
const unhandled: string[] = [];
let requestLog: string[] = [];

process.on('unhandledRejection', (reason) => {
  const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
  unhandled.push(text);
  process.send?.({ type: 'unhandled', reason: text });
});

let online = true;
const onlineListeners = new Set<(o: boolean) => void>();
const onlineSource: OnlineSource = {
  isOnline: () => online,
  subscribe(l) {
    onlineListeners.add(l);
    return () => onlineListeners.delete(l);
  },
};

function needDb(): TutorDatabase {
  if (!db) throw new Error('database not open');
  return db;
}

function strip(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_')) out[k] = v;
  out._deleted = Boolean(doc._deleted);
  return out;
}

type Args = Record<string, unknown>;

const commands: Record<string, (a: Args) => Promise<unknown>> = {
  async open(a) {
    dbName = String(a.name ?? dbName ?? 'laptop');
    openCollections = (a.collections as CollectionName[] | undefined) ?? openCollections;
    let conflictHandlers: ReturnType<typeof conflictHandlersRecordingTo> | undefined;
    if (process.env.SYNC_TRACE_CONFLICTS) {
      // Test diagnostics: log every conflict the policy resolves.
      const real = conflictHandlersRecordingTo(() => db);
      conflictHandlers = Object.fromEntries(
        Object.entries(real).map(([c, h]) => [
          c,
          {
            isEqual: h.isEqual,
            async resolve(input: Parameters<typeof h.resolve>[0], ctx: string) {
              const out = await (h.resolve as unknown as (i: unknown, c: string) => Promise<Record<string, unknown>>)(input, ctx);
              const brief = (d: unknown) =>
                d
                  ? JSON.stringify({
                      body: (d as Record<string, unknown>).body,
                      conflicts: ((d as Record<string, unknown>).conflicts as { body: string }[] | undefined)?.map((x) => x.body),
                      clock: ((d as Record<string, unknown>).fieldClock as Record<string, string>)?.body,
                    })
                  : 'none';
              console.log(
                `[${dbName}] resolve ${c} ${String(input.realMasterState.id)} master=${brief(input.realMasterState)} fork=${brief(input.newDocumentState)} base=${brief(input.assumedMasterState)} -> ${brief(out)}`,
              );
              return out;
            },
          },
        ]),
      ) as unknown as typeof real;
    }
    db = await createTutorDatabase({
      name: dbName,
      storage,
      validate: 'precompiled',
      ...(openCollections ? { collections: openCollections } : {}),
      ...(conflictHandlers ? { conflictHandlers } : {}),
    });
    return true;
  },
  /** The practice as a backup holds it (src-renderer/src/data/backup.ts). */
  async backup() {
    return collectBackupData(needDb());
  },
  /** Restores backup data into this (empty) laptop. */
  async restore(a) {
    return restoreBackupData(needDb(), { schemaVersions: {} }, a.data as never);
  },
  async close() {
    if (sync) await sync.stop();
    sync = null;
    if (db) await db.close();
    db = null;
    return true;
  },
  /** The app's device-local record (AppContext's `device`), which the after-sync checks read. */
  async setDevice(a) {
    await needDb().upsertLocal('device', { deviceId: String(a.deviceId), meStaffId: String(a.staffId ?? '') });
    return true;
  },
  async setActor(a) {
    actor = { staffId: String(a.staffId), deviceId: String(a.deviceId) };
    return true;
  },
  async startSync(a) {
    const base = basicAuthRequester(String(a.serverUrl), String(a.username), String(a.password));
    keyring = new PracticeKeyring(String(a.practice), nodeCrypto, keptKeys);
    sync = await startSync({
      keyring,
      db: needDb(),
      serverUrl: String(a.serverUrl),
      practice: String(a.practice),
      request: loggingRequester(base, (line) => requestLog.push(line)),
      online: onlineSource,
      onStatus: (s) => statuses.push(s),
      poll: { minMs: Number(a.pollMs ?? 300), maxMs: Number(a.pollMaxMs ?? 1500) },
      retry: { initialMs: Number(a.retryMs ?? 200), maxMs: Number(a.retryMaxMs ?? 1000) },
      ...(a.batchSize ? { batchSize: a.batchSize as { push?: number; pull?: number } } : {}),
      ...(a.collections ? { collections: a.collections as CollectionName[] } : {}),
    });
    return true;
  },
  /** Turns end-to-end encryption on as the Sync screen does (features/sync/encryption.ts). */
  async enableEncryption(a) {
    const { key, settings } = await createPracticeEncryption(String(a.passphrase), nodeCrypto, { now: new Date(), iterations: 100_000 });
    await keyring!.adopt(settings, key);
    await saveDoc(needDb(), 'settings', PRACTICE_SETTINGS_ID, { encryption: settings } as never, { ...actor, now: new Date() });
    await sync!.syncNow({ timeoutMs: 30_000 });
    return sync!.encryptServerRecords();
  },
  async unlockEncryption(a) {
    await keyring!.unlock(String(a.passphrase));
    return keyring!.state();
  },
  async encryptionState() {
    return keyring?.state() ?? null;
  },
  async stopSync() {
    if (sync) await sync.stop();
    sync = null;
    return true;
  },
  async setOnline(a) {
    online = Boolean(a.online);
    for (const l of onlineListeners) l(online);
    return true;
  },
  async syncNow() {
    return sync ? await sync.syncNow({ timeoutMs: Number(30_000) }) : null;
  },
  async awaitInSync(a) {
    await sync!.awaitInSync(Number(a.timeoutMs ?? 30_000));
    return true;
  },
  async waitForState(a) {
    const want = a.state as string;
    const deadline = Date.now() + Number(a.timeoutMs ?? 20_000);
    while (Date.now() < deadline) {
      const s = sync?.status();
      if (s && s.state === want) return s;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`state ${want} not reached; now ${JSON.stringify(sync?.status())}`);
  },
  async status() {
    return sync?.status() ?? null;
  },
  async statuses() {
    return statuses.map((s) => s.state);
  },
  async write(a) {
    const doc = await saveDoc(needDb(), a.collection as CollectionName, String(a.id), a.values as never, { ...actor, now: new Date() });
    return doc;
  },
  /**
   * Like saveDoc's update (incrementalModify + stampChange), but also returns the version the
   * change was applied to: what the user "saw" when a remote change arrives mid-edit.
   */
  async update(a) {
    const coll = needDb().collections[a.collection as CollectionName] as unknown as {
      findOne(id: string): {
        exec(): Promise<{ incrementalModify(fn: (d: SyncMeta) => SyncMeta): Promise<{ toJSON(): Record<string, unknown> }> } | null>;
      };
    };
    const doc = await coll.findOne(String(a.id)).exec();
    if (!doc) return null;
    let previous: Record<string, unknown> | null = null;
    const updated = await doc.incrementalModify((prev) => {
      previous = { ...prev };
      return stampChange(prev, a.values as never, { ...actor, now: new Date() }, () => String(a.id));
    });
    return { doc: updated.toJSON(), previous };
  },
  /** A merge as the merge dialog applies it (features/families/merge-action.ts `applyMerge`). */
  async merge(a) {
    const ctx = { ...actor, now: new Date() };
    const plan = (a.kind === 'family' ? planFamilyMerge : planStudentMerge)(
      String(a.survivorId),
      String(a.duplicateId),
      await loadMergeDocs(needDb()),
      ctx,
    );
    await writeMergePlan(needDb(), plan, ctx);
    return plan.writes.map((w) => `${w.collection}/${w.id}`);
  },
  async remove(a) {
    return deleteDoc(needDb(), a.collection as CollectionName, String(a.id), { ...actor, now: new Date() });
  },
  async bulkWrite(a) {
    const coll = needDb().collections[a.collection as CollectionName] as unknown as {
      bulkInsert(d: unknown[]): Promise<{ error: unknown[] }>;
    };
    const res = await coll.bulkInsert(a.docs as unknown[]);
    if (res.error.length) throw new Error(`bulkInsert: ${JSON.stringify(res.error[0]).slice(0, 300)}`);
    return true;
  },
  async get(a) {
    const coll = needDb().collections[a.collection as CollectionName] as unknown as {
      storageInstance: { findDocumentsById(ids: string[], withDeleted: boolean): Promise<Record<string, unknown>[]> };
    };
    const [doc] = await coll.storageInstance.findDocumentsById([String(a.id)], true);
    return doc ? strip(doc) : null;
  },
  async dump(a) {
    // Every document including deleted ones (tombstones), as replicated: no RxDB-local fields.
    const out: Record<string, Record<string, unknown>[]> = {};
    for (const c of a.collections as CollectionName[]) {
      const coll = needDb().collections[c] as unknown as { storageInstance: Parameters<typeof getChangedDocumentsSince>[0] };
      const { documents } = await getChangedDocumentsSince(coll.storageInstance, 1_000_000);
      out[c] = (documents as Record<string, unknown>[]).map(strip).sort((x, y) => String(x.id).localeCompare(String(y.id)));
    }
    return out;
  },
  async count(a) {
    return (needDb().collections[a.collection as CollectionName] as unknown as { count(): { exec(): Promise<number> } }).count().exec();
  },
  async conflicts() {
    return listSyncConflicts(needDb());
  },
  async quarantine() {
    return listQuarantine(needDb());
  },
  /** The money records a person must look at, as the after-sync check stored them (`money-review`). */
  async moneyReview() {
    return (await needDb().getLocal(MONEY_REVIEW_DOC))?.toJSON().data ?? null;
  },
  async retryQuarantined(a) {
    await sync!.retryQuarantined(a.collection as CollectionName, String(a.id));
    return true;
  },
  async testConnection(a) {
    return testConnection({
      serverUrl: String(a.serverUrl),
      practice: String(a.practice),
      request: loggingRequester(basicAuthRequester(String(a.serverUrl), String(a.username), String(a.password)), (line) =>
        requestLog.push(line),
      ),
    });
  },
  async requests(a) {
    const out = requestLog;
    if (a.reset) requestLog = [];
    return out;
  },
  async unhandled() {
    return unhandled;
  },
};

process.on('message', (m: { id: number; cmd: string; args: Args }) => {
  const fn = commands[m.cmd];
  if (!fn) {
    process.send?.({ id: m.id, ok: false, error: `unknown command ${m.cmd}` });
    return;
  }
  fn(m.args ?? {}).then(
    (result) => process.send?.({ id: m.id, ok: true, result }),
    (e: unknown) => process.send?.({ id: m.id, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
  );
});
process.send?.({ type: 'ready' });
