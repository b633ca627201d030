/**
 * Always mounted (a top bar item): desktop reminders N minutes before each of "my" lessons while
 * the app runs (settings.reminders, src-shared/schedule/reminders.ts, the host's notify), the
 * "next lesson" chip, and the menu commands that open the schedule from anywhere.
 *
 * Already-notified keys are kept in localStorage (per device, pruned after two days) so a reload
 * does not notify twice; a moved lesson has a new key and is reminded again at its new time.
 */
import { useEffect, useMemo, useState } from 'react';
import { dueReminders, localDate, nextReminderAt, reminderText, type ExpandedOccurrence } from '../../../../src-shared/schedule';
import { useApp } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { getBridge } from '../../platform/bridge';
import { timeOf } from './format';
import { expandRange, useDirectory } from './queries';
import { useScheduleStore, type ScheduleStore } from './store';
import './schedule.css';

const STORAGE_KEY = 'tutordesk.reminders.notified';
const LOOKAHEAD_MS = 26 * 60 * 60 * 1000;

function loadNotified(): Map<string, number> {
  try {
    const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, number>;
    const cutoff = Date.now() - 2 * 86_400_000;
    return new Map(Object.entries(raw).filter(([, at]) => at > cutoff));
  } catch {
    return new Map();
  }
}

function saveNotified(m: Map<string, number>): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(m)));
  } catch {
    /* storage full or unavailable: reminders still work for this session */
  }
}

function myUpcoming(store: ScheduleStore, meId: string, tz: string, now: number): ExpandedOccurrence[] {
  // Whole minutes, so the expansion cache is shared between the reminder timer and the chip.
  const minute = Math.floor(now / 60_000) * 60_000;
  const range = { start: new Date(minute - 3_600_000).toISOString(), end: new Date(minute + LOOKAHEAD_MS).toISOString() };
  return expandRange(store, range, tz).filter((o) => o.tutorId === meId);
}

function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), settled === value ? 0 : ms);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, ms]);
  return settled;
}

export function ScheduleTopbarItem() {
  const app = useApp();
  // Background: the opened screen loads first (reminders are not due within a second).
  const { store, version: liveVersion } = useScheduleStore({ background: true });
  // Bulk writes (imports, sync) change the store many times a second: follow it once it settles.
  const version = useSettled(liveVersion, 1500);
  const dir = useDirectory();
  const [tick, setTick] = useState(0);
  const settings = app.settings;
  const meId = app.me?.id ?? '';
  const tz = settings?.timeZone ?? 'UTC';
  const enabled = Boolean(settings?.reminders.enabled) && meId !== '';
  const minutes = settings?.reminders.minutesBefore ?? 15;

  // Menu commands that work from any screen.
  useEffect(
    () =>
      getBridge().onEvent((e) => {
        if (e.type !== 'menu') return;
        const onSchedule = window.location.hash.startsWith('#/schedule');
        if (e.command === 'new-lesson' && !onSchedule) navigate('/schedule?new=1');
        if (e.command === 'go-today' && !onSchedule) navigate('/schedule?date=today');
      }),
    [],
  );

  useEffect(() => {
    if (!enabled || version < 0) return;
    const now = Date.now();
    const mine = myUpcoming(store, meId, tz, now);
    const notified = loadNotified();
    const keys = new Set(notified.keys());
    const due = dueReminders(mine, now, minutes, keys);
    for (const r of due) {
      const text = reminderText(r, { studentName: dir.studentName, timeZone: tz, locale: settings?.locale }, now);
      void getBridge().notify({
        ...text,
        route: `/schedule?view=day&date=${localDate(r.occurrence.startMs, tz)}&occ=${encodeURIComponent(r.occurrence.id)}`,
      });
      notified.set(r.key, now);
    }
    if (due.length) saveNotified(notified);
    const next = nextReminderAt(mine, now, minutes, new Set(notified.keys()));
    // Wake at the next reminder, and at least every minute (lessons may be added meanwhile).
    const wait = Math.max(1000, Math.min(60_000, (next ?? Infinity) - now));
    const t = setTimeout(() => setTick((n) => n + 1), wait);
    return () => clearTimeout(t);
  }, [enabled, store, version, meId, tz, minutes, tick, dir, settings?.locale]);

  const next = useMemo(() => {
    if (!meId || version < 0) return null;
    const now = Date.now();
    return (
      myUpcoming(store, meId, tz, now).find(
        (o) => o.startMs > now && o.status === 'scheduled' && !o.closed && localDate(o.startMs, tz) === localDate(now, tz),
      ) ?? null
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, version, meId, tz, tick]);

  if (!next || !settings) return null;
  const fmt = { tz, locale: settings.locale };
  return (
    <a
      className="next-lesson"
      href={`#/schedule?view=day&date=${localDate(next.startMs, tz)}&occ=${encodeURIComponent(next.id)}`}
      style={{ ['--tutor' as string]: dir.colour(next.tutorId) }}
      aria-label={`Your next lesson today: ${next.subject || 'Lesson'} at ${timeOf(next.startMs, fmt)}`}
    >
      <span className="dot" aria-hidden="true" />
      Next: {next.subject || 'Lesson'} · {timeOf(next.startMs, fmt)}
    </a>
  );
}
