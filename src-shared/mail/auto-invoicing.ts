/**
 * Automatic monthly invoice drafts (docs/email-templates.md "Automatic invoicing"). When the
 * practice turns it on and picks a day of the month, the app makes the drafts for the month just
 * ended (`generateMonthDrafts`) at its first start on or after that day, once per month:
 *
 * - the day is a day in the practice time zone; a day past the month's end (31 in April, 29–31 in
 *   February) means the month's last day;
 * - once per month: the run month is recorded in `autoInvoicing.lastRunMonth` (synced), and a
 *   month already recorded is not run again;
 * - months in which the app was never started on or after the day are not caught up
 *   automatically: they are listed in `missed` so the screen can offer them.
 *
 * Only drafts are made; nothing is issued or e-mailed without a person.
 *
 * Pure: no Electron, React or DOM.
 */
import { DateTime } from 'luxon';

export interface AutoInvoicingSettings {
  enabled: boolean;
  /** 1–31. */
  dayOfMonth: number;
}

export interface AutoInvoicingRun {
  /** The month to bill, YYYY-MM: the month before `runMonth`. */
  month: string;
  /** The month this run belongs to, YYYY-MM: store it as `lastRunMonth` with the drafts. */
  runMonth: string;
  /** Months to bill whose run never happened (the app was not started), oldest first. */
  missed: string[];
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The day in `month` a run is due: `dayOfMonth`, or the month's last day when it has fewer days. */
export function runDayIn(month: string, dayOfMonth: number): number {
  const days = DateTime.fromISO(`${month}-01`, { zone: 'UTC' }).daysInMonth ?? 31;
  return Math.min(Math.max(1, Math.floor(dayOfMonth)), days);
}

/**
 * The drafts to make now, or null: enabled, today (practice time zone) is on or after this month's
 * run day, and this month has not run yet (`lastRunMonth` '' = never).
 */
export function autoInvoicingDue(args: {
  settings: AutoInvoicingSettings;
  lastRunMonth: string;
  now: Date;
  timeZone: string;
}): AutoInvoicingRun | null {
  const { settings, lastRunMonth } = args;
  if (!settings.enabled) return null;
  if (!Number.isInteger(settings.dayOfMonth) || settings.dayOfMonth < 1 || settings.dayOfMonth > 31) {
    throw new RangeError(`The day of the month must be 1 to 31, got ${settings.dayOfMonth}`);
  }
  if (lastRunMonth !== '' && !MONTH.test(lastRunMonth)) throw new RangeError(`lastRunMonth must be YYYY-MM or '', got "${lastRunMonth}"`);
  const today = DateTime.fromMillis(args.now.getTime(), { zone: args.timeZone });
  if (!today.isValid) throw new RangeError(`Unknown time zone "${args.timeZone}"`);
  const runMonth = today.toFormat('yyyy-MM');
  if (lastRunMonth >= runMonth) return null;
  if (today.day < runDayIn(runMonth, settings.dayOfMonth)) return null;
  const month = today.startOf('month').minus({ months: 1 }).toFormat('yyyy-MM');
  const missed: string[] = [];
  if (lastRunMonth !== '') {
    // The runs between the last one and this one never happened; the run of month m + 1 bills m.
    for (let m = DateTime.fromISO(`${lastRunMonth}-01`, { zone: 'UTC' }); m.toFormat('yyyy-MM') < month; m = m.plus({ months: 1 })) {
      missed.push(m.toFormat('yyyy-MM'));
    }
  }
  return { month, runMonth, missed };
}
