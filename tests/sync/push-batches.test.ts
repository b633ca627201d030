/**
 * A push in many batches against a real server (what replaced tests/sync/pipelined-push.test.ts
 * when the RxDB patch went): every document arrives once in its latest version, and a document
 * changed again while its first push is under way is sent again after it, on the revision the
 * first push created (no conflict, nothing lost). The push handler (push.ts) is what RxDB calls
 * for each batch; RxDB runs the batches one task after the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createTutorDatabase, type TutorDatabase } from '../../src-renderer/src/data/database';
import { saveDoc } from '../../src-renderer/src/data/repo';
import { startSync, type SyncHandle } from '../../src-renderer/src/data/sync/start-sync';
import { practiceDbName } from '../../src-shared/sync/names';
import { studentValues } from './helpers/fixtures';
import { basicAuthRequester } from './helpers/requester';
import { startTestServer, target, type TestServer } from './helpers/server';

let server: TestServer;
let PRACTICE: string;
let USERS: TestServer['users'];
beforeAll(async () => {
  server = await startTestServer();
  ({ practice: PRACTICE, users: USERS } = server);
}, 60_000);
afterAll(async () => {
  await server?.cleanup();
});

const ctx = { staffId: 'staff-admin', deviceId: 'push-batches-test', now: new Date('2026-03-01T10:00:00Z') };
const serverDocs = async () => {
  const { json } = await server.admin('GET', `/${practiceDbName(PRACTICE, 'students')}/_all_docs?include_docs=true`);
  return (json as { rows: { id: string; doc: Record<string, unknown> }[] }).rows
    .filter((r) => !r.id.startsWith('_design/'))
    .map((r) => r.doc);
};

describe(`${target.title} push in batches`, () => {
  let db: TutorDatabase | undefined;
  let sync: SyncHandle | undefined;
  afterAll(async () => {
    await sync?.stop();
    await db?.remove();
  });

  it('every document arrives once, in its latest version; one changed during the push is sent again after it, without a conflict', async () => {
    db = await createTutorDatabase({
      name: 'push-batches',
      storage: getRxStorageMemory(),
      validate: 'precompiled',
      collections: ['students'],
    });
    const ids: string[] = [];
    for (let i = 0; i < 300; i++)
      ids.push((await saveDoc(db, 'students', undefined, studentValues({ firstName: `Batch${i}`, lastName: 'Push' }), ctx)).id);
    const writes: number[] = [];
    const inner = basicAuthRequester(server.url, USERS.admin.username, USERS.admin.password);
    sync = await startSync({
      db,
      serverUrl: server.url,
      practice: PRACTICE,
      request: async (req) => {
        if (req.path.endsWith('/_bulk_docs')) writes.push(Date.now());
        return inner(req);
      },
      collections: ['students'],
      batchSize: { push: 30, pull: 100 },
    });
    // Change the last document once the push is under way (it is in the last batches).
    const last = ids.at(-1)!;
    const until = Date.now() + 30_000;
    while (writes.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
    expect(writes.length).toBeGreaterThanOrEqual(2);
    await saveDoc(db, 'students', last, { firstName: 'Changed during the push' }, ctx);
    await sync.awaitInSync(60_000);
    await expect.poll(() => sync!.status().pending, { timeout: 10_000 }).toBe(0);

    const docs = await serverDocs();
    expect(docs.map((d) => d._id).sort()).toEqual([...ids].sort());
    const changed = docs.find((d) => d._id === last)!;
    expect(changed.firstName).toBe('Changed during the push');
    const { json } = await server.admin('GET', `/${practiceDbName(PRACTICE, 'students')}/${last}?conflicts=true`);
    expect((json as { _conflicts?: unknown[] })._conflicts).toBeUndefined();
    // at most two revisions: created, then (if the first version had gone already) the change
    expect(String(changed._rev)).toMatch(/^[12]-/);
    expect(writes.length).toBeGreaterThanOrEqual(10);
    expect(sync.status().state).not.toBe('error');
    expect(sync.status().pushed).toBeGreaterThanOrEqual(300);
  }, 90_000);
});
