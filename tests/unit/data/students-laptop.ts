/**
 * One laptop's storage for the snapshot and mirror tests: the app's Dexie storage over one
 * fake-indexeddb that survives restarts, with the practice's snapshot store attached.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { tutorDexieStorage } from '../../../src-renderer/src/data/dexie-storage';
import { attachSnapshots, flushSnapshotWrites, openSnapshotStore, type SnapshotStore } from '../../../src-renderer/src/data/snapshots';

export function studentsLaptop(prefix: string, name = `${prefix}${Math.random().toString(36).slice(2)}`) {
  const idb = new IDBFactory();
  const storage = tutorDexieStorage({ indexedDB: idb, IDBKeyRange });
  let open: { db: TutorDatabase; store: SnapshotStore } | null = null;
  return {
    idb,
    name,
    async start() {
      const db = await createTutorDatabase({ name, storage, validate: 'ajv', collections: ['students'] });
      const store = await openSnapshotStore(name, idb);
      attachSnapshots(db, store);
      open = { db, store };
      return open;
    },
    /** Saves what waits to be saved, then closes (as the window closing does). */
    async stop() {
      if (!open) return;
      await flushSnapshotWrites(open.store);
      open.store.close();
      await open.db.close();
      open = null;
    },
  };
}

/** The students' own IndexedDB database under RxDB, to change it behind RxDB's back. */
export function openStudentsStore(l: { idb: IDBFactory; name: string }): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    void l.idb.databases().then((list) => {
      const name = list.map((d) => d.name!).find((n) => n.startsWith(`rxdb-dexie-${l.name}--`) && n.endsWith('--students'))!;
      const req = l.idb.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  });
}
