/**
 * Whether a schedule record can be drawn. The schemas accept any string for instants and rules
 * (an older app version, another laptop or a hand-edited server document may hold anything), but
 * expanding a lesson with an empty start throws "Invalid instant". Screens keep such a record out
 * of the calendar and name it with the reason these functions give, instead of failing whole.
 */
import type { Lesson, Occurrence } from '../model/types';
import { isAllowedLessonRule } from '../model/timing';
import { ruleInstances } from './recurrence';
import { isValidZone } from './time';

const isInstant = (value: string) => Number.isFinite(Date.parse(value));
const zones = new Map<string, boolean>();
const isKnownZone = (zone: string) => {
  let ok = zones.get(zone);
  if (ok === undefined) zones.set(zone, (ok = isValidZone(zone)));
  return ok;
};

/** Why the lesson cannot be placed on the calendar, or null when it can. */
export function lessonProblem(lesson: Pick<Lesson, 'start' | 'timeZone' | 'rrule' | 'exdates' | 'durationMinutes'>): string | null {
  if (!lesson.start) return 'its start date and time are empty';
  if (!isInstant(lesson.start)) return `its start "${lesson.start}" is not a date and time`;
  if (!isKnownZone(lesson.timeZone)) return `its time zone "${lesson.timeZone}" is unknown`;
  if (!(Number.isFinite(lesson.durationMinutes) && lesson.durationMinutes > 0))
    return `its duration (${lesson.durationMinutes} minutes) is not a length of time`;
  const badExdate = lesson.exdates.find((d) => !isInstant(d));
  if (badExdate !== undefined) return `a skipped lesson's date "${badExdate}" is not a date and time`;
  if (lesson.rrule) {
    if (!isAllowedLessonRule(lesson.rrule))
      return `its repeat rule "${lesson.rrule.slice(0, 120)}" cannot be read (it is not a pattern TutorDesk makes)`;
    try {
      const startMs = Date.parse(lesson.start);
      ruleInstances(lesson, startMs, startMs + 1);
    } catch (e) {
      return `its repeat rule "${lesson.rrule}" cannot be read (${(e as Error).message})`;
    }
  }
  return null;
}

/** Why an occurrence document (attendance, a moved lesson) cannot be used, or null when it can. */
export function occurrenceProblem(o: Pick<Occurrence, 'originalStart' | 'start'>): string | null {
  if (!isInstant(o.originalStart))
    return o.originalStart ? `its original start "${o.originalStart}" is not a date and time` : 'its original start is empty';
  if (o.start && !isInstant(o.start)) return `its start "${o.start}" is not a date and time`;
  return null;
}
