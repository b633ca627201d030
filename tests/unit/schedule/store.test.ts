/**
 * The calendar's in-memory schedule store over a real RxDB database (memory storage): recent
 * occurrence documents at start, older ones only on demand (by the originalStart / start
 * indexes), live updates from the change stream, and expansion results equal to expanding the
 * complete data.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { ScheduleStore } from '../../../src-renderer/src/features/schedule/store';
import { expandRange, prefetchRanges, rangeConflicts } from '../../../src-renderer/src/features/schedule/queries';
import { expandLessons, localDaysRange, overrideOccurrence, writeOccurrence } from '../../../src-shared/schedule';
import { at, ctx, lesson } from './fixtures';

const LON = 'Europe/London';
const WEEK = 7 * 86_400_000;
let db: TutorDatabase | null = null;

afterEach(async () => {
  await db?.close();
  db = null;
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('ScheduleStore', () => {
  it('with startAfter, loads only when that resolves or a screen calls startNow, keeping changes made meanwhile', async () => {
    db = await createTutorDatabase({ name: `storewait${Date.now()}`, storage: getRxStorageMemory(), validate: 'ajv' });
    await db.lessons.insert(lesson({ start: at('2026-03-02T16:00', LON), rrule: 'FREQ=WEEKLY' }, 'first'));
    let resolveStart: () => void = () => {};
    const waiting = new ScheduleStore(db, new Promise<void>((r) => (resolveStart = r)));
    await db.lessons.insert(lesson({ start: at('2026-03-03T16:00', LON), rrule: 'FREQ=WEEKLY' }, 'second'));
    await new Promise((r) => setTimeout(r, 30));
    expect(waiting.ready).toBe(false);
    expect(waiting.getVersion()).toBe(-1);
    waiting.startNow();
    await waiting.whenReady();
    expect([...waiting.lessons.keys()].sort()).toEqual(['first', 'second']);
    resolveStart(); // later resolution changes nothing
    waiting.close();

    const byPromise = new ScheduleStore(db, Promise.resolve());
    await byPromise.whenReady();
    expect(byPromise.lessons.size).toBe(2);
    byPromise.close();
  });

  it('loads recent occurrence documents first, older ones on demand, and follows changes', async () => {
    db = await createTutorDatabase({ name: `store${Date.now()}`, storage: getRxStorageMemory(), validate: 'ajv' });
    const now = Date.now();
    const startLocal = new Date(now - 40 * WEEK).toISOString().slice(0, 10);
    const weekly = lesson({ start: at(`${startLocal}T16:00`, LON), rrule: 'FREQ=WEEKLY' }, 'weekly');
    const instances = expandLessons([weekly], [], [], { start: weekly.start, end: new Date(now).toISOString() }, LON);
    // Attendance for every past lesson, and one old lesson moved to last week.
    const docs = instances.map((o) =>
      writeOccurrence(weekly, o.originalStart, null, { status: 'attended', statusChangedAt: o.start }, ctx),
    );
    const old = instances[2]!;
    const movedTo = new Date(now - WEEK + 3_600_000).toISOString();
    const moved = overrideOccurrence(weekly, old.originalStart, docs[2], { start: movedTo }, ctx);
    docs[2] = moved;
    await db.lessons.insert(weekly);
    await db.occurrences.bulkInsert(docs);

    const store = new ScheduleStore(db);
    await store.whenReady();
    // Only the last two weeks (plus the old lesson moved into them) are in memory.
    expect(store.occurrencesById.size).toBeGreaterThanOrEqual(2);
    expect(store.occurrencesById.size).toBeLessThanOrEqual(4);
    expect(store.occurrencesById.has(moved.id)).toBe(true);
    const recent = localDaysRange(new Date(now - WEEK).toISOString().slice(0, 10), new Date(now).toISOString().slice(0, 10), LON);
    expect(store.covers(recent)).toBe(true);
    const full = (range: { start: string; end: string }) =>
      expandLessons([weekly], docs, [], range, LON).map((o) => `${o.id} ${o.start} ${o.status}`);
    expect(expandRange(store, recent, LON).map((o) => `${o.id} ${o.start} ${o.status}`)).toEqual(full(recent));

    // An older range is not covered until loaded; then it expands exactly like the full data.
    const older = localDaysRange(
      new Date(now - 38 * WEEK).toISOString().slice(0, 10),
      new Date(now - 30 * WEEK).toISOString().slice(0, 10),
      LON,
    );
    expect(store.covers(older)).toBe(false);
    await store.ensureLoaded(Date.parse(older.start));
    expect(store.covers(older)).toBe(true);
    const from = store.loadedFromMs;
    const expected = docs.filter((d) => Date.parse(d.originalStart) >= from || (d.start !== '' && Date.parse(d.start) >= from));
    expect(store.occurrencesById.size).toBe(expected.length);
    expect(expected.length).toBeLessThan(docs.length);
    const got = expandRange(store, older, LON);
    expect(got.map((o) => `${o.id} ${o.start} ${o.status}`)).toEqual(full(older));
    expect(got.every((o) => o.status === 'attended')).toBe(true);
    expect(got.some((o) => o.id === moved.id)).toBe(false);

    // Live: a new cancellation and a skipped date arrive through the change stream.
    const version = store.version;
    // The first lesson that has not started yet (one under way now overlaps the range too, and
    // already has an attendance document).
    const next = expandLessons(
      [weekly],
      [],
      [],
      { start: new Date(now).toISOString(), end: new Date(now + 2 * WEEK).toISOString() },
      LON,
    ).find((o) => Date.parse(o.originalStart) > now)!;
    await db.occurrences.insert(
      writeOccurrence(weekly, next.originalStart, null, { status: 'cancelled_tutor', statusChangedAt: new Date(now).toISOString() }, ctx),
    );
    await waitFor(() => store.version > version);
    expect(store.occurrenceIndex.get('weekly')?.get(Date.parse(next.originalStart))?.status).toBe('cancelled_tutor');
    const doc = await db.lessons.findOne('weekly').exec();
    await doc!.incrementalPatch({ exdates: [next.originalStart] });
    await waitFor(() => store.lessons.get('weekly')!.exdates.length === 1);
    const ahead = { start: new Date(now).toISOString(), end: new Date(now + 2 * WEEK).toISOString() };
    expect(expandRange(store, ahead, LON).some((o) => o.id === next.id)).toBe(false);
    // A removed occurrence document leaves the index.
    const occ = await db.occurrences.findOne(next.id).exec();
    await occ!.remove();
    await waitFor(() => !store.occurrencesById.has(next.id));
    expect(store.occurrenceIndex.get('weekly')?.has(Date.parse(next.originalStart))).toBe(false);
    store.close();
  });

  it('keeps a lesson it cannot expand out of the calendar and lists it with the reason, also when it is corrected', async () => {
    db = await createTutorDatabase({ name: `storeskip${Date.now()}`, storage: getRxStorageMemory(), validate: 'ajv' });
    await db.lessons.insert(lesson({ start: at('2026-03-02T16:00', LON), rrule: 'FREQ=WEEKLY' }, 'good'));
    // Schema-valid (any string is), but nothing can be placed on a calendar without a start.
    await db.lessons.insert({ ...lesson({ start: at('2026-03-03T16:00', LON), rrule: 'FREQ=WEEKLY' }, 'empty-start'), start: '' });
    const store = new ScheduleStore(db);
    await store.whenReady();
    expect([...store.lessons.keys()]).toEqual(['good']);
    expect(store.skippedRecords()).toEqual([{ collection: 'lessons', id: 'empty-start', reason: 'its start date and time are empty' }]);
    const march = localDaysRange('2026-03-01', '2026-03-31', LON);
    expect(expandRange(store, march, LON).map((o) => o.lessonId)).toEqual(['good', 'good', 'good', 'good', 'good']);
    // Corrected (e.g. by sync): it joins the calendar and leaves the list.
    await db.lessons.upsert(lesson({ start: at('2026-03-03T16:00', LON), rrule: 'FREQ=WEEKLY' }, 'empty-start'));
    await waitFor(() => store.lessons.has('empty-start'));
    expect(store.skippedRecords()).toEqual([]);
    store.close();
  });

  it('expands the next weeks in idle tasks, and a change afterwards is shown, never the work done before it', async () => {
    db = await createTutorDatabase({ name: `storeprefetch${Date.now()}`, storage: getRxStorageMemory(), validate: 'ajv' });
    const startLocal = new Date(Date.now() - WEEK).toISOString().slice(0, 10);
    await db.lessons.insert(lesson({ start: at(`${startLocal}T16:00`, LON), rrule: 'FREQ=WEEKLY' }, 'weekly'));
    await db.lessons.insert(lesson({ start: at(`${startLocal}T16:30`, LON), rrule: 'FREQ=WEEKLY', tutorId: 'tutor-1' }, 'clash'));
    const store = new ScheduleStore(db);
    await store.whenReady();
    const week = (n: number) => ({
      start: new Date(Date.parse(at(`${startLocal}T00:00`, LON)) + n * WEEK).toISOString(),
      end: new Date(Date.parse(at(`${startLocal}T00:00`, LON)) + (n + 1) * WEEK).toISOString(),
    });
    const queue: (() => void)[] = [];
    const idle = (task: () => void) => {
      queue.push(task);
      return () => queue.splice(queue.indexOf(task), 1);
    };

    // One idle task at a time, in order; each fills the screen's cache (the same arrays come back).
    const cancel = prefetchRanges(store, store.version, [week(2), week(1)], LON, idle);
    expect(queue).toHaveLength(1);
    queue.shift()!();
    const prefetched = expandRange(store, week(2), LON);
    expect(prefetched.map((o) => o.subject)).toEqual(['Maths', 'Maths']);
    expect(rangeConflicts(store, week(2), LON).size).toBe(2);
    expect(expandRange(store, week(2), LON)).toBe(prefetched);
    expect(queue).toHaveLength(1);
    cancel();
    expect(queue).toHaveLength(0);

    // Prefetched, then the lesson changes (as an edit or a sync would): the week shows the change.
    const version = store.version;
    prefetchRanges(store, version, [week(3)], LON, idle);
    queue.shift()!();
    const doc = await db.lessons.findOne('weekly').exec();
    await doc!.incrementalPatch({ subject: 'Physics' });
    await waitFor(() => store.version > version);
    expect(
      expandRange(store, week(3), LON)
        .map((o) => o.subject)
        .sort(),
    ).toEqual(['Maths', 'Physics']);

    store.close();
  });
});
