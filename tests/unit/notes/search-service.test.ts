import { afterEach, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { saveDoc } from '../../../src-renderer/src/data/repo';
import { createSearchService, type SearchService } from '../../../src-renderer/src/features/search/search-service';
import type { ChangeContext } from '../../../src-shared/model/meta';
import { newProgressNote } from '../../../src-shared/notes/timeline';
import { stampChange } from '../../../src-shared/model/meta';
import type { Note } from '../../../src-shared/model/types';

const ctx: ChangeContext = { staffId: 'emily', deviceId: 'laptop-a', now: new Date('2026-03-01T10:00:00Z') };

const student = (firstName: string, lastName: string) => ({
  firstName,
  lastName,
  familyId: 'fam-1',
  status: 'active' as const,
  subjects: ['Maths'],
  defaultRate: null,
  email: '',
  phone: '',
  gradeLevel: 'Year 9',
  notes: '',
  archivedAt: '',
});

let db: TutorDatabase | null = null;
let service: SearchService | null = null;
afterEach(async () => {
  service?.dispose();
  await db?.close();
  db = null;
  service = null;
});

async function until(check: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('search service', () => {
  it('starts building only after startAfter, keeping what was written while it waited (indexed in chunks)', async () => {
    db = await createTutorDatabase({
      name: `searchwait${Date.now()}${Math.random()}`.replace('.', ''),
      storage: getRxStorageMemory(),
      validate: 'ajv',
    });
    for (let i = 0; i < 5; i++) await saveDoc(db, 'students', `stu-${i}`, student(`Pupil${i}`, 'Lee'), ctx);
    let go: () => void = () => {};
    service = createSearchService(db, { chunkSize: 2, pageSize: 2, startDelayMs: 0, startAfter: new Promise<void>((r) => (go = r)) });
    await saveDoc(db, 'students', 'stu-late', student('Latecomer', 'Lee'), ctx);
    await new Promise((r) => setTimeout(r, 30));
    expect(service.status).toBe('building');
    expect(service.size).toBe(0);
    go();
    await service.ready;
    expect(service.status).toBe('ready');
    expect(service.search('lee').filter((h) => h.kind === 'student')).toHaveLength(6);
    expect(service.search('latecomer').map((h) => h.id)).toEqual(['stu-late']);
  });

  it('indexes what is in the database, then follows inserts, edits, renames and deletions', async () => {
    db = await createTutorDatabase({
      name: `search${Date.now()}${Math.random()}`.replace('.', ''),
      storage: getRxStorageMemory(),
      validate: 'ajv',
    });
    const s1 = await saveDoc(db, 'students', 'stu-1', student('Olivia', 'García'), ctx);
    await saveDoc(
      db,
      'families',
      'fam-1',
      {
        kind: 'family',
        name: 'García family',
        contactName: 'Maria García',
        email: '',
        phone: '',
        address: { line1: '', line2: '', city: 'Leeds', region: '', postalCode: '', country: '' },
        preferredContact: 'email',
        notes: '',
        defaultRate: null,
        archived: false,
      },
      ctx,
    );
    await saveDoc(
      db,
      'notes',
      'note-1',
      { ...newProgressNote(s1.id, 'emily', 'Term report'), body: 'Equivalent fractions are solid now.' },
      ctx,
    );

    service = createSearchService(db, { chunkSize: 1, pageSize: 1, startDelayMs: 0 });
    // Written while the initial build runs: must not be lost.
    const during = saveDoc(
      db,
      'notes',
      'note-2',
      { ...newProgressNote(s1.id, 'emily', 'Piano'), body: 'Clementi sonatina, first movement.' },
      ctx,
    );
    await service.ready;
    await during;
    await until(() => service!.search('clementi').length === 1);
    expect(service.status).toBe('ready');
    expect(service.search('fractions').map((h) => [h.kind, h.id])).toEqual([['note', 'note-1']]);
    // Students' names are keywords of their notes; accents do not matter.
    expect(
      service
        .search('garcia')
        .map((h) => h.kind)
        .sort(),
    ).toEqual(['family', 'note', 'note', 'student']);
    expect(service.noteIdsOfStudent(s1.id).sort()).toEqual(['note-1', 'note-2']);

    const v = service.version();
    await saveDoc(db, 'notes', 'note-1', { body: 'Long division needs practice.' }, ctx);
    await until(() => service!.search('division').length === 1);
    expect(service.search('fractions')).toEqual([]);
    expect(service.version()).toBeGreaterThan(v);

    await saveDoc(db, 'students', s1.id, { lastName: 'Okafor' }, ctx);
    await until(() => service!.search('okafor').filter((h) => h.kind === 'note').length === 2);
    expect(
      service
        .search('okafor')
        .map((h) => h.kind)
        .sort(),
    ).toEqual(['note', 'note', 'student']);

    const doc = await db.notes.findOne('note-2').exec();
    await doc!.remove();
    await until(() => service!.search('clementi').length === 0);
    expect(service.noteIdsOfStudent(s1.id)).toEqual(['note-1']);
    expect(service.size).toBe(3);
  });

  it('reads notes page by page (also when many share one updatedAt) and applies large bulks in chunks', async () => {
    db = await createTutorDatabase({
      name: `search${Date.now()}${Math.random()}`.replace('.', ''),
      storage: getRxStorageMemory(),
      validate: 'ajv',
    });
    const s1 = await saveDoc(db, 'students', 'stu-1', student('Ava', 'Jones'), ctx);
    const note = (i: number, at: Date) =>
      stampChange<Note>(
        undefined,
        { ...newProgressNote(s1.id, 'emily', `Note ${i}`), body: `topic${i} quadratic` },
        { ...ctx, now: at },
        () => `n-${i}`,
      );
    // 25 notes written in the same millisecond (an import), 10 at distinct times.
    await db.notes.bulkInsert([
      ...Array.from({ length: 25 }, (_, i) => note(i, new Date('2026-03-01T10:00:00Z'))),
      ...Array.from({ length: 10 }, (_, i) => note(100 + i, new Date(Date.UTC(2026, 2, 2, 10, i)))),
    ]);
    service = createSearchService(db, { chunkSize: 3, pageSize: 4, startDelayMs: 0 });
    await service.ready;
    expect(service.search('quadratic', { limit: 1000 })).toHaveLength(35);
    expect(service.search('topic7')[0]?.id).toBe('n-7');
    expect(service.search('topic109')[0]?.id).toBe('n-109');

    // A large bulk (e.g. the first sync) arrives: applied in chunks, in order, all of it.
    await db.notes.bulkInsert(Array.from({ length: 20 }, (_, i) => note(200 + i, new Date('2026-03-03T10:00:00Z'))));
    await until(() => service!.search('quadratic', { limit: 1000 }).length === 55);
    expect(service.noteIdsOfStudent(s1.id)).toHaveLength(55);
    await db.notes.bulkRemove(Array.from({ length: 20 }, (_, i) => `n-${200 + i}`));
    await until(() => service!.search('quadratic', { limit: 1000 }).length === 35);
  });
});
