/**
 * Writes a confirmed CSV import: the new families and their students together or not at all
 * (intent log, docs/data-model.md "Writes that span several documents"). If the storage fails
 * half-way and cannot undo at once, the import is completed when TutorDesk next starts; the error
 * says which.
 */
import type { AppServices } from '../../app/AppContext';
import { newId, runIntent } from '../../data';
import { importIntent } from '../../../../src-shared/integrity/operations';
import type { ImportPlan } from '../../../../src-shared/students/csv-import';

export async function importStudents(app: AppServices, plan: Pick<ImportPlan, 'families' | 'students'>): Promise<void> {
  const ctx = app.ctx();
  await runIntent(app.db, importIntent(plan, { ctx, newId }), ctx);
}
