/**
 * The schedule store starting from start-up snapshots (data/snapshots.ts) on the app's own
 * storage (Dexie over fake-indexeddb): after a restart it holds exactly what the database holds,
 * whatever was added, changed, moved or deleted after the snapshots were saved.
 */
import fc from 'fast-check';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { tutorDexieStorage } from '../../../src-renderer/src/data/dexie-storage';
import { attachSnapshots, flushSnapshotWrites, openSnapshotStore, type SnapshotStore } from '../../../src-renderer/src/data/snapshots';
import { ScheduleStore } from '../../../src-renderer/src/features/schedule/store';
import { overrideOccurrence, writeOccurrence } from '../../../src-shared/schedule';
import type { Lesson, Occurrence } from '../../../src-shared/model/types';
import { at, ctx, lesson } from './fixtures';

const LON = 'Europe/London';
const DAY = 86_400_000;
const plain = (d: { toJSON(): unknown }) => d.toJSON() as Record<string, unknown>;

function laptop() {
  const name = `storesnap${Math.random().toString(36).slice(2)}`;
  const idb = new IDBFactory();
  const storage = tutorDexieStorage({ indexedDB: idb, IDBKeyRange });
  let open: { db: TutorDatabase; store: SnapshotStore; schedule: ScheduleStore } | null = null;
  return {
    async start() {
      const db = await createTutorDatabase({ name, storage, validate: 'ajv', collections: ['lessons', 'occurrences', 'closures'] });
      const store = await openSnapshotStore(name, idb);
      attachSnapshots(db, store);
      const schedule = new ScheduleStore(db);
      await schedule.whenReady();
      open = { db, store, schedule };
      return open;
    },
    async stop() {
      if (!open) return;
      open.schedule.close();
      await flushSnapshotWrites(open.store);
      open.store.close();
      await open.db.close();
      open = null;
    },
  };
}

