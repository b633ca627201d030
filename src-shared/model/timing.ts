/**
 * What a lesson's timing may hold, checked the same way by the app's schemas, by the server rules
 * (validate_doc_update gets the same `pattern` and `enum` through the schemas) and by the schedule
 * before it expands a lesson:
 *
 * - `timeZone`: a name of the fixed IANA list in time-zones.ts (zones and their aliases);
 * - `rrule`: '' (a one-off lesson) or a weekly rule as the lesson editor writes it —
 *   `FREQ=WEEKLY`, then optionally `INTERVAL=1…52`, `BYDAY=` up to seven weekdays, `WKST=`, and
 *   one end, `UNTIL=<UTC date-time>` or `COUNT=1…999`, in that order (src-shared/schedule/
 *   recurrence.ts `buildRRule`, `withRRuleEnd`). Daily, monthly, hourly or secondly rules, BYHOUR,
 *   BYSETPOS and the like are refused: the editor never writes them, and a rule such as
 *   `FREQ=SECONDLY` would make every laptop expand millions of lessons a month.
 *
 * Pure: no Electron, React or DOM.
 */
import { TIME_ZONES } from './time-zones';

export { TIME_ZONES };

const DAY = '(MO|TU|WE|TH|FR|SA|SU)';

/** The lesson `rrule` pattern (JSON-schema `pattern`, also run by the server rules' ES5 RegExp). */
export const LESSON_RRULE_PATTERN = `^(FREQ=WEEKLY(;INTERVAL=([1-9]|[1-4][0-9]|5[0-2]))?(;BYDAY=${DAY}(,${DAY}){0,6})?(;WKST=${DAY})?(;(UNTIL=[0-9]{8}T[0-9]{6}Z|COUNT=[1-9][0-9]{0,2}))?)?$`;

const RRULE_RE = new RegExp(LESSON_RRULE_PATTERN);
const ZONES: ReadonlySet<string> = new Set(TIME_ZONES);

/** True for a time zone name of the accepted list (whatever the engine's own list says). */
export function isKnownTimeZone(zone: string): boolean {
  return ZONES.has(zone);
}

/** True for '' and for the weekly rules the lesson editor writes. */
export function isAllowedLessonRule(rrule: string): boolean {
  return RRULE_RE.test(rrule);
}
