/**
 * Time helpers for the schedule. Instants are stored as UTC ISO strings (`toISOString()` form,
 * e.g. `2025-03-10T16:00:00.000Z`); wall-clock time is always interpreted in an IANA zone through
 * luxon (never the machine's local zone). Pure: no DOM, no Electron.
 *
 * The `rrule` library expands rules in "floating" time: a JS Date whose UTC fields hold the local
 * wall-clock time. `toFloating` / `fromFloating` convert between that convention and real instants.
 */
import { DateTime, IANAZone } from 'luxon';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** A half-open interval of instants [start, end). */
export interface TimeRange {
  start: string;
  end: string;
}

/** Canonical form of an instant: `YYYY-MM-DDTHH:mm:ss.sssZ`. Throws on an invalid value. */
export function canonicalInstant(value: string | number | Date): string {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (!Number.isFinite(ms)) throw new Error(`Invalid instant: ${String(value)}`);
  return new Date(ms).toISOString();
}

export function toMs(value: string | number | Date): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (!Number.isFinite(ms)) throw new Error(`Invalid instant: ${String(value)}`);
  return ms;
}

export function isValidZone(zone: string): boolean {
  return zone !== '' && DateTime.now().setZone(zone).isValid;
}

const QUARTER_HOUR_MS = 15 * MINUTE_MS;
interface ZoneCache {
  zone: IANAZone | null;
  /** UTC day number → offset for the whole day, or null when the offset changes during that day. */
  days: Map<number, number | null>;
  /** Quarter-hour number → offset, for days with a transition. */
  quarters: Map<number, number>;
}
const zoneCaches = new Map<string, ZoneCache>();

function zoneCache(zone: string): ZoneCache {
  let c = zoneCaches.get(zone);
  if (!c) {
    const z = zone === 'UTC' ? null : IANAZone.create(zone);
    if (z && !z.isValid) throw new Error(`Invalid time zone: ${zone}`);
    if (zoneCaches.size > 1000) zoneCaches.clear();
    zoneCaches.set(zone, (c = { zone: z, days: new Map(), quarters: new Map() }));
  }
  if (c.days.size > 200_000) c.days.clear();
  if (c.quarters.size > 200_000) c.quarters.clear();
  return c;
}

/**
 * UTC offset (minutes) of `zone` at an instant, from luxon's IANA zone data, memoised per UTC day
 * (and per quarter hour on the rare days with a transition: offsets and transition instants are
 * multiples of 15 minutes in the tz database since 1970). Expansion converts every occurrence, so
 * this is what keeps 100,000 occurrences fast.
 */
export function zoneOffsetMinutes(zone: string, ms: number): number {
  const c = zoneCache(zone);
  if (!c.zone) return 0;
  const day = Math.floor(ms / DAY_MS);
  let whole = c.days.get(day);
  if (whole === undefined) {
    const a = c.zone.offset(day * DAY_MS);
    const b = c.zone.offset((day + 1) * DAY_MS - 1);
    whole = a === b ? a : null;
    c.days.set(day, whole);
  }
  if (whole !== null) return whole;
  const q = Math.floor(ms / QUARTER_HOUR_MS);
  let offset = c.quarters.get(q);
  if (offset === undefined) {
    offset = c.zone.offset(q * QUARTER_HOUR_MS);
    c.quarters.set(q, offset);
  }
  return offset;
}

/** Floating Date (UTC fields = wall clock) for an instant seen in `zone`. */
export function toFloating(instantMs: number, zone: string): Date {
  return new Date(instantMs + zoneOffsetMinutes(zone, instantMs) * MINUTE_MS);
}

/**
 * Real instant (ms) of the wall-clock time held in a floating Date, in `zone`, as RFC 5545
 * §3.3.5 says: a wall time that occurs twice (clocks go back) is the first of the two; one that
 * does not exist (clocks go forward) is read with the offset before the gap, i.e. it moves forward
 * by the length of the gap (01:30 on the London spring-forward day is 02:30 BST).
 */
