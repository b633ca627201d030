/**
 * Billing an older month straight after start-up: the schedule store holds only the last two weeks
 * of attendance at first, so the billing dialogs load the month's attendance before reading it
 * (features/billing/data.ts loadBillableLessons). Without that, attended lessons looked unmarked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { ScheduleStore } from '../../../src-renderer/src/features/schedule/store';
import { billableLessonsIn, loadBillableLessons } from '../../../src-renderer/src/features/billing/data';
import { expandLessons, writeOccurrence } from '../../../src-shared/schedule';
import { at, ctx, lesson } from '../schedule/fixtures';

const LON = 'Europe/London';
const WEEK = 7 * 86_400_000;
let db: TutorDatabase | null = null;

afterEach(async () => {
  await db?.close();
  db = null;
});

describe('billable lessons of an older month', () => {
  it('are read after that month’s attendance is loaded, so attended lessons are billed', async () => {
    db = await createTutorDatabase({ name: `bill-store${Date.now()}`, storage: getRxStorageMemory(), validate: 'ajv' });
    const now = Date.now();
    const weekly = lesson(
      { start: at(`${new Date(now - 20 * WEEK).toISOString().slice(0, 10)}T16:00`, LON), rrule: 'FREQ=WEEKLY' },
      'weekly',
    );
    const past = expandLessons([weekly], [], [], { start: weekly.start, end: new Date(now).toISOString() }, LON);
    await db.lessons.insert(weekly);
    await db.occurrences.bulkInsert(
      past.map((o) => writeOccurrence(weekly, o.originalStart, null, { status: 'attended', statusChangedAt: o.start }, ctx)),
    );
    const students = [{ id: 'student-1', familyId: 'family-1' }] as never;
    // The calendar month that ended at least eight weeks ago.
    const d = new Date(now - 8 * WEEK);
    const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 10);
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 0)).toISOString().slice(0, 10);

    const store = new ScheduleStore(db);
    await store.whenReady();
    // What the dialogs read before: the month's lessons, none of them marked attended.
    const unloaded = billableLessonsIn(store, students, first, last, LON);
    expect(unloaded.length).toBeGreaterThanOrEqual(4);
    expect(unloaded.some((l) => l.status === 'attended')).toBe(false);

    const loaded = await loadBillableLessons(store, students, first, last, LON);
    expect(loaded.map((l) => l.occurrenceId)).toEqual(unloaded.map((l) => l.occurrenceId));
    expect(loaded.every((l) => l.status === 'attended' && l.familyId === 'family-1')).toBe(true);
  });
});
