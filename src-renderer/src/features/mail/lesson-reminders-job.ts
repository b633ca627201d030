/**
 * Tomorrow's lesson reminders (docs/email.md "Lesson reminders", docs/email-templates.md "Lesson
 * reminders"): at start, every hour and when the day changes in the practice time zone, this laptop
 * queues a reminder for every opted-in family with lessons tomorrow (`lessonRemindersDue`).
 *
 * - Only where mail can go: the desktop app (`bridge.mail.available()`) with an SMTP account.
 * - Only on an admin's laptop: tutors' laptops never queue reminders, so in the usual practice
 *   (one office laptop) one laptop does it.
 * - Each reminder's record id is `lessonReminderId(family, day)`: the record is inserted, never
 *   modified; one that exists (an earlier run, or another laptop's record synced here) is left as
 *   it is, so a family gets one reminder per day.
 */
import type { TutorDatabase } from '../../data';
import type { TutorBridge } from '../../../../src-shared/bridge';
import type { ChangeContext } from '../../../../src-shared/model/meta';
import type { Closure, Family, Lesson, Occurrence, PracticeSettings, Staff, Student } from '../../../../src-shared/model/types';
import { lessonRemindersDue, tomorrowIn } from '../../../../src-shared/mail/lesson-reminders';
import { localDaysRange, toMs } from '../../../../src-shared/schedule/time';
import { queueMessage } from './compose';

export interface LessonRemindersJobOptions {
  db: TutorDatabase;
  bridge: Pick<TutorBridge, 'mail'>;
  ctx: () => ChangeContext;
  settings: () => PracticeSettings | null;
  /** Who uses this laptop: only an admin's laptop queues reminders. */
  me: () => Pick<Staff, 'role'> | null;
  now?: () => Date;
  /** Longest wait between two runs. */
  everyMs?: number;
}

export interface LessonRemindersRun {
  /** Why nothing was looked at ('' when it ran). */
  notRun: '' | 'no-mail' | 'no-account' | 'not-admin' | 'no-settings';
  queued: number;
  /** Families whose reminder could not be made (no address, template problem). */
  skipped: { familyId: string; reason: string }[];
  /** Reminders whose record existed already (another laptop's, synced meanwhile). */
  existing: number;
}

type Docs<T> = { find(q?: unknown): { exec(): Promise<{ toJSON(): T }[]> } };

async function all<T>(db: TutorDatabase, name: string, query?: unknown): Promise<T[]> {
  const coll = (db.collections as unknown as Record<string, Docs<T>>)[name]!;
  return (await coll.find(query).exec()).map((d) => d.toJSON());
}

/** One run: queues the reminders due now; safe to repeat (a reminder is queued at most once). */
export async function queueLessonReminders(opts: LessonRemindersJobOptions): Promise<LessonRemindersRun> {
  const out: LessonRemindersRun = { notRun: '', queued: 0, skipped: [], existing: 0 };
  if (!(await opts.bridge.mail.available())) return { ...out, notRun: 'no-mail' };
  if (!(await opts.bridge.mail.getAccount())) return { ...out, notRun: 'no-account' };
  if (opts.me()?.role !== 'admin') return { ...out, notRun: 'not-admin' };
  const settings = opts.settings();
  if (!settings) return { ...out, notRun: 'no-settings' };
  const now = (opts.now ?? (() => new Date()))();
  const tz = settings.timeZone;
  const day = tomorrowIn(tz, now);
  const range = localDaysRange(day, day, tz);
  // Attendance documents that can concern tomorrow: planned for it, or moved to it (from any day).
  const from = new Date(toMs(range.start) - 86_400_000).toISOString();
  const to = new Date(toMs(range.end) + 86_400_000).toISOString();
  const [occurrences, lessons, students, families, staff, closures, existing] = await Promise.all([
    all<Occurrence>(opts.db, 'occurrences', {
      selector: { $or: [{ originalStart: { $gte: from, $lt: to } }, { start: { $gte: from, $lt: to } }] },
    }),
    all<Lesson>(opts.db, 'lessons'),
    all<Student>(opts.db, 'students'),
    all<Family>(opts.db, 'families'),
    all<Staff>(opts.db, 'staff'),
    all<Closure>(opts.db, 'closures'),
    all<{ id: string }>(opts.db, 'messages', { selector: { kind: 'lesson-reminder' } }),
  ]);
  const due = lessonRemindersDue({
    occurrences,
    lessons,
    students,
    families,
    staff,
    closures,
    now,
    timeZone: tz,
    alreadySent: new Set(existing.map((m) => m.id)),
  });
  const familyById = new Map(families.map((f) => [f.id, f]));
  for (const r of due) {
    const family = familyById.get(r.familyId)!;
    const result = await queueMessage(
      opts.db,
      opts.ctx(),
      { kind: 'lesson-reminder', family, studentIds: r.studentIds, values: r.values, documents: [] },
      settings,
      '',
      r.id,
    );
    if ('queued' in result) out.queued++;
    else if ('skipped' in result) out.skipped.push({ familyId: r.familyId, reason: result.skipped });
    else out.existing++;
  }
  return out;
}

export interface LessonRemindersJob {
  stop(): void;
  /** Runs now (what the timer does); resolves with that run's result. */
  runNow(): Promise<LessonRemindersRun | null>;
}

/** Runs at start, then every hour and just after midnight in the practice time zone. */
export function startLessonRemindersJob(opts: LessonRemindersJobOptions): LessonRemindersJob {
  const now = opts.now ?? (() => new Date());
  const everyMs = opts.everyMs ?? 3_600_000;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<LessonRemindersRun | null> | null = null;

  const untilNextDay = (): number => {
    const tz = opts.settings()?.timeZone;
    if (!tz) return everyMs;
    try {
      const t = now();
      const next = localDaysRange(tomorrowIn(tz, t), tomorrowIn(tz, t), tz).start;
      // A few seconds past midnight, so "tomorrow" is already the next day.
      return Math.max(1000, toMs(next) - t.getTime() + 5000);
    } catch {
      return everyMs;
    }
  };

  const schedule = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), Math.min(everyMs, untilNextDay()));
  };

  const run = (): Promise<LessonRemindersRun | null> => {
    if (stopped) return Promise.resolve(null);
    // One run at a time: a second call while one runs shares it.
    running ??= queueLessonReminders(opts)
      .catch((e: unknown) => {
        console.warn('Lesson reminders could not be queued', e);
        return null;
      })
      .finally(() => {
        running = null;
        schedule();
      });
    return running;
  };

  void run();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    runNow: run,
  };
}
