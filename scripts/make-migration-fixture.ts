/**
 * Makes a migration fixture: a practice written BY AN OLDER TUTORDESK, with that version's own
 * code (its data layer, schemas, validation and sample generator), dumped as the stored documents
 * exactly as its RxDB kept them, together with that version's schemas. The migration test
 * (tests/unit/shared/migration-fixtures.test.ts) opens such a database with today's app.
 *
 *   git worktree add --detach /tmp/td-old <commit> && (cd /tmp/td-old && npm ci)
 *   npx tsx scripts/make-migration-fixture.ts /tmp/td-old tests/fixtures/migrations/<commit>.json
 *
 * The practice: the old version's generated sample people (settings, staff, families, students)
 * and, written through its `saveDoc`, lessons, occurrences, notes, invoices, payments, claims and
 * closures, including what later versions migrate (time zones in another case or unknown, rules
 * written another way, occurrences without their tutor) or set aside (a payment beyond the later
 * hard limits), and one deleted student. Dates and ids are fixed, so the fixture is stable.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type Doc = Record<string, unknown>;

async function main(): Promise<void> {
  const [appDir, out] = process.argv.slice(2);
  if (!appDir || !out) throw new Error('usage: tsx scripts/make-migration-fixture.ts <old checkout> <out.json>');
  const app = resolve(appDir);
  const load = <T>(path: string): Promise<T> => import(pathToFileURL(resolve(app, path)).href) as Promise<T>;
  const fromApp = createRequire(resolve(app, 'package.json'));
  const commit = execFileSync('git', ['-C', app, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

  const { getRxStorageMemory } = fromApp('rxdb/plugins/storage-memory') as { getRxStorageMemory(): unknown };
  const { getChangedDocumentsSince } = fromApp('rxdb') as {
    getChangedDocumentsSince(s: unknown, limit: number, cp?: unknown): Promise<{ documents: Doc[]; checkpoint: unknown }>;
  };
  const { createTutorDatabase } = await load<{ createTutorDatabase(o: Doc): Promise<any> }>('src-renderer/src/data/database.ts');
  const { saveDoc } = await load<{ saveDoc(db: unknown, c: string, id: string, v: Doc, ctx: Doc): Promise<Doc> }>(
    'src-renderer/src/data/repo.ts',
  );
  const { deleteDoc } = await load<{ deleteDoc(db: unknown, c: string, id: string, ctx: Doc): Promise<boolean> }>(
    'src-renderer/src/data/sync-delete.ts',
  );
  const { collectionSchemas } = await load<{ collectionSchemas: Record<string, Doc> }>('src-shared/model/schemas.ts');
  type Make = (o?: Doc) => Doc;
  const { valuesFor, lessonValues, occurrenceValues, noteValues, invoiceValues } = await load<{
    valuesFor(c: string, o?: Doc): Doc;
    lessonValues: Make;
    occurrenceValues: Make;
    noteValues: Make;
    invoiceValues: Make;
  }>('tests/sync/helpers/fixtures.ts');
  const { generateSamplePractice } = await load<{ generateSamplePractice(o: Doc): Record<string, Doc[] | Doc | string> }>(
    'src-shared/sample/generate.ts',
  );

  const now = new Date('2026-03-01T10:00:00.000Z');
  const ctx = { staffId: 'fixture', deviceId: 'fixture-laptop', now };
  const db = await createTutorDatabase({ name: 'fixture', storage: getRxStorageMemory(), validate: 'ajv' });
  const strip = ({ id: _i, createdAt: _c, updatedAt: _u, updatedBy: _b, deviceId: _d, fieldClock: _f, ...v }: Doc) => v;
  const save = (c: string, id: string, v: Doc) => saveDoc(db, c, id, v, ctx);

  const sample = generateSamplePractice({ seed: 7, now, students: 12 });
  await save('settings', 'practice', { ...strip(sample.settings as Doc), timeZone: 'europe/london' });
  for (const c of ['staff', 'families', 'students'] as const) for (const d of sample[c] as Doc[]) await save(c, String(d.id), strip(d));
  const staff = (sample.staff as Doc[]).map((s) => String(s.id));
  const students = sample.students as Doc[];
  const tutor = staff[1] ?? staff[0]!;

  // Lessons: one well formed, one in another case and order, one the later version repairs.
  const lessons: [string, Doc][] = [
    ['lesson-weekly', { timeZone: 'Europe/London', rrule: 'FREQ=WEEKLY;BYDAY=MO' }],
    ['lesson-odd-case', { timeZone: 'europe/london', rrule: 'byday=tu;freq=weekly' }],
    ['lesson-unknown-zone', { timeZone: 'Mars/Olympus', rrule: 'FREQ=SECONDLY', notes: 'Bring the workbook.' }],
  ];
  for (const [id, o] of lessons)
    await save(
      'lessons',
      id,
      lessonValues({ tutorId: tutor, studentIds: [String(students[0]!.id)], start: '2026-03-02T16:00:00.000Z', ...o }),
    );
  for (const [lessonId] of lessons) {
    const originalStart = '2026-03-02T16:00:00.000Z';
    await save('occurrences', `${lessonId}@${originalStart}`, occurrenceValues({ lessonId, originalStart, status: 'attended' }));
  }
  await save(
    'notes',
    'note-1',
    noteValues({
      studentIds: [String(students[0]!.id)],
      authorId: tutor,
      title: 'Fractions',
      body: 'Adding fractions with unlike denominators.',
    }),
  );
  const familyId = String(students[0]!.familyId || (sample.families as Doc[])[0]!.id);
  await save('invoices', 'invoice-draft', invoiceValues({ familyId, notes: 'March lessons' }));
  await save(
    'payments',
    'payment-ok',
    valuesFor('payments', { familyId, date: '2026-03-02', amount: 4500, currency: 'GBP', method: 'bank_transfer', reference: 'REF 1' }),
  );
  // Beyond the hard limits of later versions (issue 15): set aside whole, never clamped.
  await save(
    'payments',
    'payment-huge',
    valuesFor('payments', { familyId, date: '2026-03-02', amount: 99_999_999_999_999, currency: 'GBP', method: 'cash', reference: '' }),
  );
  await save(
    'billingclaims',
    'lesson-weekly@2026-03-02T16:00:00.000Z#x',
    valuesFor('billingclaims', {
      occurrenceId: 'lesson-weekly@2026-03-02T16:00:00.000Z',
      studentId: String(students[0]!.id),
      invoiceId: 'invoice-draft',
      familyId,
    }),
  );
  await save('closures', 'closure-easter', valuesFor('closures', { startDate: '2026-04-03', endDate: '2026-04-06', label: 'Easter' }));
  await deleteDoc(db, 'students', String(students[students.length - 1]!.id), ctx);

  const docs: Record<string, Doc[]> = {};
  for (const c of Object.keys(collectionSchemas)) {
    const coll = db.collections[c] as { storageInstance: unknown } | undefined;
    if (!coll) continue;
    docs[c] = (await getChangedDocumentsSince(coll.storageInstance, 100_000)).documents;
  }
  await db.close();
  const fixture = { madeBy: commit, madeAt: now.toISOString(), schemas: collectionSchemas, docs };
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(resolve(out), `${JSON.stringify(fixture, null, 1)}\n`);
  const counts = Object.entries(docs).map(([c, d]) => `${c} ${d.length}`);
  console.log(`Fixture by ${commit.slice(0, 10)}: ${counts.join(', ')} → ${out}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
