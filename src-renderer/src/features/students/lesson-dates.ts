import { useMemo } from 'react';

/**
 * Last and next lesson per student for the students table. The schedule feature provides the
 * data through `registerLessonDatesProvider`; until lessons exist the columns show "—".
 */
export type LessonDates = Map<string, { last?: string; next?: string }>;
type Provider = () => LessonDates;

let provider: Provider = () => new Map();

export function registerLessonDatesProvider(p: Provider): void {
  provider = p;
}

export function useLessonDates(): LessonDates {
  const result = provider();
  return useMemo(() => result, [result]);
}
