/**
 * VTIMEZONE components for iCalendar export. The `timezones-ical-library` package (an offline copy
 * of the IANA database as VTIMEZONE blocks, maintained upstream) is used for known zones; for a
 * zone it does not have, a VTIMEZONE is derived from the runtime's own zone data (luxon/Intl) by
 * listing the actual transitions over the exported period, which is exactly what the app's own
 * expansion uses.
 */
import { DateTime } from 'luxon';
import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';
import { DAY_MS, MINUTE_MS, zoneOffsetMinutes } from './time';

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

function localStamp(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * MINUTE_MS).toISOString().slice(0, 19).replace(/[-:]/g, '');
}

/** A VTIMEZONE for `zone` built from the transitions luxon reports between fromMs and toMs. */
export function vtimezoneFromRuntime(zone: string, fromMs: number, toMs: number): string {
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  const start = fromMs - 366 * DAY_MS;
  const end = toMs + 366 * DAY_MS;
  const component = (atMs: number, from: number, to: number) => {
    const dt = DateTime.fromMillis(atMs, { zone });
    const kind = dt.isInDST ? 'DAYLIGHT' : 'STANDARD';
    lines.push(
      `BEGIN:${kind}`,
      `TZNAME:${(dt.offsetNameShort ?? formatOffset(to)).replace(/[^A-Za-z0-9+\-:]/g, '')}`,
      `TZOFFSETFROM:${formatOffset(from)}`,
      `TZOFFSETTO:${formatOffset(to)}`,
      `DTSTART:${localStamp(atMs, from)}`,
      `END:${kind}`,
    );
  };
  let prev = zoneOffsetMinutes(zone, start);
  component(start, prev, prev);
  for (let day = start; day < end; day += DAY_MS) {
    const next = zoneOffsetMinutes(zone, day + DAY_MS);
    if (next === prev) continue;
    // Binary search the first minute with the new offset.
    let lo = day;
    let hi = day + DAY_MS;
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
      if (zoneOffsetMinutes(zone, mid) === prev) lo = mid;
      else hi = mid;
    }
    component(hi, prev, next);
    prev = next;
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}

let knownZones: Set<string> | undefined;

/** The VTIMEZONE component text for `zone` (CRLF line ends), or null for UTC. */
export function vtimezoneFor(zone: string, fromMs: number, toMs: number): string | null {
  if (zone === 'UTC' || zone === 'Etc/UTC') return null;
  knownZones ??= new Set(tzlib_get_timezones(false) as string[]);
  // Ask the library only for zones it has (it logs an error for others).
  const block = knownZones.has(zone) ? tzlib_get_ical_block(zone) : null;
  if (Array.isArray(block) && typeof block[0] === 'string' && block[0].startsWith('BEGIN:VTIMEZONE')) return block[0];
  return vtimezoneFromRuntime(zone, fromMs, toMs);
}
