/**
 * Read hooks over the practice's core records that several features share (beside
 * `useLiveQuery` in AppContext.tsx).
 */
import { useEffect, useState } from 'react';
import { useApp } from './AppContext';
import { checkRate, practiceRange, type Confirmation } from '../../../src-shared/billing/sanity';
import type { Family, Lesson, Student } from '../../../src-shared/model/types';

/** Display names of a few students, by id (live; primary-key lookups only). */
export function useStudentNames(ids: readonly string[]): Map<string, string> {
  const { db } = useApp();
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const key = ids.join(',');
  useEffect(() => {
    const sub = db.students.findByIds([...ids]).$.subscribe((m) => {
      const out = new Map<string, string>();
      for (const [id, d] of m) {
        const s = d.toJSON() as Student;
        out.set(id, `${s.firstName} ${s.lastName}`.trim());
      }
      setNames(out);
    });
    return () => sub.unsubscribe();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [db, key]);
  return names;
}

/** What a form does next: save (null), show `error` at the rate field, or stop while the warning asks. */
export type RateGate = null | { error: string } | 'ask';

export interface RateCheck {
  /**
   * Checks `amount` (minor units of the practice currency; null/undefined = no rate: nothing to
   * check) typed as `input`. A confirmation asked for the same input lets it through.
   */
  gate(amount: number | null | undefined, input: string): Promise<RateGate>;
  /** The confirmation waiting for the rate field's current text (show it with ui/FigureConfirmation), or null. */
  pending: Confirmation | null;
}

/**
 * "Sanity, not silence" for lesson rates (docs/billing.md "Sanity limits"): every rate field (the
 * practice's default rate in Settings, a family's, a student's, a lesson's rate override) runs
 * `checkRate` before saving. A rate far above the practice's range (UNUSUAL_PRICE_FACTOR times its
 * highest rate) is asked about, naming the figure, and the form's button becomes "Use £4,500.00";
 * a rate above the hard limit is refused at the field. The same pattern as the invoice line
 * (`checkLinePrice`) and payment (`checkPayment`) dialogs. `input` is the rate field's current
 * text: changing it withdraws the question.
 */
export function useRateCheck(input: string): RateCheck {
  const app = useApp();
  const [asked, setAsked] = useState<(Confirmation & { input: string }) | null>(null);
  const pending = asked && asked.input === input ? asked : null;

  const gate = async (amount: number | null | undefined, typed: string): Promise<RateGate> => {
    const settings = app.settings;
    if (amount === null || amount === undefined || !settings) return null;
    // The practice's range from what is stored now (read at save time: no live query per form).
    const plain = <T>(docs: { toJSON(): unknown }[]) => docs.map((d) => d.toJSON() as T);
    const [families, students, lessons] = await Promise.all([
      app.db.families
        .find()
        .exec()
        .then((d) => plain<Family>(d)),
      app.db.students
        .find()
        .exec()
        .then((d) => plain<Student>(d)),
      app.db.lessons
        .find()
        .exec()
        .then((d) => plain<Lesson>(d)),
    ]);
    const result = checkRate({ amount, range: practiceRange({ settings, families, students, lessons }), locale: settings.locale });
    if (!result) return null;
    if (result.kind === 'refuse') return { error: result.message };
    if (asked && asked.input === typed && asked.figure === result.figure) return null;
    setAsked({ ...result, input: typed });
    return 'ask';
  };

  return { gate, pending };
}