export function fromFloating(floating: Date, zone: string): number {
  const local = floating.getTime();
  const before = zoneOffsetMinutes(zone, local - DAY_MS) * MINUTE_MS;
  const after = zoneOffsetMinutes(zone, local + DAY_MS) * MINUTE_MS;
  const a = local - before;
  const aValid = zoneOffsetMinutes(zone, a) * MINUTE_MS === before;
  if (before === after) return aValid ? a : local - zoneOffsetMinutes(zone, a) * MINUTE_MS;
  const b = local - after;
  const bValid = zoneOffsetMinutes(zone, b) * MINUTE_MS === after;
  if (aValid && bValid) return Math.min(a, b);
  if (aValid) return a;
  if (bValid) return b;
  return a;
}

const isoDays = new Map<number, string>();

/**
 * `YYYY-MM-DD` of UTC day number `day` (days since 1970-01-01), memoised: the calendar asks for
 * the local date of every lesson it draws, and a few hundred days cover a screen's worth.
 */
export function isoDay(day: number): string {
  let iso = isoDays.get(day);
  if (iso === undefined) {
    if (isoDays.size > 100_000) isoDays.clear();
    iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoDays.set(day, iso);
  }
  return iso;
}

/** Floating milliseconds (wall clock read as UTC) of an instant seen in `zone`. */
export function floatingMs(instantMs: number, zone: string): number {
  return instantMs + zoneOffsetMinutes(zone, instantMs) * MINUTE_MS;
}

/** `YYYY-MM-DD` of an instant in `zone`. */
export function localDate(instant: string | number, zone: string): string {
  return isoDay(Math.floor(floatingMs(toMs(instant), zone) / DAY_MS));
}

/** `YYYY-MM-DD` of a floating Date. */
export function floatingDate(floating: Date): string {
  return floating.toISOString().slice(0, 10);
}

/** The instant at which local day `date` (YYYY-MM-DD) starts in `zone`. */
export function startOfLocalDay(date: string, zone: string): number {
  const dt = DateTime.fromISO(date, { zone });
  if (!dt.isValid) throw new Error(`Invalid date: ${date}`);
  return dt.startOf('day').toMillis();
}

/** The range covering local days `from`..`to` inclusive (YYYY-MM-DD) in `zone`. */
export function localDaysRange(from: string, to: string, zone: string): TimeRange {
  const start = startOfLocalDay(from, zone);
  const end = DateTime.fromISO(to, { zone }).plus({ days: 1 }).startOf('day').toMillis();
  return { start: canonicalInstant(start), end: canonicalInstant(end) };
}

/** The local week (7 days) that contains `date`, starting on `weekStartsOn` (1 = Monday … 7 = Sunday). */
export function localWeekRange(date: string, zone: string, weekStartsOn = 1): { days: string[]; range: TimeRange } {
  const dt = DateTime.fromISO(date, { zone }).startOf('day');
  const back = (dt.weekday - weekStartsOn + 7) % 7;
  const first = dt.minus({ days: back });
  const days = Array.from({ length: 7 }, (_, i) => first.plus({ days: i }).toISODate() ?? '');
  return { days, range: localDaysRange(days[0]!, days[6]!, zone) };
}

/** RFC 5545 UTC date-time form `YYYYMMDDTHHMMSSZ`. */
export function icalUtc(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Parses `YYYYMMDD`, `YYYYMMDDTHHMMSS` or `YYYYMMDDTHHMMSSZ` as used in RRULE UNTIL. */
export function parseIcalDateTime(
  value: string,
): { utc: boolean; dateOnly: boolean; fields: [number, number, number, number, number, number] } | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value);
  if (!m) return null;
  return {
    utc: m[7] === 'Z',
    dateOnly: m[4] === undefined,
    fields: [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)],
  };
}

export function overlaps(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  return aStart < bEnd && bStart < aEnd;
}
