import { DateTime } from 'luxon';

/** An instant as the value of an <input type="datetime-local"> in the practice's zone. */
export function toLocalInput(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toFormat("yyyy-LL-dd'T'HH:mm");
}

/** The instant of a datetime-local value read in the practice's zone (null if incomplete). */
export function fromLocalInput(value: string, zone: string): string | null {
  if (!value) return null;
  const dt = DateTime.fromISO(value, { zone });
  return dt.isValid ? dt.toUTC().toISO() : null;
}
