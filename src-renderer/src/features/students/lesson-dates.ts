/**
 * Last and next lesson per student for the students table. The schedule feature provides the
 * data through `registerLessonDatesProvider`; until lessons exist the columns show "—".
 */
export type LessonDates = Map<string, { last?: string; next?: string }>;
type Provider = () => LessonDates;

const EMPTY: LessonDates = new Map();
let provider: Provider = () => EMPTY;

export function registerLessonDatesProvider(p: Provider): void {
  provider = p;
}

/** Must return the same Map until the dates change (it feeds a memoised table). */
export function useLessonDates(): LessonDates {
  return provider();
}
