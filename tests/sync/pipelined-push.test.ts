/**
 * The pipelined push (RxDB's upstream as patched by patches/rxdb+17.6.0.patch; docs/sync.md,
 * "Pipelined push") against a real server: the next batch goes to the server while the previous
 * batch's bookkeeping is still being written, every document arrives once in its latest version,
 * and a document changed again while its first push is being finished is sent again only after
 * that (no conflict, nothing lost).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createTutorDatabase, type TutorDatabase } from '../../src-renderer/src/data/database';
import { saveDoc } from '../../src-renderer/src/data/repo';
import { createBasicAuthFetch, startSync, type SyncHandle } from '../../src-renderer/src/data/replication';
import { practiceDbName } from '../../src-shared/sync/names';
import { studentValues } from './helpers/fixtures';
import { PRACTICE, USERS, startTestServer, type TestServer } from './helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
}, 60_000);
afterAll(async () => {
  await server?.cleanup();
});

type Event = [string, number];

/** Memory storage whose replication bookkeeping writes take `delayMs` and are logged. */
function slowMetaStorage(events: Event[], delayMs: number): ReturnType<typeof getRxStorageMemory> {
  const base = getRxStorageMemory();
  let metaWrites = 0;
  return {
    ...base,
    async createStorageInstance(params) {
      const instance = await base.createStorageInstance(params);
      if (!params.collectionName.startsWith('rx-replication-meta')) return instance;
      const bulkWrite = instance.bulkWrite.bind(instance);
      instance.bulkWrite = async (rows, context) => {
        if (context !== 'replication-up-write-meta') {
          events.push([context, rows.length]);
          return bulkWrite(rows, context);
        }
        const n = ++metaWrites;
        events.push([`meta-write-start`, n]);
        await new Promise((r) => setTimeout(r, delayMs));
        const result = await bulkWrite(rows, context);
        events.push([`meta-write-end`, n]);
        return result;
      };
      return instance;
    },
  };
}

async function openLaptop(name: string, events: Event[], delayMs: number): Promise<TutorDatabase> {
  return createTutorDatabase({ name, storage: slowMetaStorage(events, delayMs) as never, validate: 'precompiled', collections: ['students'] });
}

function loggingFetch(events: Event[]) {
  const base = createBasicAuthFetch(USERS.admin.username, USERS.admin.password);
  let n = 0;
  return (async (url: string, init?: RequestInit) => {
    if (!String(url).includes('/_bulk_docs')) return base(url, init);
    const i = ++n;
    events.push(['bulk-start', i]);
    try {
      return await base(url, init);
    } finally {
      events.push(['bulk-end', i]);
    }
  }) as typeof base;
}

const ctx = { staffId: 'staff-admin', deviceId: 'pipeline-test', now: new Date('2026-03-01T10:00:00Z') };
const serverDocs = async () => {
  const { json } = await server.admin('GET', `/${practiceDbName(PRACTICE, 'students')}/_all_docs?include_docs=true`);
  return (json as { rows: { id: string; doc: Record<string, unknown> }[] }).rows.filter((r) => !r.id.startsWith('_design/')).map((r) => r.doc);
};

describe('pipelined push', () => {
  let db: TutorDatabase | undefined;
  let sync: SyncHandle | undefined;
  afterAll(async () => {
    await sync?.stop();
    await db?.remove();
  });

  it('sends the next batch while the previous batch is being finished; every document arrives once, in its latest version', async () => {
    const events: Event[] = [];
    db = await openLaptop('pipeline-a', events, 300);
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push((await saveDoc(db, 'students', undefined, studentValues({ firstName: `Pipe${i}`, lastName: 'Line' }), ctx)).id);
    sync = await startSync({
      db,
      serverUrl: server.url,
      practice: PRACTICE,
      fetch: loggingFetch(events),
      collections: ['students'],
      batchSize: { push: 30, pull: 100 },
      online: { isOnline: () => true, subscribe: () => () => undefined },
    });
    // The last document created is in the last of the ten batches. Once that batch is on its way
    // to the server, but before it is finished (each finish takes 300 ms here, so the first sync
    // is still reading), change the document: the first sync reads it again, and its second push
    // must wait until the first one is finished, or it would meet its own first version as a
    // conflict.
    const last = ids.at(-1)!;
    const until = Date.now() + 30_000;
    while (!events.some(([e, n]) => e === 'bulk-start' && n === 10) && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
    expect(events.filter(([e]) => e === 'meta-write-end').length, 'the last batch is not finished yet').toBeLessThan(10);
    await saveDoc(db, 'students', last, { firstName: 'Changed while finishing' }, ctx);
    await sync.awaitInSync(60_000);

    // pipelining: a later batch went to the server while an earlier batch's bookkeeping was still being written
    const at = (e: string, n: number) => events.findIndex(([x, i]) => x === e && i === n);
    const overlapped = events.some(([e, n], idx) => e === 'bulk-start' && events.slice(0, idx).some(([m, k]) => m === 'meta-write-start' && at('meta-write-end', k) > idx) && n > 1);
    expect(overlapped, JSON.stringify(events)).toBe(true);

    // and the change was sent after its first push was finished, so it met no conflict on the way
    expect(events.filter(([e]) => e.includes('conflict')), JSON.stringify(events)).toEqual([]);

    const docs = await serverDocs();
    expect(docs.map((d) => d._id).sort()).toEqual([...ids].sort());
    const changed = docs.find((d) => d._id === last)!;
    expect(changed.firstName).toBe('Changed while finishing');
    // sent twice (created, then the change): revision 2, no conflict branch
    expect(String(changed._rev)).toMatch(/^2-/);
    const { json } = await server.admin('GET', `/${practiceDbName(PRACTICE, 'students')}/${last}?conflicts=true`);
    expect((json as { _conflicts?: unknown[] })._conflicts).toBeUndefined();
    expect(sync.status().pending).toBe(0);
    expect(sync.status().state).not.toBe('error');
  }, 90_000);
});
