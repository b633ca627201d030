/**
 * localDoc$ (src-renderer/src/data/local-docs.ts) against a real RxDB database: it emits what RxDB's
 * getLocal$ emits for the watched local document, and reads nothing for other changes.
 */
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { localDoc$ } from '../../../src-renderer/src/data/local-docs';
import { saveDoc } from '../../../src-renderer/src/data/repo';
import { stampChange } from '../../../src-shared/model/meta';

const ctx = { staffId: 'staff-1', deviceId: 'dev-1', now: new Date('2026-03-01T10:00:00Z') };
let db: TutorDatabase | undefined;
afterEach(async () => {
  await db?.remove();
  db = undefined;
});

const open = async (name: string) =>
  (db = await createTutorDatabase({ name, storage: getRxStorageMemory(), validate: false, collections: ['students'] }));
const data = (d: { toJSON(): { data: unknown } } | null) => (d ? d.toJSON().data : null);

describe('localDoc$', () => {
  it('emits the document now and after each change of it, in order, like getLocal$', async () => {
    const database = await open(`local-docs-${Date.now()}`);
    await database.upsertLocal('watched', { v: 0 });
    const seen = firstValueFrom(localDoc$(database, 'watched').pipe(take(4), toArray()));
    const theirs = firstValueFrom(database.getLocal$('watched').pipe(take(4), toArray()));
    await new Promise((r) => setTimeout(r, 10));
    await database.upsertLocal('other', { v: 'x' });
    await database.upsertLocal('watched', { v: 1 });
    await saveDoc(database, 'students', undefined, { firstName: 'Ada', lastName: 'Lovelace' } as never, ctx);
    await database.upsertLocal('watched', { v: 2 });
    await database.upsertLocal('watched', { v: 3 });
    const mine = (await seen).map(data);
    expect(mine).toEqual([{ v: 0 }, { v: 1 }, { v: 2 }, { v: 3 }]);
    expect((await theirs).map(data)).toEqual(mine);
  });

  it('emits null for a document that does not exist yet, then the document once written', async () => {
    const database = await open(`local-docs-new-${Date.now()}`);
    const values = firstValueFrom(localDoc$(database, 'later').pipe(take(2), toArray()));
    await new Promise((r) => setTimeout(r, 10));
    await database.upsertLocal('later', { ok: true });
    expect((await values).map(data)).toEqual([null, { ok: true }]);
  });

  it('reads the document only when a change of it arrives, not for every change event', async () => {
    const database = await open(`local-docs-reads-${Date.now()}`);
    await database.upsertLocal('watched', { v: 0 });
    let reads = 0;
    const source = { eventBulks$: database.eventBulks$, getLocal: (id: string) => (reads++, database.getLocal(id)) };
    const last = firstValueFrom(localDoc$(source, 'watched').pipe(filter((d) => (data(d) as { v: number } | null)?.v === 1)));
    await new Promise((r) => setTimeout(r, 10));
    const students = database.collections.students as unknown as { bulkInsert(docs: unknown[]): Promise<unknown> };
    await students.bulkInsert(
      Array.from({ length: 500 }, (_, i) => stampChange(undefined, { firstName: 'A', lastName: `B${i}` } as never, ctx, () => `s-${i}`)),
    );
    await database.upsertLocal('other', { v: 'x' });
    expect(reads).toBe(1);
    await database.upsertLocal('watched', { v: 1 });
    await last;
    expect(reads).toBe(2);
  });
});
