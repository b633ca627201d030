/**
 * Calendar helpers for billing. Business dates (invoice issue/due dates, payment dates, periods)
 * are `YYYY-MM-DD` strings in the practice time zone; lesson starts are UTC ISO instants. Date
 * arithmetic on `YYYY-MM-DD` is done on UTC midnights, which has no DST, so "+14 days" is always
 * 14 calendar days.
 */
import { clockHour, practiceFormat } from '../locale/practice-locale';
import { DateTime } from 'luxon';
import { BillingError } from './errors';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function assertIsoDate(value: string, what = 'date'): string {
  if (!isIsoDate(value)) throw new BillingError('invalid_date', `${what} must be a date YYYY-MM-DD, got "${value}"`);
  return value;
}

function dayNumber(date: string): number {
  return Date.parse(`${assertIsoDate(date)}T00:00:00Z`) / DAY_MS;
}

function fromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

/** Whole calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** 'YYYY-MM' of a date. */
export function monthOf(date: string): string {
  return assertIsoDate(date).slice(0, 7);
}

export function assertIsoMonth(month: string): string {
  const m = ISO_MONTH.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new BillingError('invalid_month', `Month must be YYYY-MM, got "${month}"`);
  return month;
}

/** First and last day of a month. */
export function monthRange(month: string): { start: string; end: string } {
  assertIsoMonth(month);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { start: `${month}-01`, end: `${month}-${String(last).padStart(2, '0')}` };
}

/** Months whose first day lies in [start, end] (monthly fees are billed for these). */
export function monthsStartingIn(start: string, end: string): string[] {
  const out: string[] = [];
  for (const month of monthsOverlapping(start, end)) {
    const first = `${month}-01`;
    if (first >= start && first <= end) out.push(month);
  }
  return out;
}

/** Every month that overlaps [start, end], in order. */
export function monthsOverlapping(start: string, end: string): string[] {
  assertIsoDate(start);
  assertIsoDate(end);
  const out: string[] = [];
  let [y, m] = start.slice(0, 7).split('-').map(Number) as [number, number];
  const endMonth = end.slice(0, 7);
  for (;;) {
    const month = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    if (month > endMonth) break;
    out.push(month);
    m += 1;
    if (m === 13) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

/**
 * The UTC instants bounding the local dates [startDate, endDate] in `timeZone`:
 * startMs = local midnight starting startDate, endMs = local midnight after endDate (exclusive).
 * DST-safe (a 23- or 25-hour day is still one day).
 */
export function localDateBoundsUtc(startDate: string, endDate: string, timeZone: string): { startMs: number; endMs: number } {
  assertIsoDate(startDate, 'period start');
  assertIsoDate(endDate, 'period end');
  if (endDate < startDate) throw new BillingError('invalid_period', 'The period ends before it starts');
  const start = DateTime.fromISO(startDate, { zone: timeZone });
  if (!start.isValid) throw new BillingError('invalid_time_zone', `Unknown time zone "${timeZone}"`);
  const end = DateTime.fromISO(addDays(endDate, 1), { zone: timeZone });
  return { startMs: start.toMillis(), endMs: end.toMillis() };
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
const localDateCache = new Map<string, string>();
const QUARTER_HOUR = 900_000;

/**
 * Local calendar date (YYYY-MM-DD) of a UTC instant in `timeZone`. Cached per quarter hour (every
 * real-world UTC offset is a multiple of 15 minutes, so local midnight falls on a quarter hour).
 */
export function localDateOf(instantMs: number, timeZone: string): string {
  const bucket = Math.floor(instantMs / QUARTER_HOUR);
  const key = `${timeZone}|${bucket}`;
  const hit = localDateCache.get(key);
  if (hit !== undefined) return hit;
  let f = dateFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormatters.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(bucket * QUARTER_HOUR));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const value = `${get('year')}-${get('month')}-${get('day')}`;
  if (localDateCache.size > 200_000) localDateCache.clear();
  localDateCache.set(key, value);
  return value;
}

/** Today's date in the practice time zone. */
export function todayIn(timeZone: string, now: Date): string {
  return localDateOf(now.getTime(), timeZone);
}

function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Epoch milliseconds of an ISO instant, NaN when it is not one: the same answer as `Date.parse`,
 * with a fast path for the canonical `YYYY-MM-DDTHH:MM:SS.sssZ` form that RxDB documents hold
 * (`toISOString`'s output). Batch billing parses ~100,000 lesson starts.
 */
export function parseInstantMs(iso: string): number {
  if (
    iso.length === 24 &&
    iso.charCodeAt(23) === 90 /* Z */ &&
    iso.charCodeAt(4) === 45 &&
    iso.charCodeAt(7) === 45 &&
    iso.charCodeAt(10) === 84 &&
    iso.charCodeAt(13) === 58 &&
    iso.charCodeAt(16) === 58 &&
    iso.charCodeAt(19) === 46
  ) {
    const y = digits(iso, 0, 4);
    const mo = digits(iso, 5, 2);
    const d = digits(iso, 8, 2);
    const h = digits(iso, 11, 2);
    const mi = digits(iso, 14, 2);
    const sec = digits(iso, 17, 2);
    const ms = digits(iso, 20, 3);
    if (
      y >= 100 &&
      mo >= 1 &&
      mo <= 12 &&
      d >= 1 &&
      d <= 31 &&
      h >= 0 &&
      h <= 23 &&
      mi >= 0 &&
      mi <= 59 &&
      sec >= 0 &&
      sec <= 59 &&
      ms >= 0
    ) {
      return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
    }
  }
  return Date.parse(iso);
}

/** Parses a UTC ISO instant to epoch milliseconds, throwing on nonsense. */
export function instantMs(iso: string, what = 'instant'): number {
  const ms = parseInstantMs(iso);
  if (Number.isNaN(ms)) throw new BillingError('invalid_instant', `${what} is not a valid ISO instant: "${iso}"`);
  return ms;
}

/** A business date for people ("3 Mar 2026" in en-GB): `practiceFormat(locale, …).date`. */
export function formatDate(date: string, locale: string): string {
  if (!isIsoDate(date)) return date;
  return practiceFormat(locale, 'UTC', 'GBP').date(date);
}

const dateTimeFormatters = new Map<string, Intl.DateTimeFormat>();
const dateTimeCache = new Map<string, string>();

/** A lesson start for people, in the practice zone ("Tue 3 Mar 2026, 16:00" in en-GB). Cached. */
export function formatLessonStart(instant: number, locale: string, timeZone: string): string {
  const key = `${locale}|${timeZone}|${instant}`;
  const hit = dateTimeCache.get(key);
  if (hit !== undefined) return hit;
  const fk = `${locale}|${timeZone}`;
  let f = dateTimeFormatters.get(fk);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: clockHour(locale),
      minute: '2-digit',
    });
    dateTimeFormatters.set(fk, f);
  }
  const value = f.format(new Date(instant));
  if (dateTimeCache.size > 200_000) dateTimeCache.clear();
  dateTimeCache.set(key, value);
  return value;
}
