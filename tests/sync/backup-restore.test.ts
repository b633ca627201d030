/**
 * A backup restored on a laptop that syncs (docs/backup.md "Restoring on a laptop that syncs"),
 * against a real server started here: the restored laptop neither resurrects records deleted
 * before or after the backup nor overwrites edits made on the server after it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnLaptop, type Laptop } from './helpers/client';
import { startTestServer, target, type TestServer } from './helpers/server';
import { studentValues } from './helpers/fixtures';

let server: TestServer;
const laptops: Laptop[] = [];
const COLS = ['students'] as const;

beforeAll(async () => {
  server = await startTestServer();
}, 120_000);
afterAll(async () => {
  await server?.cleanup();
});
afterEach(async () => {
  for (const l of laptops) l.assertNoUnhandled();
  await Promise.all(laptops.splice(0).map((l) => l.kill()));
});

async function laptop(name: string): Promise<Laptop> {
  const l = await spawnLaptop(name);
  laptops.push(l);
  await l.open(COLS);
  await l.setActor(server.users.admin.staffId, `dev-${name}`);
  return l;
}

const connect = (l: Laptop) =>
  l.startSync({
    serverUrl: server.url,
    practice: server.practice,
    username: server.users.admin.username,
    password: server.users.admin.password,
    collections: COLS,
  });

describe(`${target.title} restoring a backup on a laptop that syncs`, () => {
  it('keeps edits and deletions made on the server after the backup, and deletions made before it', async () => {
    const a = await laptop('bk-a');
    const b = await laptop('bk-b');
    for (const [id, first] of [
      ['s1', 'Ada'],
      ['s2', 'Grace'],
      ['s3', 'Mary'],
    ] as const)
      await a.write('students', id, studentValues({ firstName: first, phone: '0100' }));
    await connect(a);
    await a.awaitInSync();
    // Deleted before the backup.
    await a.remove('students', 's3');
    await a.syncNow();
    await a.awaitInSync();
    const backup = await a.call('backup');

    // After the backup, another laptop edits one student and deletes another.
    await connect(b);
    await b.awaitInSync();
    await b.syncNow();
    expect((await b.get('students', 's1'))?.phone).toBe('0100');
    await new Promise((r) => setTimeout(r, 20));
    await b.write('students', 's1', { phone: '0199' });
    await b.remove('students', 's2');
    await b.syncNow();
    await b.awaitInSync();

    // A fresh laptop restores the backup, then connects.
    const c = await laptop('bk-c');
    const summary = (await c.call('restore', { data: backup })) as { restored: { students?: number }; deletions: number };
    expect(summary).toMatchObject({ restored: { students: 2 }, deletions: 1 });
    await connect(c);
    await c.awaitInSync();
    for (let round = 0; round < 2; round++) for (const l of [c, b]) await l.syncNow();

    const onServer = await server.dump('students');
    const byId = new Map(onServer.map((d) => [d.id, d]));
    expect(byId.get('s1')).toMatchObject({ phone: '0199', _deleted: false });
    expect(byId.get('s2')).toMatchObject({ _deleted: true });
    expect(byId.get('s3')).toMatchObject({ _deleted: true });
    for (const l of [b, c]) {
      expect((await l.dump(COLS)).students, l.name).toEqual(onServer);
    }
    expect(await c.quarantine()).toEqual([]);
  });
});
