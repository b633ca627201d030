/**
 * Write side of the schedule UI: plans built by src-shared/schedule/edit.ts are written through
 * the same `saveDoc` path as every other edit (sync stamps: only fields that really changed get
 * a new field clock), occurrence documents an edit made obsolete are removed.
 */
import type { Lesson, Occurrence } from '../../../../src-shared/model/types';
import type { SchedulePlan } from '../../../../src-shared/schedule';
import type { AppServices } from '../../app/AppContext';
import { newId } from '../../data';
import { deleteDoc } from '../../data';

export { newId };

export const emptyPlan = (): SchedulePlan => ({ lessons: [], occurrences: [], deleteOccurrenceIds: [], orphaned: [] });

/** Writes a plan; returns how many occurrence documents with attendance were left orphaned. */
export async function applyPlan(app: AppServices, plan: SchedulePlan): Promise<number> {
  for (const l of plan.lessons) await app.save('lessons', l.id, l as Partial<Lesson>);
  for (const o of plan.occurrences) await app.save('occurrences', o.id, o as Partial<Occurrence>);
  const ids = plan.deleteOccurrenceIds.filter((id) => !plan.occurrences.some((o) => o.id === id));
  if (ids.length) {
    // Stamped deletes, so sync resolves delete-versus-edit by time (docs/sync.md).
    for (const id of ids) await deleteDoc(app.db, 'occurrences', id, app.ctx());
  }
  return plan.orphaned.length;
}
