/**
 * Automatic invoicing at start (features/billing/auto-invoicing-job.ts) on a real RxDB database
 * (memory storage) with the Generate dialog's own code: on the due day an admin's laptop makes the
 * month's drafts, records lastRunMonth and notifies with the route to the drafts; a second start
 * does nothing; before the day, or on a tutor's laptop, nothing happens; a month with nothing to
 * bill is recorded all the same.
 */
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppServices } from '../../../src-renderer/src/app/AppContext';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { saveDoc } from '../../../src-renderer/src/data/repo';
import { runAutoInvoicing } from '../../../src-renderer/src/features/billing/auto-invoicing-job';
import type { NotificationRequest } from '../../../src-shared/bridge';
import type { ChangeContext } from '../../../src-shared/model/meta';
import { PRACTICE_SETTINGS_ID, type Invoice, type PracticeSettings, type StaffRole } from '../../../src-shared/model/types';
import { createLesson, writeOccurrence } from '../../../src-shared/schedule/edit';
import { ctxAt, makeFamily, makeSettings, makeStudent } from '../billing/fixtures';

const TZ = 'Europe/London';
let db: TutorDatabase;
let notes: NotificationRequest[];
const bridge = {
  notify: (n: NotificationRequest) => {
    notes.push(n);
    return Promise.resolve();
  },
};
const ctx = (): ChangeContext => ({ staffId: 'staff-1', deviceId: 'laptop-a', now: new Date('2026-04-03T09:00:00Z') });

async function settings(): Promise<PracticeSettings> {
  return (await db.settings.findOne(PRACTICE_SETTINGS_ID).exec())!.toJSON() as PracticeSettings;
}

async function app(role: StaffRole): Promise<AppServices> {
  return {
    db,
    device: { deviceId: 'laptop-a' },
    settings: await settings(),
    me: { id: 'staff-1', name: 'Ana', role },
    ctx,
    save: (collection: string, id: string | undefined, values: object) => saveDoc(db, collection as never, id, values as never, ctx()),
  } as unknown as AppServices;
}

const drafts = async () => (await db.invoices.find().exec()).map((d) => d.toJSON() as Invoice).filter((i) => i.status === 'draft');

beforeEach(async () => {
  db = await createTutorDatabase({ name: `autoinv${Date.now()}${Math.random().toString(36).slice(2)}`, storage: getRxStorageMemory() });
  notes = [];
  await db.settings.insert(makeSettings({ timeZone: TZ, autoInvoicing: { enabled: true, dayOfMonth: 3, lastRunMonth: '2026-03' } }));
  await db.families.bulkInsert([makeFamily('f1', { name: 'Lee family' }), makeFamily('f2', { name: 'Patel family' })]);
  await db.students.bulkInsert([makeStudent('s1', 'f1'), makeStudent('s2', 'f2')]);
  const lctx = ctxAt('2026-01-01T09:00:00Z');
  const l1 = createLesson(
    { tutorId: 't1', studentIds: ['s1'], subject: 'Maths', start: '2026-03-10T15:00:00Z', durationMinutes: 60, timeZone: TZ },
    lctx,
    () => 'L1',
  );
  const l2 = createLesson(
    { tutorId: 't1', studentIds: ['s2'], subject: 'Maths', start: '2026-03-11T15:00:00Z', durationMinutes: 60, timeZone: TZ },
    lctx,
    () => 'L2',
  );
  await db.lessons.bulkInsert([l1, l2]);
  await db.occurrences.bulkInsert([
    writeOccurrence(l1, l1.start, null, { status: 'attended' }, lctx),
    writeOccurrence(l2, l2.start, null, { status: 'attended' }, lctx),
  ]);
});

afterEach(async () => {
  await db.close();
});

describe('automatic invoicing at start', () => {
  it('on the due day: the month’s drafts, lastRunMonth recorded, a notification to the drafts', async () => {
    const r = await runAutoInvoicing(await app('admin'), bridge, new Date('2026-04-03T09:00:00Z'));
    expect(r).toMatchObject({ ran: true, month: '2026-03', runMonth: '2026-04' });
    const made = await drafts();
    expect(made.map((i) => i.familyId).sort()).toEqual(['f1', 'f2']);
    expect(made.every((i) => i.periodStart === '2026-03-01' && i.total === 4000)).toBe(true);
    expect((await settings()).autoInvoicing).toEqual({ enabled: true, dayOfMonth: 3, lastRunMonth: '2026-04' });
    expect(notes).toEqual([
      {
        title: "March's draft invoices are ready to review",
        body: '2 drafts made automatically; nothing is sent until you issue them.',
        route: '/invoices?status=draft&month=2026-03',
      },
    ]);
  });

  it('a second start does nothing', async () => {
    await runAutoInvoicing(await app('admin'), bridge, new Date('2026-04-03T09:00:00Z'));
    const again = await runAutoInvoicing(await app('admin'), bridge, new Date('2026-04-05T09:00:00Z'));
    expect(again).toEqual({ ran: false, why: 'not-due' });
    expect(await drafts()).toHaveLength(2);
    expect(notes).toHaveLength(1);
  });

  it('before the day, nothing', async () => {
    expect(await runAutoInvoicing(await app('admin'), bridge, new Date('2026-04-02T09:00:00Z'))).toEqual({ ran: false, why: 'not-due' });
    expect(await drafts()).toEqual([]);
    expect((await settings()).autoInvoicing?.lastRunMonth).toBe('2026-03');
  });

  it('a tutor’s laptop never runs it', async () => {
    expect(await runAutoInvoicing(await app('tutor'), bridge, new Date('2026-04-03T09:00:00Z'))).toEqual({ ran: false, why: 'not-admin' });
    expect(await drafts()).toEqual([]);
    expect((await settings()).autoInvoicing?.lastRunMonth).toBe('2026-03');
    expect(notes).toEqual([]);
  });

  it('nothing to bill: the run is recorded all the same', async () => {
    await runAutoInvoicing(await app('admin'), bridge, new Date('2026-04-03T09:00:00Z'));
    // May's run bills April, which has no lessons.
    const r = await runAutoInvoicing(await app('admin'), bridge, new Date('2026-05-03T09:00:00Z'));
    expect(r).toMatchObject({ ran: true, month: '2026-04', runMonth: '2026-05', generation: { created: 0 } });
    expect(await drafts()).toHaveLength(2);
    expect((await settings()).autoInvoicing?.lastRunMonth).toBe('2026-05');
    expect(notes[1]).toMatchObject({ title: 'No draft invoices for April', route: '/invoices' });
  });
});