/** The lessons' series, and a week from this one for each occurrence (−6 … +3 weeks). */
const series = ['l-1', 'l-2', 'l-3'];
function opsOver(dayOffset: fc.Arbitrary<number>) {
  return fc.oneof(
    fc.record({ kind: fc.constant('attend' as const), lesson: fc.constantFrom(...series), day: dayOffset }),
    fc.record({ kind: fc.constant('move' as const), lesson: fc.constantFrom(...series), day: dayOffset, to: dayOffset }),
    fc.record({ kind: fc.constant('removeOccurrence' as const), pick: fc.nat() }),
    fc.record({
      kind: fc.constant('renameLesson' as const),
      lesson: fc.constantFrom(...series),
      subject: fc.constantFrom('Maths', 'Physics', 'Piano'),
    }),
    fc.record({ kind: fc.constant('removeLesson' as const), lesson: fc.constantFrom(...series) }),
  );
}
const op = opsOver(fc.integer({ min: -6, max: 3 }));
/** Weeks the recent part does not hold (it starts two weeks ago) as well as ones it does. */
const olderOp = opsOver(fc.integer({ min: -20, max: 1 }));
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** Every occurrence document with an original or moved start at/after `fromMs`, as stored, by id. */
async function occurrencesFrom(db: TutorDatabase, fromMs: number): Promise<Record<string, unknown>[]> {
  const from = new Date(fromMs).toISOString();
  return (await db.occurrences.find().exec())
    .map(plain)
    .filter((d) => (d.originalStart as string) >= from || ((d.start as string) ?? '') >= from)
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

/** What the store holds of the same range. */
function heldFrom(schedule: ScheduleStore, fromMs: number): Record<string, unknown>[] {
  const keep = (v: unknown) => typeof v === 'string' && v >= new Date(fromMs).toISOString();
  return [...schedule.occurrencesById.values()]
    .filter((d) => keep(d.originalStart) || keep(d.start))
    .sort((a, b) => a.id.localeCompare(b.id)) as unknown as Record<string, unknown>[];
}

const WEEK = 7 * DAY;

/** The three weekly series every test starts with (from Monday 5 January 2026). */
async function seedSeries(db: TutorDatabase): Promise<void> {
  for (const id of series) await db.lessons.insert(lesson({ start: at('2026-01-05T16:00', LON), rrule: 'FREQ=WEEKLY' }, id));
}

/** The store holds exactly the occurrence documents the database holds from where it has loaded. */
async function expectHeldAsStored(schedule: ScheduleStore, db: TutorDatabase): Promise<void> {
  expect(heldFrom(schedule, schedule.loadedFromMs)).toEqual(await occurrencesFrom(db, schedule.loadedFromMs));
}

/** The weekly lessons' Monday `week` weeks from this one (the series start on Monday 5 January 2026). */
function occurrenceStart(week: number): string {
  const thisWeek = Math.floor((Date.now() - Date.parse('2026-01-05T00:00:00Z')) / (7 * DAY));
  const d = new Date(Date.parse('2026-01-05T12:00:00Z') + (thisWeek + week) * 7 * DAY).toISOString().slice(0, 10);
  return at(`${d}T16:00`, LON);
}

async function apply(db: TutorDatabase, ops: Op[]): Promise<void> {
  for (const o of ops) {
    if (o.kind === 'renameLesson' || o.kind === 'removeLesson') {
      const doc = await db.lessons.findOne(o.lesson).exec();
      if (!doc) continue;
      if (o.kind === 'removeLesson') await doc.remove();
      else await doc.incrementalPatch({ subject: o.subject });
      continue;
    }
    if (o.kind === 'removeOccurrence') {
      const all = await db.occurrences.find().exec();
      if (all.length) await all[o.pick % all.length]!.remove();
      continue;
    }
    const l = (await db.lessons.findOne(o.lesson).exec())?.toJSON() as Lesson | undefined;
    if (!l) continue;
    const original = occurrenceStart(o.day);
    const existing = (await db.occurrences.find({ selector: { lessonId: l.id, originalStart: original } }).exec())[0];
    const current = existing?.toJSON() as Occurrence | undefined;
    const next =
      o.kind === 'attend'
        ? writeOccurrence(l, original, current ?? null, { status: 'attended', statusChangedAt: original }, ctx)
        : overrideOccurrence(l, original, current ?? null, { start: occurrenceStart(o.to) }, ctx);
    await db.occurrences.upsert(next);
  }
}

describe('ScheduleStore from start-up snapshots', () => {
  it('holds exactly what the database holds after any changes while it was closed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 8 }), fc.array(op, { minLength: 1, maxLength: 8 }), async (before, after) => {
        const l = laptop();
        try {
          let { db, schedule } = await l.start();
          await seedSeries(db);
          await apply(db, before);
          await l.stop(); // the first start saved the snapshots it loaded from storage
          ({ db, schedule } = await l.start());
          expect(schedule.loadSources).toEqual({ lessons: 'snapshot', occurrences: 'snapshot', closures: 'snapshot' });
          await apply(db, after); // changes after the snapshots...
          await l.stop();

          ({ db, schedule } = await l.start()); // ...and a restart
          expect(schedule.loadSources).toEqual({ lessons: 'snapshot', occurrences: 'snapshot', closures: 'snapshot' });
          const lessons = (await db.lessons.find().exec()).map(plain);
          expect([...schedule.lessons.values()].sort((a, b) => a.id.localeCompare(b.id))).toEqual(lessons);
          // Every occurrence document the store must hold is there, as stored; nothing else is.
          const from = new Date(schedule.loadedFromMs).toISOString();
          const wanted = (await db.occurrences.find().exec())
            .map(plain)
            .filter((d) => (d.originalStart as string) >= from || ((d.start as string) ?? '') >= from);
          const held = [...schedule.occurrencesById.values()].sort((a, b) => a.id.localeCompare(b.id));
          expect(held).toEqual(wanted.sort((a, b) => String(a.id).localeCompare(String(b.id))));
        } finally {
          await l.stop();
        }
      }),
      { numRuns: 12 },
    );
  });

  it('loads older weeks from their snapshot, exactly as the database holds them, after any changes and a restart', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(olderOp, { maxLength: 8 }), fc.array(olderOp, { minLength: 1, maxLength: 8 }), async (before, after) => {
        const l = laptop();
        const back = () => Date.now() - 16 * WEEK;
        try {
          let { db, schedule } = await l.start();
          await seedSeries(db);
          await apply(db, before);
          await schedule.ensureLoaded(back());
          expect(schedule.olderSource).toBe('storage');
          await l.stop(); // saves the older weeks just read

          ({ db, schedule } = await l.start());
          await schedule.ensureLoaded(back());
          expect(schedule.olderSource).toBe('snapshot');
          await expectHeldAsStored(schedule, db);
          await apply(db, after); // changes after the snapshot was saved...
          await l.stop();

          ({ db, schedule } = await l.start()); // ...and a restart
          await schedule.ensureLoaded(back());
          expect(schedule.olderSource).toBe('snapshot');
          expect(schedule.loadedFromMs).toBeLessThanOrEqual(back() - DAY);
          await expectHeldAsStored(schedule, db);
        } finally {
          await l.stop();
        }
      }),
      { numRuns: 10 },
    );
  });

  it('keeps changes made while older weeks load, and saves them for the next start', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(olderOp, { maxLength: 8 }), fc.array(olderOp, { minLength: 1, maxLength: 8 }), async (before, during) => {
        const l = laptop();
        try {
          let { db, schedule } = await l.start();
          await seedSeries(db);
          await apply(db, before);
          await l.stop();

          ({ db, schedule } = await l.start());
          // Edits, moves and deletions while the older weeks are being read.
          await Promise.all([schedule.ensureLoaded(Date.now() - 16 * WEEK), apply(db, during)]);
          await new Promise((r) => setTimeout(r, 50)); // the change stream's last events
          await expectHeldAsStored(schedule, db);
          await l.stop();

          ({ db, schedule } = await l.start());
          await schedule.ensureLoaded(Date.now() - 16 * WEEK);
          expect(schedule.olderSource).toBe('snapshot');
          await expectHeldAsStored(schedule, db);
        } finally {
          await l.stop();
        }
      }),
      { numRuns: 10 },
    );
  });

  it('reads what the older snapshot does not reach from the indexes', async () => {
    const l = laptop();
    try {
      let { db, schedule } = await l.start();
      await seedSeries(db);
      await apply(
        db,
        Array.from({ length: 30 }, (_, i) => ({ kind: 'attend' as const, lesson: series[i % 3]!, day: -(i % 28) })),
      );
      await schedule.ensureLoaded(Date.now() - 14 * WEEK);
      await l.stop();
      ({ db, schedule } = await l.start());
      await schedule.ensureLoaded(Date.now() - 24 * WEEK); // further back than the snapshot
      expect(schedule.olderSource).toBe('snapshot+storage');
      await expectHeldAsStored(schedule, db);
      expect((await occurrencesFrom(db, schedule.loadedFromMs)).length).toBe(30 - 3); // 27 distinct weeks × lessons attended
    } finally {
      await l.stop();
    }
  });

  it.each(['storage', 'snapshot'] as const)(
    'never keeps an older document as it was read from %s when it changed or went while being read',
    async (source) => {
      const l = laptop();
      try {
        let { db, schedule } = await l.start();
        await seedSeries(db);
        await apply(db, [
          { kind: 'attend', lesson: 'l-1', day: -10 },
          { kind: 'attend', lesson: 'l-2', day: -10 },
        ]);
        const [gone, edited] = (await occurrencesFrom(db, 0)).map((d) => String(d.id));
        if (source === 'snapshot') await schedule.ensureLoaded(Date.now() - 16 * WEEK);
        await l.stop();
        ({ db, schedule } = await l.start());
        // Between the read and its use: one document is deleted, the other moved.
        const read = source === 'storage' ? 'fetchOccurrences' : 'readOlderSnapshot';
        const s = schedule as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
        const original = s[read]!.bind(schedule);
        s[read] = async (...args: unknown[]) => {
          const result = await original(...args);
          await (await db.occurrences.findOne(gone!).exec())!.remove();
          await (await db.occurrences.findOne(edited!).exec())!.incrementalPatch({ room: 'Room 9' });
          await new Promise((r) => setTimeout(r, 20));
          return result;
        };
        await schedule.ensureLoaded(Date.now() - 16 * WEEK);
        expect(schedule.olderSource).toBe(source);
        expect(schedule.occurrencesById.has(gone!)).toBe(false);
        expect(schedule.occurrencesById.get(edited!)?.room).toBe('Room 9');
        await expectHeldAsStored(schedule, db);
      } finally {
        await l.stop();
      }
    },
  );

  it('serves a short look back from the indexes, and keeps the longer one saved', async () => {
    const l = laptop();
    try {
      let { db, schedule } = await l.start();
      await seedSeries(db);
      await apply(db, [{ kind: 'attend', lesson: 'l-1', day: -30 }]);
      await schedule.ensureLoaded(Date.now() - 40 * WEEK); // a report's months: saved
      await l.stop();

      ({ db, schedule } = await l.start());
      await schedule.ensureLoaded(Date.now() - 6 * WEEK); // the students table's lesson dates
      expect(schedule.olderSource).toBe('storage');
      expect(schedule.occurrencesById.size).toBe(0); // the week 30 weeks ago is not in memory
      await l.stop(); // a short look back is not saved over the longer one

      ({ db, schedule } = await l.start());
      await schedule.ensureLoaded(Date.now() - 40 * WEEK);
      expect(schedule.olderSource).toBe('snapshot');
      await expectHeldAsStored(schedule, db);
      expect(schedule.occurrencesById.size).toBe(1);
    } finally {
      await l.stop();
    }
  });
});
