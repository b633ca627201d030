/**
 * Migrations proven on real databases (issue 16): each fixture in tests/fixtures/migrations is a
 * practice written by an older TutorDesk with its own code, kept as its RxDB stored it, with that
 * version's schemas (made by scripts/make-migration-fixture.ts). The database is rebuilt exactly
 * so, then opened by today's app, which runs every migration (src-shared/model/migrations.ts).
 * Every record is checked afterwards: present (or still deleted), valid for today's schemas,
 * unchanged except for the fields a migration is documented to change, and a record beyond
 * today's limits set aside whole in the refused-changes list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { describe, expect, it } from 'vitest';
import { createTutorDatabase } from '../../../src-renderer/src/data/database';
import { normaliseLessonRule } from '../../../src-shared/model/migrations';
import { collectionSchemas, type CollectionName } from '../../../src-shared/model/schemas';

type Doc = Record<string, unknown>;
interface Fixture {
  madeBy: string;
  schemas: Record<string, Doc & { version: number }>;
  docs: Record<string, Doc[]>;
}

const DIR = join(__dirname, '../../fixtures/migrations');
const FIXTURES = readdirSync(DIR).filter((f) => f.endsWith('.json'));

/** What each migration may change in a record (docs/data-model.md "Versions and migrations"). */
const MAY_CHANGE: Partial<Record<CollectionName, string[]>> = {
  lessons: ['timeZone', 'rrule', 'notes'],
  settings: ['timeZone'],
  occurrences: ['lessonTutorId'],
};

const userFields = (d: Doc) => {
  const { _meta: _m, _rev: _r, _attachments: _a, ...rest } = d;
  return rest;
};

describe.each(FIXTURES)('a practice written by an older TutorDesk (%s)', (file) => {
  const fixture = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Fixture;

  it('opens with today’s app, every record migrated or set aside, none lost', async () => {
    const storage = getRxStorageMemory();
    const name = `fixture${Date.now()}`;
    const old = await createRxDatabase({ name, storage, multiInstance: false });
    await old.addCollections(Object.fromEntries(Object.entries(fixture.schemas).map(([c, schema]) => [c, { schema: schema as never }])));
    for (const [c, docs] of Object.entries(fixture.docs)) {
      const res = await old.collections[c]!.storageInstance.bulkWrite(
        docs.map((document) => ({ document: document as never })),
        'migration-fixture',
      );
      expect(res.error, c).toEqual([]);
    }
    await old.close();
    // Today's schemas are newer for at least one collection, or this fixture tests nothing.
    expect(Object.entries(fixture.schemas).some(([c, s]) => collectionSchemas[c as CollectionName].version > s.version)).toBe(true);

    const db = await createTutorDatabase({ name, storage, validate: 'ajv' });
    const quarantine = ((await db.getLocal<{ items?: Doc[] }>('sync-quarantine'))?.toJSON().data ?? {}) as Doc;
    const setAside = new Map(
      (JSON.parse(JSON.stringify(quarantine)) as { items?: { collection: string; docId: string; origin?: string; doc: Doc }[] }).items?.map(
        (q) => [`${q.collection}/${q.docId}`, q],
      ) ?? [],
    );
    let checked = 0;
    for (const [c, docs] of Object.entries(fixture.docs) as [CollectionName, Doc[]][]) {
      const coll = db.collections[c] as unknown as {
        storageInstance: { findDocumentsById(ids: string[], deleted: boolean): Promise<Doc[]> };
      };
      const now = new Map(
        (
          await coll.storageInstance.findDocumentsById(
            docs.map((d) => String(d.id)),
            true,
          )
        ).map((d) => [String(d.id), d]),
      );
      for (const before of docs) {
        const id = String(before.id);
        const after = now.get(id);
        const aside = setAside.get(`${c}/${id}`);
        if (aside) {
          // Set aside whole (as the old version stored it), not kept among the records.
          expect(after, `${c}/${id}`).toBeUndefined();
          expect(aside.origin).toBe('update');
          const { _deleted: _x, ...values } = userFields(before);
          expect(aside.doc).toMatchObject(values);
        } else {
          expect(after, `${c}/${id} is missing`).toBeDefined();
          expect(Boolean(after!._deleted), `${c}/${id} deleted`).toBe(Boolean(before._deleted));
          const was = userFields(before);
          const is = userFields(after!);
          const changed = [...new Set([...Object.keys(was), ...Object.keys(is)])].filter(
            (k) => JSON.stringify(was[k]) !== JSON.stringify(is[k]),
          );
          expect(
            changed.filter((k) => !(MAY_CHANGE[c] ?? []).includes(k)),
            `${c}/${id}`,
          ).toEqual([]);
        }
        checked++;
      }
    }
    expect(checked).toBe(Object.values(fixture.docs).flat().length);

    // The records each migration is there for.
    const lesson = async (id: string) => (await db.lessons.findOne(id).exec())!.toJSON();
    const odd = fixture.docs.lessons!.find((l) => l.id === 'lesson-odd-case')!;
    expect(await lesson('lesson-odd-case')).toMatchObject({ timeZone: 'Europe/London', rrule: normaliseLessonRule(String(odd.rrule)) });
    expect(await lesson('lesson-unknown-zone')).toMatchObject({ timeZone: 'UTC', rrule: '' });
    expect((await lesson('lesson-unknown-zone')).notes).toMatch(/Bring the workbook\./);
    expect((await db.settings.findOne('practice').exec())!.timeZone).toBe('Europe/London');
    for (const o of await db.occurrences.find().exec()) expect(o.lessonTutorId, o.id).toBe((await lesson(o.lessonId)).tutorId);
    expect([...setAside.keys()]).toEqual(['payments/payment-huge']);
    await db.remove();
  });
});
