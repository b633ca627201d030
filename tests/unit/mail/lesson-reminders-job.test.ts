/**
 * The lesson reminders job (features/mail/lesson-reminders-job.ts) on a real RxDB database (memory
 * storage): tomorrow's reminders are queued once, for opted-in families only, with the
 * deterministic id; a second run (or a record another laptop made) queues nothing; nothing happens
 * without mail, without an account, or on a tutor's laptop.
 */
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { insertDoc, saveDoc } from '../../../src-renderer/src/data/repo';
import { queueLessonReminders, type LessonRemindersJobOptions } from '../../../src-renderer/src/features/mail/lesson-reminders-job';
import type { TutorBridge } from '../../../src-shared/bridge';
import { lessonReminderId } from '../../../src-shared/mail/lesson-reminders';
import type { ChangeContext } from '../../../src-shared/model/meta';
import type { OutboxMessage, StaffRole } from '../../../src-shared/model/types';
import { createLesson } from '../../../src-shared/schedule/edit';
import { ctxAt, makeFamily, makeSettings, makeStudent } from '../billing/fixtures';

const TZ = 'Europe/London';
const NOW = new Date('2026-05-11T08:00:00Z');
const settings = makeSettings({ timeZone: TZ });
let db: TutorDatabase;
let role: StaffRole;
let mailAvailable: boolean;
let account: boolean;
const ctx = (): ChangeContext => ({ staffId: 'staff-1', deviceId: 'laptop-a', now: NOW });

const bridge = {
  mail: {
    available: () => Promise.resolve(mailAvailable),
    getAccount: () => Promise.resolve(account ? ({ host: 'smtp.example.com' } as never) : null),
    send: () => Promise.reject(new Error('not in this test')),
  },
} as unknown as Pick<TutorBridge, 'mail'>;

const opts = (over: Partial<LessonRemindersJobOptions> = {}): LessonRemindersJobOptions => ({
  db,
  bridge,
  ctx,
  settings: () => settings,
  me: () => ({ role }),
  now: () => NOW,
  ...over,
});

const messages = async () => (await db.messages.find().exec()).map((d) => d.toJSON() as OutboxMessage);

beforeEach(async () => {
  db = await createTutorDatabase({ name: `reminders${Date.now()}${Math.random().toString(36).slice(2)}`, storage: getRxStorageMemory() });
  role = 'admin';
  mailAvailable = true;
  account = true;
  await db.families.bulkInsert([
    makeFamily('f1', { name: 'Lee family', contactName: 'Jo Lee', lessonReminders: true }),
    makeFamily('f2', { name: 'Patel family', lessonReminders: false }),
    makeFamily('f3', { name: 'Khan family', lessonReminders: true }),
  ]);
  await db.students.bulkInsert([
    makeStudent('s1', 'f1', { firstName: 'Amy' }),
    makeStudent('s2', 'f1', { firstName: 'Ben' }),
    makeStudent('s3', 'f2', { firstName: 'Raj' }),
    makeStudent('s4', 'f3', { firstName: 'Zara' }),
  ]);
  const lctx = ctxAt('2026-01-01T09:00:00Z');
  const lesson = (id: string, studentIds: string[], start: string) =>
    createLesson({ tutorId: 't1', studentIds, subject: 'Maths', start, durationMinutes: 60, timeZone: TZ }, lctx, () => id);
  await db.lessons.bulkInsert([
    lesson('L1', ['s1'], '2026-05-12T15:00:00Z'),
    lesson('L2', ['s2'], '2026-05-12T16:00:00Z'),
    lesson('L3', ['s3'], '2026-05-12T15:00:00Z'), // Patel: opted out
    lesson('L4', ['s4'], '2026-05-14T15:00:00Z'), // Khan: not tomorrow
  ]);
});

afterEach(async () => {
  await db.close();
});

describe('lesson reminders job', () => {
  it('queues one reminder per opted-in family with lessons tomorrow, with the deterministic id', async () => {
    const run = await queueLessonReminders(opts());
    expect(run).toMatchObject({ notRun: '', queued: 1, existing: 0, skipped: [] });
    const all = await messages();
    expect(all.map((m) => m.id)).toEqual([lessonReminderId('f1', '2026-05-12')]);
    const m = all[0]!;
    expect(m).toMatchObject({
      kind: 'lesson-reminder',
      familyId: 'f1',
      state: 'queued',
      senderDeviceId: 'laptop-a',
      studentIds: ['s1', 's2'],
    });
    expect(m.to).toEqual([{ name: 'Jo Lee', address: 'f1@example.com' }]);
    expect(m.text).toContain('Amy');
    expect(m.text).toContain('Ben');
  });

  it('a second run queues nothing', async () => {
    await queueLessonReminders(opts());
    const before = await messages();
    const again = await queueLessonReminders(opts());
    expect(again).toMatchObject({ queued: 0, existing: 0 });
    expect(await messages()).toEqual(before);
  });

  it('a record that exists (another laptop’s, even sent) is never modified', async () => {
    const id = lessonReminderId('f1', '2026-05-12');
    await saveDoc(
      db,
      'messages',
      id,
      {
        kind: 'lesson-reminder',
        familyId: 'f1',
        studentIds: ['s1'],
        to: [{ name: 'Jo Lee', address: 'f1@example.com' }],
        subject: 'From laptop B',
        text: 'b',
        html: '<p>b</p>',
        documents: [],
        state: 'sent',
        senderDeviceId: 'laptop-b',
        attempts: 1,
        nextAttemptAt: '',
        lastError: '',
        lastErrorKind: '',
        sentAt: '2026-05-11T07:00:00.000Z',
        messageIdHeader: `<${id}@brightside.example>`,
        queuedBy: 'staff-2',
        batchId: '',
      },
      { staffId: 'staff-2', deviceId: 'laptop-b', now: NOW },
    );
    const run = await queueLessonReminders(opts());
    expect(run.queued).toBe(0);
    const all = await messages();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ subject: 'From laptop B', state: 'sent', senderDeviceId: 'laptop-b' });
  });

  it('a record written between the existence check and the insert: the conflict counts as existing', async () => {
    await queueLessonReminders(opts());
    const before = await messages();
    const id = before[0]!.id;
    // The existence check misses the record (as when another laptop's record arrives in between).
    const coll = db.messages as unknown as { findOne(id: string): { exec(): Promise<unknown> } };
    const findOne = coll.findOne.bind(coll);
    coll.findOne = () => ({ exec: () => Promise.resolve(null) });
    try {
      const r = await insertDoc(db, 'messages', id, { ...before[0]!, subject: 'Second copy' }, ctx());
      expect(r).toEqual({ exists: true });
    } finally {
      coll.findOne = findOne;
    }
    expect(await messages()).toEqual(before);
  });

  it('a family that opted out gets none; turning reminders off stops them', async () => {
    await saveDoc(db, 'families', 'f1', { lessonReminders: false }, ctx());
    const run = await queueLessonReminders(opts());
    expect(run.queued).toBe(0);
    expect(await messages()).toEqual([]);
  });

  it('does nothing without mail, without an SMTP account, or on a tutor’s laptop', async () => {
    mailAvailable = false;
    expect((await queueLessonReminders(opts())).notRun).toBe('no-mail');
    mailAvailable = true;
    account = false;
    expect((await queueLessonReminders(opts())).notRun).toBe('no-account');
    account = true;
    role = 'tutor';
    expect((await queueLessonReminders(opts())).notRun).toBe('not-admin');
    expect(await messages()).toEqual([]);
  });
});
